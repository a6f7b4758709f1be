"""Smoke runs of the benchmark scripts on their small shapes: a script that no longer runs end to end fails here.

The figures themselves are reported by the full runs (README, issue notes); these tests check only that each
script completes and prints figures that are sane for the shapes (recall of the approximate kNN search, etc.)."""
import os, re, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def _run(*args, timeout=600):
    env = {**os.environ, 'HF_HUB_OFFLINE': '1', 'TRANSFORMERS_OFFLINE': '1'}
    r = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)
    assert r.returncode == 0, f"{args[0]} failed:\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    return r.stdout

def test_hemogat_speed_quick():
    out = _run('benchmarks/hemogat_speed.py', '--quick', '--big', '2000', '--impls', 'sparse', '--epochs', '1', '--compare-epochs', '2')
    for line in ('graph (ours, train 1000 nodes', 'graph with int8 candidates', 'official-size, gat_impl=\'sparse\' (11,567,623 parameters)',
                 'corrected vs official', 'graph construction speed-up', '10^5-node graph (2,000 nodes'):
        assert line in out, f"missing {line!r} in:\n{out}"
    text, audio = map(float, re.search(r'recall of the exact neighbours: text ([\d.]+), audio ([\d.]+)', out).groups())
    assert text > 0.99 and audio > 0.99, out

def test_meld_hemogat_any_corpus_and_protocol(tmp_path):
    "The MELD text benchmark takes any corpus and protocol: here the demo corpus under a protocol declared in YAML."
    (tmp_path/'p.yaml').write_text("protocols:\n  by_dialogue: {kind: group_kfold, by: dialogue, k: 3, base: demo4}\n")
    out = _run('benchmarks/meld_hemogat.py', '--corpus', 'demo', '--n-dialogues', '24', '--protocol', f'{tmp_path}/p.yaml#by_dialogue',
               '--no-finetune', '--seeds', '0', '--epochs', '2', '--cache', str(tmp_path/'cache'))
    assert 'demo / by_dialogue' in out and "folds ['dialogue0', 'dialogue1', 'dialogue2']" in out, out
    last = out.strip().splitlines()[-1]
    assert re.fullmatch(r'RESULT weighted_f1=[\d.]+ weighted_f1_std=[\d.]+ probe_weighted_f1=[\d.]+ runs=3', last), last

def test_baselines_any_corpus_and_protocol(tmp_path):
    "The EmoDB and MELD floors run on another corpus and protocol too (the demo corpus, a manifest-style protocol by dialogue)."
    (tmp_path/'p.yaml').write_text("protocols:\n  by_dialogue: {kind: group_kfold, by: dialogue, k: 3, base: demo4}\n")
    common = ['--corpus', 'demo', '--n-dialogues', '24', '--cache', str(tmp_path/'cache')]
    out = _run('benchmarks/emodb_baseline.py', *common)
    assert re.fullmatch(r'RESULT balanced_accuracy=[\d.]+ balanced_accuracy_std=[\d.]+ accuracy=[\d.]+ folds=5', out.strip().splitlines()[-1]), out
    out = _run('benchmarks/meld_text_baseline.py', *common, '--protocol', f'{tmp_path}/p.yaml#by_dialogue')
    assert re.fullmatch(r'RESULT weighted_f1=[\d.]+ accuracy=[\d.]+ macro_f1=[\d.]+ folds=3', out.strip().splitlines()[-1]), out

def test_asr_wer_on_a_pocketsphinx_style_folder(tmp_path):
    "asr_wer.py reads pocketsphinx's `transcription` layout and scores Whisper tiny.en (here on two demo-corpus clips)."
    import shutil
    from mmser_nb.demo_corpus import build_demo_corpus
    df = build_demo_corpus(n_dialogues=24).head(2)
    lines = []
    for r in df.itertuples():
        shutil.copy(r.path, tmp_path/f'{r.id}.wav'); lines.append(f'<s> {r.text.lower()} </s> ({r.id})')
    (tmp_path/'transcription').write_text('\n'.join(lines) + '\n')
    out = _run('benchmarks/asr_wer.py', '--data-dir', str(tmp_path), '--models', 'tiny.en', '--beam', '1')
    last = out.strip().splitlines()[-1]
    m = re.fullmatch(r'RESULT wer_tiny=([\d.]+) rtf_tiny=([\d.]+) n_clips=2 audio_s=[\d.]+', last)
    assert m and 0 <= float(m.group(1)) < 0.5 and float(m.group(2)) > 0, last
