"""Every paper configuration under `configs/` loads and resolves, and every command of the reproduction page
names something that exists.

A YAML is checked as `mmser train --config` would use it: the `Experiment` loads (corpus registered), the model
and its preset exist, the protocol builds with its options and is meant for the corpus, every feature spec
resolves to the right modality, the training settings are valid, and the model builds at the configuration's
sizes (heads only: pretrained encoders are read from the feature store)."""
import os, re, importlib, pkgutil
from pathlib import Path
import numpy as np, pytest, yaml

os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
import mmser_nb
for _m in pkgutil.iter_modules(mmser_nb.__path__): importlib.import_module(f'mmser_nb.{_m.name}')   # every registration
from mmser_nb.core import get_model_classes, build_model
from mmser_nb.protocols import get_protocol
from mmser_nb.features import get_spec
from mmser_nb.trainer import TrainSettings
from mmser_nb.experiments import Experiment, model_config_for
from mmser_nb.cli import _remap_files

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = sorted(p for p in (ROOT/'configs').rglob('*.yaml') if p.name != 'protocols.yaml')   # protocols files are read by the configs
# the sizes of the pretrained features the configurations name (what the feature store would report)
DIMS = {'hubert-large-gated': 1024, 'bert-base-tokens': 768, 'bert-base-pooler': 768, 'wav2vec2-base-hemogat': 768}
MMSA_SIMS = {'text': (39, 768), 'audio': (400, 33), 'vision': (55, 709)}   # MMSA's unaligned_39.pkl shapes (T, D)
FILE_DIMS = {'selfmm': {**{m: d for m, (_, d) in MMSA_SIMS.items()}, 'text_bert': 39}, 'selfcrossattn': {'text': 300, 'audio': 120, 'vision': 2048},   # Yoon's arrays
             'eea': {'text': 300, 'audio': 74, 'vision': 35}}                      # CMU-SDK GloVe / COVAREP / FACET

def test_there_are_configs():
    assert len(CONFIGS) >= 7, CONFIGS

@pytest.fixture(scope='module')
def sims_like(tmp_path_factory):
    "A small features file shaped like MMSA's CH-SIMS pickle, for the `file=DATA#KEY` specs."
    p = tmp_path_factory.mktemp('cfg')/'sims.npz'; rng = np.random.default_rng(0)
    np.savez(p, id=np.array([f'c{i}' for i in range(6)]), text_bert=np.ones((6, 3, 39), np.float32),
             **{m: rng.normal(size=(6, 4, d)).astype(np.float32) for m, (_, d) in MMSA_SIMS.items()})
    return p

@pytest.fixture(scope='module')
def fake_glove(tmp_path_factory):
    "A GloVe-format text file with 300-d vectors for every emotion word the configurations name (both cases)."
    from mmser_nb.emotion_embeddings import MOSEI_EMOTION_WORDS, IEMOCAP_EMOTION_WORDS
    p = tmp_path_factory.mktemp('glove')/'glove.txt'; rng = np.random.default_rng(0)
    words = {w for w in MOSEI_EMOTION_WORDS + IEMOCAP_EMOTION_WORDS} | {w.capitalize() for w in MOSEI_EMOTION_WORDS + IEMOCAP_EMOTION_WORDS}
    p.write_text(''.join(f"{w} {' '.join(f'{v:.3f}' for v in rng.normal(size=300))}\n" for w in sorted(words)))
    return p

@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: str(p.relative_to(ROOT/'configs')))
def test_config_resolves(path, sims_like, fake_glove):
    exp = Experiment.from_yaml(path)
    config_cls, _ = get_model_classes(exp.model)
    if exp.preset: assert exp.preset in config_cls.presets, f'{path.name}: no preset {exp.preset!r} of {exp.model}'
    proto = get_protocol(exp.protocol, **exp.protocol_kw)
    assert proto.corpus == exp.corpus_kw.get('corpus', exp.corpus), f'{path.name}: protocol {proto.id} is for {proto.corpus!r}'
    TrainSettings(**exp.train)
    feats = _remap_files(exp.features, exp.corpus, str(sims_like)) if exp.corpus == 'embeddings' else exp.features
    dims = {}
    for m, s in feats.items():
        spec = get_spec(s)
        assert spec.modality == m, f'{path.name}: {s!r} is a {spec.modality} feature, listed as {m}'
        dims[m] = FILE_DIMS[path.parent.name][s.rpartition('#')[2]] if spec.encoder == 'file' else DIMS[s.split('|')[0]]
    task = proto.task; n = len(proto.classes)
    if exp.model_config.get('bert_path'): exp = exp.replace(model_config={**exp.model_config, 'bert_path': None})   # the preset's size, random weights
    if exp.model_config.get('emotion_path'): exp = exp.replace(model_config={**exp.model_config, 'emotion_path': str(fake_glove)})
    model = build_model(exp.model, model_config_for(exp, dims, n, task))
    assert sum(p.numel() for p in model.parameters()) > 0

