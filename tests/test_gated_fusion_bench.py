"""Smoke run of benchmarks/gated_fusion_speed.py on its --quick shapes: the script must run end to end and
print a table per section and a well-formed RESULT line. The figures themselves come from the full run."""
import os, re, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def test_gated_fusion_speed_quick():
    env = {**os.environ, 'HF_HUB_OFFLINE': '1', 'TRANSFORMERS_OFFLINE': '1'}
    r = subprocess.run([sys.executable, 'benchmarks/gated_fusion_speed.py', '--quick', '--no-progress'],
                       cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert r.returncode == 0, f"gated_fusion_speed.py failed:\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    out = r.stdout
    for line in ('== (a) head only', '== (b) end to end', 'paper claims 0.43-0.68', 'paper claims 0.38-0.72'):
        assert line in out, f"missing {line!r} in:\n{out}"
    for head in ('cmgi_official', 'cmgi_1', 'cmgi_3', 'gated', 'gated_pooled'):
        assert re.search(rf'^{head}\s+[\d.]+\s+[\d.]+', out, re.M), f"no timing row for {head}:\n{out}"
    last = out.strip().splitlines()[-1]
    m = re.fullmatch(r'RESULT head_train_saving=(\S+) head_infer_saving=(\S+) e2e_train_saving=(\S+) e2e_infer_saving=(\S+)( \w+=\S+)*', last)
    assert m, last
    vals = [float(v) for v in m.groups()[:4]]
    assert all(-5 < v < 1 for v in vals), last          # savings are fractions (1 - t/t_ref), finite
    assert vals[0] > 0, last                            # the single gate is cheaper than 3 CmGI layers, head only, even tiny
