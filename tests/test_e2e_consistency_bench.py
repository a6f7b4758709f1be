"""Smoke run of benchmarks/e2e_consistency.py on its quick shapes (24-dialogue demo corpus, 15 epochs, 8 utterances).

The full run's figures are reported in the issue notes; this checks that the script runs end to end, that
`predict_file(asr=True)` reproduces the runner's test predictions on the utterances it tries (same labels, the same
probabilities up to predict's 4-decimal rounding), and that the WER / accuracy figures are in range."""
import os, re, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def test_e2e_consistency_quick(tmp_path):
    env = {**os.environ, 'HF_HUB_OFFLINE': '1', 'TRANSFORMERS_OFFLINE': '1'}
    r = subprocess.run([sys.executable, 'benchmarks/e2e_consistency.py', '--quick', '--work', str(tmp_path), '--plot', str(tmp_path/'curve.png')],
                       cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert r.returncode == 0, f"e2e_consistency.py failed:\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    out = r.stdout
    assert 'transcript identical 1.0000' in out and '(c) predict_recording' in out, out
    assert (tmp_path/'curve.png').stat().st_size > 1000
    last = out.strip().splitlines()[-1]
    m = re.fullmatch(r'RESULT agreement=([\d.]+) max_prob_diff=([\d.]+) ua_human=([\d.]+) ua_asr=([\d.]+) wer=([\d.]+) wer_ua_spearman=(-?[\d.]+)', last)
    assert m, last
    agree, dprob, ua_h, ua_a, w, rho = map(float, m.groups())
    assert agree == 1.0 and dprob <= 1e-4, last
    assert 0.25 < ua_h <= 1 and 0.25 < ua_a <= 1 and 0 < w < 1 and -1 <= rho <= 1, last
