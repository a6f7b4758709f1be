"""Acoustic floor: eGeMAPSv02 functionals + standardisation + logistic regression, fold by fold.

EmoDB leave-one-speaker-out by default (`emodb_loso10`, 10 folds); any corpus and protocol with `--corpus`,
`--protocol` (a YAML-declared one too). Prints UA (unweighted average recall = balanced accuracy) and WA
(accuracy), mean ± std (ddof=1) over the folds. The standardiser is fitted on each fold's training part only
(the validation part trains too: C is fixed, default 1.0, so nothing is selected, least of all on test).

    python benchmarks/emodb_baseline.py --data-dir /work/shared/data

Last line: RESULT balanced_accuracy=... balanced_accuracy_std=... accuracy=... folds=...
"""
import argparse, os, sys, time, resource
from pathlib import Path
import numpy as np, pandas as pd

os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import add_corpus_args, load_corpus_folds

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_corpus_args(ap, 'emodb', 'the corpus root, or a folder holding emodb/ (with wav/); a manifest file')
    ap.add_argument('--C', type=float, default=1.0, help='inverse L2 strength of the logistic regression')
    ap.add_argument('--spec', default='egemaps', help='named feature spec (default egemaps)')
    ap.add_argument('--cache', default=None, help='feature store folder (default: the library cache)')
    ap.add_argument('--save-result', action='store_true', help='write the figures to benchmarks/results/ (the reproduction page reads them)')
    a = ap.parse_args()
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    from sklearn.pipeline import make_pipeline
    from sklearn.metrics import balanced_accuracy_score, accuracy_score
    from mmser_nb.features import FeatureStore
    df, dp, proto, folds, _ = load_corpus_folds(a)
    store = FeatureStore(a.cache)
    t0 = time.perf_counter(); F = store.get(df, a.spec); dt = time.perf_counter() - t0
    print(f"features {F.spec.key}: {F.array().shape}, {dt:.1f} s ({store.stats.computed} computed, {store.stats.cached} cached)")
    ua, wa = [], []
    for f in folds:
        tr, te = list(f.train_ids) + list(f.val_ids), list(f.test_ids)     # nothing is selected: validation trains too
        clf = make_pipeline(StandardScaler(), LogisticRegression(C=a.C, max_iter=5000))
        clf.fit(F.select(tr).array(), dp.loc[tr, 'y'].to_numpy()); p = clf.predict(F.select(te).array()); y = dp.loc[te, 'y'].to_numpy()
        ua.append(balanced_accuracy_score(y, p)); wa.append(accuracy_score(y, p))
        print(f"  fold {f.name}: n={len(te):3d}  UA={ua[-1]:.3f}  WA={wa[-1]:.3f}")
    sd = lambda x: np.std(x, ddof=1) if len(x) > 1 else 0.
    print(f"{a.corpus} / {proto.id} ({len(ua)} folds, {len(proto.classes)} classes, {a.spec}+LR C={a.C}): "
          f"UA = {np.mean(ua):.3f} ± {sd(ua):.3f}   WA = {np.mean(wa):.3f} ± {sd(wa):.3f}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024:.0f} MiB")
    if a.save_result:
        from _results import write_result
        print('wrote', write_result('emodb_baseline', command='python ' + ' '.join(['benchmarks/emodb_baseline.py'] + sys.argv[1:]), corpus=a.corpus, protocol=proto.id,
                                    model=f'{a.spec}_logreg', metrics={'balanced_accuracy': {'mean': float(np.mean(ua)), 'std': float(sd(ua)), 'n': len(ua)}, 'accuracy': {'mean': float(np.mean(wa)), 'std': float(sd(wa)), 'n': len(wa)}}, tag=None if (a.corpus, a.protocol) == ('emodb', None) else f'{a.corpus}_{proto.id}',
                                    hardware='2 shared CPU cores'))
    print(f"RESULT balanced_accuracy={np.mean(ua):.4f} balanced_accuracy_std={sd(ua):.4f} accuracy={np.mean(wa):.4f} folds={len(ua)}")

if __name__ == '__main__': main()