def test_commands_name_what_exists():
    "Every reproduction-page command names an existing config or script, or says what it still needs."
    figs = yaml.safe_load((ROOT/'docs'/'paper_figures.yaml').read_text())
    named = set()
    for paper in figs['papers']:
        for f in paper['figures']:
            cmd = str(f['command'])
            if cmd.startswith(('not yet runnable', 'not reproducible here')): continue
            words = cmd.split()
            assert words[0] in ('mmser', 'python'), cmd
            for w in words:
                if w.startswith(('configs/', 'benchmarks/')):
                    assert (ROOT/w).exists(), f'{paper["id"]}: {w} does not exist'; named.add(w)
            if words[:2] == ['mmser', 'train']: assert '--config' in words and '--data-dir' in words, cmd
    unused = {str(p.relative_to(ROOT)) for p in CONFIGS} - named
    assert not unused, f'configs no figure names: {sorted(unused)}'

def test_features_yaml_runs_end_to_end(tmp_path):
    "The CH-SIMS TFN configuration trains on an MMSA-shaped features file (a tiny one, with its own split)."
    import subprocess, sys, pandas as pd
    rng = np.random.default_rng(0); N = 60
    y = rng.uniform(-1, 1, N).astype(np.float32)
    p = tmp_path/'tiny_sims.npz'
    np.savez(p, id=np.array([f'c{i:02d}' for i in range(N)]), score=y, split=np.array(['train'] * 36 + ['dev'] * 12 + ['test'] * 12),
             text=(rng.normal(size=(N, 5, 8)) + y[:, None, None]).astype(np.float32),
             audio=rng.normal(size=(N, 7, 4)).astype(np.float32), vision=rng.normal(size=(N, 3, 6)).astype(np.float32))
    proto = tmp_path/'protocols.yaml'          # the file's own split, scored as CH-SIMS (its size differs from the real one's)
    proto.write_text('protocols:\n  tiny: {kind: split_column, base: sims_official}\n')
    cmd = [str(Path(sys.executable).parent/'mmser'), 'train', '--config', str(ROOT/'configs'/'selfmm'/'sims_tfn.yaml'), '--data-dir', str(p),
           '--protocol', f'{proto}#tiny', '--seeds', '1111', '--epochs', '2', '--out-dir', str(tmp_path/'out')]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]
    res = pd.read_csv(tmp_path/'out'/'tfn'/'results.csv')
    assert len(res) == 1 and np.isfinite(res['mae']).all(), res

def test_yoon_fold_yaml_runs_end_to_end(tmp_path):
    "A SelfCrossAttn configuration trains on one fold folder of Yoon's layout (tiny arrays, the released geometry)."
    import subprocess, sys, pandas as pd
    rng = np.random.default_rng(1); d = tmp_path/'fold01'; d.mkdir()
    for sp, n in (('train', 28), ('dev', 7), ('test', 7)):
        y = np.arange(n) % 7
        np.save(d/f'{sp}_label.npy', y)
        t = np.zeros((n, 128, 12), np.float32)
        for i in range(n): t[i, :3 + i % 5] = rng.normal(size=(3 + i % 5, 12)) + y[i]
        np.save(d/f'{sp}_text.npy', t)
        np.save(d/f'{sp}_audio_mfcc.npy', rng.normal(size=(n, 60, 8)).astype(np.float32)); np.save(d/f'{sp}_audio_seqN.npy', np.full(n, 40))
        np.save(d/f'{sp}_video.npy', rng.normal(size=(n, 32, 6)).astype(np.float32)); np.save(d/f'{sp}_video_seqN.npy', np.full(n, 20))
    cmd = [str(Path(sys.executable).parent/'mmser'), 'train', '--config', str(ROOT/'configs'/'selfcrossattn'/'iemocap7_5fold_self.yaml'),
           '--data-dir', str(d), '--seeds', '1', '--epochs', '2', '--out-dir', str(tmp_path/'out')]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]
    res = pd.read_csv(tmp_path/'out'/'selfcrossattn_self'/'results.csv')
    assert len(res) == 1 and res.n_test.iloc[0] == 7 and 0 <= res.balanced_accuracy.iloc[0] <= 1, res

