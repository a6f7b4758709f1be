"""Smoke run of benchmarks/meld_zero_shot.py on a tiny MELD subset (--quick): the script runs end to end and its
RESULT line carries every figure, each a fraction. Skipped when the MELD CSVs are not on this machine."""
import os, re, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
MELD = Path(os.environ.get('MMSER_MELD_DIR', ROOT.parent/'shared'/'data'/'meld'))

@pytest.mark.skipif(not (MELD/'train_sent_emo.csv').exists(), reason=f"MELD CSVs not found in {MELD} (set MMSER_MELD_DIR)")
def test_meld_zero_shot_quick():
    env = {**os.environ, 'HF_HUB_OFFLINE': '1', 'TRANSFORMERS_OFFLINE': '1', 'PYTHONPATH': str(ROOT)}
    r = subprocess.run([sys.executable, 'benchmarks/meld_zero_shot.py', '--data-dir', str(MELD), '--quick'], cwd=ROOT,
                       capture_output=True, text=True, timeout=600, env=env)
    assert r.returncode == 0, f"failed:\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    last = r.stdout.strip().splitlines()[-1]
    assert last.startswith('RESULT '), last
    vals = dict(kv.split('=') for kv in last.split()[1:])
    for key in ('unseen_auc', 'untrained_row_auc', 'word_rule_auc', 'seen_wf1', 'supervised_wf1'):
        assert key in vals, f"{key} missing from {last}"
        assert 0 <= float(vals[key]) <= 1, last
    assert 'per held-out emotion' in r.stdout and re.search(r'^sad\s', r.stdout, re.M), r.stdout[-2000:]
