"""Smoke run of benchmarks/hemogat_iemocap.py --quick (subprocess) on a synthetic file shaped like the released features.

The real file (../shared/data/hemogat_iemocap/train.npz) is not part of the repository; the figures come from the
full run. This test checks that every row runs end to end, that the table and the RESULT line are printed, and that
the step-for-step official graph construction gives the edge set it must."""
import os, re, subprocess, sys
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parents[1]

def _synthetic_npz(path:Path, n:int=120, d:int=768, seed:int=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 4
    centres = {m: rng.normal(size=(4, d)) * s for m, s in (('text', 0.08), ('audio', 0.06))}
    feats = {m: (c[y] + rng.normal(size=(n, d))).astype(np.float32) for m, c in centres.items()}
    np.savez(path, text=feats['text'], audio=feats['audio'], label=y.astype(np.int64), classes=np.array(['angry', 'happy', 'sad', 'neutral']))

def test_hemogat_iemocap_quick(tmp_path):
    data = tmp_path/'train.npz'; _synthetic_npz(data)
    env = {**os.environ, 'PYTHONPATH': os.pathsep.join([str(ROOT), os.environ.get('PYTHONPATH', '')])}
    r = subprocess.run([sys.executable, 'benchmarks/hemogat_iemocap.py', '--data', str(data), '--quick', '--out', str(tmp_path/'runs.csv')],
                       cwd=ROOT, capture_output=True, text=True, timeout=900, env=env)
    assert r.returncode == 0, f"{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    out = r.stdout
    for row in ('official_repro', 'faithful', 'corrected', 'probe', 'probe_l2'): assert re.search(rf'^{row}\s+\d+\s+[01]\.\d+ ± ', out, re.M), out
    last = out.strip().splitlines()[-1]
    assert re.fullmatch(r'RESULT official_repro_acc=[\d.]+ faithful_acc=[\d.]+ corrected_acc=[\d.]+ probe_acc=[\d.]+ p_value=\S+ p_value_vs_faithful=\S+ probe_l2_acc=[\d.]+', last), last
    vals = dict(kv.split('=') for kv in last.split()[1:])
    assert all(0 <= float(vals[k]) <= 1 for k in ('official_repro_acc', 'faithful_acc', 'corrected_acc', 'probe_acc', 'probe_l2_acc'))
    import pandas as pd
    runs = pd.read_csv(tmp_path/'runs.csv')
    assert sorted(runs.row.unique()) == ['corrected', 'faithful', 'official_repro', 'probe', 'probe_l2'] and (runs.groupby('row').size() == 2).all()

def test_official_graph_step_for_step():
    sys.path.insert(0, str(ROOT/'benchmarks')); sys.path.insert(0, str(ROOT))
    from hemogat_speed import official_dual_knn_graph
    rng = np.random.default_rng(1)
    t, a = rng.normal(size=(40, 16)).astype(np.float32), rng.normal(size=(40, 16)).astype(np.float32)
    ei = official_dual_knn_graph(t, a, k_text=2, k_audio=3).numpy()
    edges = set(map(tuple, ei.T.tolist()))
    unit = lambda x: x / np.linalg.norm(x, axis=1, keepdims=True)
    want = {(i, i) for i in range(40)}
    for x, k in ((t, 2), (a, 3)):
        s = unit(x) @ unit(x).T; np.fill_diagonal(s, -np.inf)
        want |= {(i, int(j)) for i in range(40) for j in np.argsort(-s[i])[:k]}
    assert edges == want                                    # row 0 = the node that chose, row 1 = its neighbour
    from mmser_nb.graphs import build_utterance_graph, to_flat
    ours = to_flat(build_utterance_graph({'text': t, 'audio': a}, {'text': 2, 'audio': 3}, direction='official')).edge_index
    assert set(map(tuple, ours.T.tolist())) == edges        # our 'official' direction builds the same edge set

def test_hemogat_iemocap_separate_test_file(tmp_path):
    "--test: train on the whole --data file (its own validation split per seed), score every row on the other file."
    train, test = tmp_path/'train.npz', tmp_path/'test.npz'
    _synthetic_npz(train, n=100, seed=0); _synthetic_npz(test, n=40, seed=1)
    env = {**os.environ, 'PYTHONPATH': os.pathsep.join([str(ROOT), os.environ.get('PYTHONPATH', '')])}
    r = subprocess.run([sys.executable, 'benchmarks/hemogat_iemocap.py', '--data', str(train), '--test', str(test), '--quick', '--seeds', '2',
                        '--rows', 'corrected,probe', '--out', str(tmp_path/'runs.csv')], cwd=ROOT, capture_output=True, text=True, timeout=900, env=env)
    assert r.returncode == 0, f"{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    assert 'test on' in r.stdout and '(40), 2 seeds' in r.stdout, r.stdout[:500]
    import pandas as pd
    runs = pd.read_csv(tmp_path/'runs.csv')
    assert (runs.groupby('row').size() == 2).all() and runs.accuracy.between(0, 1).all()
    assert set(np.round(runs.accuracy * 40, 6) % 1) == {0.0}              # scored on the 40 test utterances
