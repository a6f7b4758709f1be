"""HemoGAT on real IEMOCAP utterance vectors (the official repository's released BERT + wav2vec2 features).

5 x repeated stratified 5-fold cross-validation on `train.npz` (551 utterances, 4 classes); inside each
training fold a stratified 15 % is held out for validation (epoch / model selection, the plateau schedule,
the probe's C); the test fold is scored once. Single thread per process. Rows, all on the same folds:

* `official_repro` : the official training procedure re-implemented step for step (systems.md §1): its
  per-split graphs (per node one matrix-vector product per modality, an argsort, Python set inserts),
  `model.train()` once before the loop and `model.eval()` inside it for validation (defect 2), Adam 1e-4 /
  wd 5e-4, ReduceLROnPlateau(0.5, 15) on validation loss, 100 full-batch epochs, the last epoch tested;
  the model is our `official` preset (the released architecture, parameter count asserted in 02_hemogat);
* `faithful`       : our `official` model preset + the `official` training preset through the shared Trainer,
  with the `official_callbacks()` switch (train/eval-mode behaviour of the official loop, last epoch kept);
* `corrected`      : the corrected default model (`HemoGATConfig()`) + the `corrected` training preset;
* `probe`          : logistic regression on the concatenated, standardised vectors, C by inner 5-fold CV;
* `probe_l2`       : the same on the corrected model's inputs (each modality z-scored, then L2-normalised: `input_norm='l2'`).

    python benchmarks/hemogat_iemocap.py --data ../shared/data/hemogat_iemocap/train.npz            # full
    python benchmarks/hemogat_iemocap.py --data ../shared/data/hemogat_iemocap/train.npz --quick    # smoke run
    python benchmarks/hemogat_iemocap.py --data train.npz --test test.npz --seeds 3       # a separate test file of the same kind

Last line: RESULT official_repro_acc=... faithful_acc=... corrected_acc=... probe_acc=... p_value=...
(CV means of accuracy; p_value = paired t-test corrected vs probe over the (repeat, fold) runs).
"""
import argparse, json, os, sys, time, warnings
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('MKL_NUM_THREADS', '1')
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import numpy as np
import torch
import torch.nn.functional as F

ROWS = ('official_repro', 'faithful', 'corrected', 'probe', 'probe_l2')

# --- the official graph construction, step for step -----------------------------------------------
sys.path.insert(0, str(Path(__file__).resolve().parent))
from hemogat_speed import official_dual_knn_graph   # the official construction, step for step (shared with the speed benchmark)

