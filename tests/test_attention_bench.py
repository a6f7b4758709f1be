"""Smoke run of benchmarks/attention_throughput.py on its small shapes: the script must complete and print sane figures."""
import os, re, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def test_attention_throughput_quick():
    env = {**os.environ, 'HF_HUB_OFFLINE': '1', 'TRANSFORMERS_OFFLINE': '1',
           'PYTHONPATH': os.pathsep.join([str(ROOT), os.environ.get('PYTHONPATH', '')])}
    r = subprocess.run([sys.executable, 'benchmarks/attention_throughput.py', '--quick'], cwd=ROOT,
                       capture_output=True, text=True, timeout=600, env=env)
    assert r.returncode == 0, f"attention_throughput.py failed:\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    last = r.stdout.strip().splitlines()[-1]
    assert last.startswith('RESULT '), last
    vals = dict(kv.split('=') for kv in last.split()[1:])
    for k in ('self_utt_per_s_1t', 'cross_utt_per_s_1t', 'self_utt_per_s_all', 'cross_utt_per_s_all'):
        assert k in vals and float(vals[k]) > 0, (k, last)
    assert re.search(r'Self / Cross throughput ratio [\d.]+', r.stdout), r.stdout

def _quick_run(script:str, timeout:int=600)->tuple:
    "Run `benchmarks/<script> --data-dir ../shared/data --quick` offline; (completed process, its RESULT line, the RESULT values)."
    env = {**os.environ, 'HF_HUB_OFFLINE': '1', 'TRANSFORMERS_OFFLINE': '1',
           'PYTHONPATH': os.pathsep.join([str(ROOT), os.environ.get('PYTHONPATH', '')])}
    r = subprocess.run([sys.executable, f'benchmarks/{script}', '--data-dir', str(ROOT.parent/'shared'/'data'), '--quick'], cwd=ROOT,
                       capture_output=True, text=True, timeout=timeout, env=env)
    assert r.returncode == 0, f"{script} failed:\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    last = r.stdout.strip().splitlines()[-1]
    assert last.startswith('RESULT '), last
    return r, last, dict(kv.split('=') for kv in last.split()[1:])

def test_meld_attention_quick():
    "Text-only Self/Cross on a slice of MELD: the runner path, the Cross = Self check and the RESULT keys."
    r, last, vals = _quick_run('meld_attention.py')
    assert {'self_wf1', 'cross_wf1', 'p_value'} <= set(vals), last
    assert 0 < float(vals['self_wf1']) <= 1 and vals['self_wf1'] == vals['cross_wf1'], last
    assert 'test scores identical' in r.stdout, r.stdout[-1500:]

def test_emodb_attention_quick():
    "Audio-only Self/Cross on two EmoDB folds: speed-perturbed training copies, the Cross = Self check and the RESULT keys."
    r, last, vals = _quick_run('emodb_attention.py', timeout=900)
    assert {'self_ua', 'cross_ua', 'floor_ua', 'p_value'} <= set(vals), last
    assert 0 < float(vals['self_ua']) <= 1 and vals['self_ua'] == vals['cross_ua'], last
    assert 'speed perturbation (0.9, 1.1)' in r.stdout and 'test scores identical' in r.stdout, r.stdout[-1500:]