def test_selfmm_yaml_runs_end_to_end(tmp_path):
    """The Self-MM configuration, shrunk to the tiny preset (no BERT weights offline), trains on an MMSA pickle with
    `text_bert` token rows: BERT reads the served tokens and the runner trains with ULGM (the model's hook)."""
    import pickle, subprocess, sys, pandas as pd
    rng = np.random.default_rng(2); L = 8
    def split(n, off):
        y = rng.uniform(-1, 1, n).astype(np.float32); m = np.zeros((n, L)); m[:, :5] = 1
        tb = np.stack([rng.integers(1, 100, (n, L)) * m, m, np.zeros((n, L))], 1)
        return {'id': np.array([f'v{off + i}' for i in range(n)]), 'raw_text': np.array(['x'] * n), 'regression_labels': y,
                'text': rng.normal(size=(n, L, 4)).astype(np.float32), 'text_bert': tb,
                'audio': (rng.normal(size=(n, 6, 5)) + y[:, None, None]).astype(np.float32), 'audio_lengths': np.full(n, 6),
                'vision': rng.normal(size=(n, 4, 3)).astype(np.float32), 'vision_lengths': np.full(n, 4)}
    p = tmp_path/'tiny_unaligned.pkl'
    with open(p, 'wb') as f: pickle.dump({'train': split(40, 0), 'valid': split(10, 100), 'test': split(10, 200)}, f)
    cfg = yaml.safe_load((ROOT/'configs'/'selfmm'/'sims_official.yaml').read_text())
    cfg.update(preset='tiny', model_config={'d_text': 32, 'bert_path': None}, protocol='protocols.yaml#tiny')
    (tmp_path/'protocols.yaml').write_text('protocols:\n  tiny: {kind: split_column, base: sims_official}\n')
    (tmp_path/'tiny.yaml').write_text(yaml.safe_dump(cfg))
    cmd = [str(Path(sys.executable).parent/'mmser'), 'train', '--config', str(tmp_path/'tiny.yaml'), '--data-dir', str(p),
           '--seeds', '1111', '--epochs', '3', '--out-dir', str(tmp_path/'out')]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]
    res = pd.read_csv(tmp_path/'out'/'self_mm'/'results.csv')
    assert len(res) == 1 and res.n_test.iloc[0] == 10 and np.isfinite(res['mae']).all(), res

def _iemocap_pickle(path, seed:int):
    "A tiny aligned IEMOCAP pickle in the MulT/EEA layout (4 emotions, one each; text carries the label), its own split."
    import pickle
    rng = np.random.default_rng(seed)
    def split(n):
        on = np.stack([np.arange(n) % 4 == k for k in range(4)], 1).astype(int)          # one emotion each
        return {'text': rng.normal(size=(n, 20, 300)) + on[:, None, :1], 'audio': rng.normal(size=(n, 20, 74)),
                'vision': rng.normal(size=(n, 20, 35)), 'labels': np.eye(2)[on]}
    with open(path, 'wb') as f: pickle.dump({'train': split(32), 'valid': split(8), 'test': split(8)}, f)
    return path

def test_eea_yaml_runs_end_to_end(tmp_path, fake_glove):
    "The EEA configuration for the CMU-SDK IEMOCAP trains on an aligned pickle in the MulT/EEA layout (tiny, its own split)."
    import subprocess, sys, pandas as pd
    p = _iemocap_pickle(tmp_path/'iemocap_data.pkl', 3)
    cfg = yaml.safe_load((ROOT/'configs'/'eea'/'iemocap4_cmusdk.yaml').read_text())
    cfg.update(protocol='protocols.yaml#tiny', model_config={'emotion_path': str(fake_glove)})
    (tmp_path/'protocols.yaml').write_text('protocols:\n  tiny: {kind: split_column, base: iemocap4_cmusdk}\n')
    (tmp_path/'tiny.yaml').write_text(yaml.safe_dump(cfg))
    cmd = [str(Path(sys.executable).parent/'mmser'), 'train', '--config', str(tmp_path/'tiny.yaml'), '--data-dir', str(p),
           '--epochs', '2', '--out-dir', str(tmp_path/'out')]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]
    res = pd.read_csv(tmp_path/'out'/'eea'/'results.csv')
    assert len(res) == 1 and res.n_test.iloc[0] == 8 and np.isfinite(res['label_weighted_f1_mean']).all(), res.T

def test_eea_zsl_yaml_runs_end_to_end(tmp_path, fake_glove):
    "The IEMOCAP zero-shot configuration runs `run_unseen` from `mmser train --config` (tiny pickle, two held-out emotions)."
    import subprocess, sys, pandas as pd
    p = _iemocap_pickle(tmp_path/'iemocap_data.pkl', 4)
    cfg = yaml.safe_load((ROOT/'configs'/'eea'/'iemocap4_zsl.yaml').read_text())
    assert cfg['unseen'] == {'shots': [0]}
    cfg.update(protocol='protocols.yaml#tiny', model_config={'emotion_path': str(fake_glove)}, unseen={'emotions': ['happy', 'sad'], 'shots': [0, 1]})
    (tmp_path/'protocols.yaml').write_text('protocols:\n  tiny: {kind: split_column, base: iemocap4_cmusdk}\n')
    (tmp_path/'tiny.yaml').write_text(yaml.safe_dump(cfg))
    cmd = [str(Path(sys.executable).parent/'mmser'), 'train', '--config', str(tmp_path/'tiny.yaml'), '--data-dir', str(p),
           '--epochs', '2', '--out-dir', str(tmp_path/'out')]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]
    res = pd.read_csv(tmp_path/'out'/cfg['name']/'results.csv')
    assert list(zip(res.held_out, res.shots)) == [('happy', 0), ('happy', 1), ('sad', 0), ('sad', 1)], res
    assert np.isfinite(res.unseen_auc).all() and 'mean over emotions: unseen_auc' in r.stdout, r.stdout[-1500:]