# --- folds ---------------------------------------------------------------------------------------
def make_folds(y, repeats:int, k:int, val_share:float=0.15, seed:int=0)->list:
    "(repeat, fold, train, val, test) index arrays: repeated stratified k-fold, a stratified `val_share` of train held out."
    from sklearn.model_selection import RepeatedStratifiedKFold, train_test_split
    out = []
    for n, (tr, te) in enumerate(RepeatedStratifiedKFold(n_splits=k, n_repeats=repeats, random_state=seed).split(np.zeros(len(y)), y)):
        fit, val = train_test_split(tr, test_size=val_share, stratify=y[tr], random_state=seed + n)
        out.append((n // k, n % k, np.sort(fit), np.sort(val), np.sort(te)))
    return out

def holdout_runs(n_train:int, y_train, n_test:int, runs:int, val_share:float=0.15)->list:
    "(run, 0, train, val, test) for `--test`: the whole training file (a stratified `val_share` of it held out, per run) vs the test file."
    from sklearn.model_selection import train_test_split
    out = []
    for n in range(runs):
        fit, val = train_test_split(np.arange(n_train), test_size=val_share, stratify=y_train, random_state=n)
        out.append((n, 0, np.sort(fit), np.sort(val), n_train + np.arange(n_test)))
    return out

def data_and_runs(a)->tuple[dict, list]:
    "The arrays (training file, then the --test file if given) and the list of runs."
    D = load(a.data)
    if not a.test: return D, make_folds(D['label'], a.repeats, a.folds)
    T = load(a.test)
    if list(T['classes']) != list(D['classes']): raise SystemExit(f"--test classes {list(T['classes'])} differ from --data classes {list(D['classes'])}")
    n = len(D['label'])
    return {k: np.concatenate([D[k], T[k]]) for k in ('text', 'audio', 'label')} | {'classes': D['classes']}, holdout_runs(n, D['label'], len(T['label']), a.seeds)

def scores(y, pred)->dict:
    from mmser_nb.metrics import compute_metrics
    m = compute_metrics('single_label', np.asarray(y), np.eye(4)[np.asarray(pred)], classes=list(range(4)))
    return {k: float(m[k]) for k in ('accuracy', 'balanced_accuracy', 'weighted_f1')}

# --- rows ----------------------------------------------------------------------------------------
def run_official_repro(D, fold, seed, a):
    "The official main.py / utils.train procedure on this fold, step for step."
    from mmser_nb.core import Batch
    from mmser_nb.hemogat import HemoGAT, hemogat_config
    _, _, tr, va, te = fold
    def graph(idx):
        from torch_geometric.data import Data
        return Data(x_text=torch.tensor(D['text'][idx]), x_audio=torch.tensor(D['audio'][idx]),
                    edge_index=official_dual_knn_graph(D['text'][idx], D['audio'][idx], a.k_text, a.k_audio),
                    y=torch.tensor(D['label'][idx]), num_nodes=len(idx))
    g = {s: graph(i) for s, i in (('train', tr), ('val', va), ('test', te))}
    b = {s: Batch(graph=gr, node_index=torch.arange(gr.num_nodes)) for s, gr in g.items()}
    np.random.seed(seed); torch.manual_seed(seed)
    model = HemoGAT(hemogat_config('official', n_classes=4))
    opt = torch.optim.Adam(model.parameters(), lr=1e-4, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode='min', factor=0.5, patience=15)
    model.train()                                          # once, before the loop (defect 2)
    for _ in range(a.official_epochs):
        opt.zero_grad()
        loss = F.cross_entropy(model(b['train']).logits, g['train'].y)
        loss.backward(); opt.step()
        model.eval()                                       # ... and never back to train mode
        with torch.no_grad(): val_loss = F.cross_entropy(model(b['val']).logits, g['val'].y)
        sched.step(val_loss)
    model.eval()
    with torch.no_grad(): pred = model(b['test']).logits.argmax(1).numpy()   # the last epoch is tested
    return scores(D['label'][te], pred)

def _fit_trainer(cfg, settings, callbacks, D, fold, seed):
    from mmser_nb.hemogat import HemoGAT, hemogat_data
    from mmser_nb.trainer import Trainer
    _, _, tr, va, te = fold
    idx = np.concatenate([tr, va, te])
    splits = {'train': np.arange(len(tr)), 'val': len(tr) + np.arange(len(va)), 'test': len(tr) + len(va) + np.arange(len(te))}
    feats = {m: D[m][idx] for m in ('text', 'audio')}
    data = hemogat_data(feats, D['label'][idx], splits, cfg)
    torch.manual_seed(seed)
    t = Trainer(HemoGAT(cfg), settings.replace(seed=seed, progress=False), classes=list(range(4)), callbacks=callbacks)
    t.fit(data['train'], data['val'])
    return scores(D['label'][te], t.predict(data['test']).preds)

def run_faithful(D, fold, seed, a):
    from mmser_nb.hemogat import hemogat_config, hemogat_train_settings, official_callbacks
    cfg = hemogat_config('official', n_classes=4, k_text=a.k_text, k_audio=a.k_audio)
    return _fit_trainer(cfg, hemogat_train_settings('official', epochs=a.official_epochs), official_callbacks(), D, fold, seed)

def run_corrected(D, fold, seed, a):
    from mmser_nb.hemogat import hemogat_config, hemogat_train_settings
    cfg = hemogat_config(n_classes=4, **json.loads(a.model_override))
    st = hemogat_train_settings('corrected', **json.loads(a.train_override))
    if a.quick: st = st.replace(epochs=min(st.epochs, a.quick_epochs))
    return _fit_trainer(cfg, st, (), D, fold, seed)

PROBE_CS = (1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1.0)
PROBE_L2_CS = (1e-1, 3e-1, 1.0, 3.0, 10., 30., 100.)     # unit-length inputs are ~√d smaller: the same grid, shifted

def run_probe(D, fold, seed, a, l2:bool=False):
    "Logistic regression on the concatenated vectors (standardised with training statistics), C by inner stratified 5-fold CV."
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    _, _, tr, va, te = fold
    fit = np.concatenate([tr, va])                         # the probe needs no epoch selection: it sees the whole training fold
    X, y = np.concatenate([D['text'], D['audio']], 1), D['label']
    pipe = lambda C: make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=3000))
    if l2:                                                 # per modality: z-score (training statistics), unit length; then the probe
        from sklearn.preprocessing import Normalizer
        from sklearn.compose import ColumnTransformer
        d = D['text'].shape[1]
        per = lambda: make_pipeline(StandardScaler(), Normalizer())
        pipe = lambda C: make_pipeline(ColumnTransformer([('text', per(), slice(0, d)), ('audio', per(), slice(d, X.shape[1]))]),
                                       LogisticRegression(C=C, max_iter=3000))
    cv = StratifiedKFold(5, shuffle=True, random_state=seed)
    grid = PROBE_L2_CS if l2 else PROBE_CS
    cs = grid[1:4] if a.quick else grid
    best = max(cs, key=lambda C: cross_val_score(pipe(C), X[fit], y[fit], cv=cv).mean())
    return {**scores(y[te], pipe(best).fit(X[fit], y[fit]).predict(X[te])), 'C': best}

RUNNERS = {'official_repro': run_official_repro, 'faithful': run_faithful, 'corrected': run_corrected, 'probe': run_probe,
           'probe_l2': lambda D, fold, seed, a: run_probe(D, fold, seed, a, l2=True)}

def _job(args):
    row, n, a = args
    torch.set_num_threads(1); warnings.filterwarnings('ignore')
    D, folds = data_and_runs(a)
    t0 = time.process_time()
    r = RUNNERS[row](D, folds[n], seed=n + a.seed_offset, a=a)
    return {'row': row, 'repeat': folds[n][0], 'fold': folds[n][1], 'seed': n, **r, 'cpu_s': time.process_time() - t0}

def load(path)->dict:
    with np.load(path, allow_pickle=False) as z: return {k: z[k] for k in z.files}

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', required=True, help='train.npz with text (N,768), audio (N,768), label (N,), classes')
    ap.add_argument('--repeats', type=int, default=5); ap.add_argument('--folds', type=int, default=5)
    ap.add_argument('--test', default=None, help='a separate test file of the same kind: train on all of --data (15 %% of it for '
                    'validation), score on this file once per seed, instead of the cross-validation')
    ap.add_argument('--seeds', type=int, default=3, help='with --test: runs (each its own validation split and initialisation)')
    ap.add_argument('--rows', default=','.join(ROWS), help=f'comma-separated subset of {ROWS}')
    ap.add_argument('--jobs', type=int, default=1, help='worker processes (each single-threaded)')
    ap.add_argument('--k-text', type=int, default=2); ap.add_argument('--k-audio', type=int, default=8)
    ap.add_argument('--official-epochs', type=int, default=100)
    ap.add_argument('--seed-offset', type=int, default=0, help='added to every run\'s torch seed (same folds, other initialisations)')
    ap.add_argument('--model-override', default='{}', help='JSON overrides of the corrected config (exploration only)')
    ap.add_argument('--train-override', default='{}', help='JSON overrides of the corrected training preset (exploration only)')
    ap.add_argument('--max-runs', type=int, default=None, help='only the first N (repeat, fold) runs')
    ap.add_argument('--first-run', type=int, default=0, help='skip the runs before this one (exploration)')
    ap.add_argument('--quick', action='store_true', help='smoke run: 1 repeat x 2 folds (of 5), 3 official epochs, few corrected epochs')
    ap.add_argument('--quick-epochs', type=int, default=5)
    ap.add_argument('--out', default=None, help='write the per-run table (CSV) here (it grows as runs finish)')
    ap.add_argument('--reuse', action='append', default=[], help='per-run CSV(s) of earlier runs of this script on the same folds: '
                    'their (row, run) results are kept and not run again (e.g. to resume, or to add rows)')
    ap.add_argument('--report-only', action='store_true', help='run nothing: report the --reuse tables')
    a = ap.parse_args(argv)
    if a.quick: a.repeats, a.max_runs, a.official_epochs = 1, 2, 3
    torch.set_num_threads(1)
    import pandas as pd
    from tqdm.auto import tqdm
    rows = [r.strip() for r in a.rows.split(',') if r.strip()]
    bad = set(rows) - set(ROWS)
    if bad: ap.error(f'unknown rows {sorted(bad)}; rows: {ROWS}')
    D, all_runs = data_and_runs(a)
    n_runs = len(all_runs)
    n_runs = min(n_runs, a.max_runs or n_runs)
    how = (f"train on {a.data} ({len(all_runs[0][2]) + len(all_runs[0][3])}), test on {a.test} ({len(all_runs[0][4])}), {n_runs} seeds"
           if a.test else f"{a.repeats} x {a.folds}-fold CV ({n_runs} runs)")
    print(f"{len(D['label'])} utterances, classes {list(D['classes'])}, counts {np.bincount(D['label']).tolist()}; "
          f"{how}, rows {rows}, {a.jobs} process(es) x 1 thread", flush=True)
    res = [r for f in a.reuse for r in pd.read_csv(f).to_dict('records') if r['row'] in rows and r['seed'] < n_runs]
    res = list({(r['row'], r['seed']): r for r in reversed(res)}.values())[::-1]   # one per (row, run): the first table that has it
    done = {(r['row'], r['seed']) for r in res}
    jobs = [] if a.report_only else [(r, n, a) for n in range(a.first_run, n_runs) for r in rows if (r, n) not in done]
    if res: print(f"reused {len(res)} finished runs from {a.reuse}; {len(jobs)} to run")
    t0 = time.time()
    def keep(r):                                             # the per-run table grows on disk as runs finish
        res.append(r)
        if a.out: pd.DataFrame(res).to_csv(a.out, index=False)
    if a.jobs > 1:
        import multiprocessing as mp
        with mp.get_context('spawn').Pool(a.jobs) as pool:
            for r in tqdm(pool.imap_unordered(_job, jobs), total=len(jobs), desc='runs'): keep(r)
    else:
        for j in tqdm(jobs, desc='runs'): keep(_job(j))
    df = pd.DataFrame(res).sort_values(['row', 'seed'])
    report(df, rows, time.time() - t0)

def report(df, rows, wall):
    from mmser_nb.metrics import paired_test
    print(f"\n{'row':<16s} {'runs':>4s} {'accuracy':>15s} {'balanced acc':>15s} {'weighted F1':>15s} {'CPU-s/run':>10s}   (mean ± std over runs)")
    for r in rows:
        d = df[df.row == r]
        f = lambda k: f"{d[k].mean():.4f} ± {d[k].std(ddof=1) if len(d) > 1 else 0:.4f}"
        print(f"{r:<16s} {len(d):>4d} {f('accuracy'):>15s} {f('balanced_accuracy'):>15s} {f('weighted_f1'):>15s} {d.cpu_s.mean():>10.1f}")
    for r in ('probe', 'probe_l2'):
        if r in rows: print(f'{r} C chosen:', df[df.row == r].C.value_counts().to_dict())
    tests = {}
    for a_, b_ in (('corrected', 'probe'), ('corrected', 'probe_l2'), ('corrected', 'faithful'), ('faithful', 'official_repro')):
        common = set(df[df.row == a_].seed) & set(df[df.row == b_].seed)      # paired on the runs both rows finished
        if a_ in rows and b_ in rows and len(common) > 1:
            pick = lambda r: df[(df.row == r) & df.seed.isin(common)].assign(fold=lambda d: d.seed)
            t = paired_test(pick(a_), pick(b_), 'accuracy')
            tests[(a_, b_)] = t
            print(f"paired {a_} vs {b_} (accuracy, {t['n_pairs']} runs): diff {t['mean_diff']:+.4f}, t-test p={t['t_pvalue']:.3g}, "
                  f"Wilcoxon p={t['wilcoxon_pvalue']:.3g}")
    print(f"wall {wall:.0f} s")
    mean = lambda r: df[df.row == r].accuracy.mean() if r in rows else float('nan')
    p = tests.get(('corrected', 'probe'), {}).get('t_pvalue', float('nan'))
    p2 = tests.get(('corrected', 'faithful'), {}).get('t_pvalue', float('nan'))
    print(f"RESULT official_repro_acc={mean('official_repro'):.4f} faithful_acc={mean('faithful'):.4f} corrected_acc={mean('corrected'):.4f} "
          f"probe_acc={mean('probe'):.4f} p_value={p:.4g} p_value_vs_faithful={p2:.4g} probe_l2_acc={mean('probe_l2'):.4f}")

if __name__ == '__main__': main()
