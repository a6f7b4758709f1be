"""EmoDB floor: eGeMAPSv02 functionals + standardisation + logistic regression, leave-one-speaker-out (10 folds).

Prints UA (unweighted average recall = balanced accuracy) and WA (accuracy), mean ± std (ddof=1) over the folds.
The standardiser is fitted on each fold's training speakers only. C is fixed (default 1.0): nothing is tuned on test.

    python benchmarks/emodb_baseline.py --data-dir /work/shared/data
"""
import argparse, os, re, time, resource
from pathlib import Path
import numpy as np, pandas as pd

os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')

_EMO = dict(W='angry', L='bored', E='disgusted', A='fearful', F='happy', T='sad', N='neutral')

def read_emodb_minimal(root: Path) -> pd.DataFrame:
    "Fallback when mmser_nb.corpora is absent: speaker = first 2 digits, emotion = 6th letter of the file name."
    rows = []
    for p in sorted((root/'wav').glob('*.wav')):
        m = re.fullmatch(r'(\d\d)([a-z]\d\d)([WLEAFTN])([a-z])', p.stem)
        if m: rows.append(dict(id=p.stem, path=str(p), speaker=m.group(1), label=_EMO[m.group(3)], text=''))
    return pd.DataFrame(rows)

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data-dir', required=True, help='folder holding emodb/ (with wav/)')
    ap.add_argument('--C', type=float, default=1.0, help='inverse L2 strength of the logistic regression')
    ap.add_argument('--spec', default='egemaps', help='named feature spec (default egemaps)')
    ap.add_argument('--cache', default=None, help='feature store folder (default: the library cache)')
    a = ap.parse_args()
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    from sklearn.pipeline import make_pipeline
    from sklearn.metrics import balanced_accuracy_score, accuracy_score
    from mmser_nb.features import FeatureStore
    root = Path(a.data_dir)/'emodb'
    try:
        from mmser_nb.corpora import read_emodb
        df, reader = read_emodb(root), 'mmser_nb.corpora.read_emodb'
    except ImportError:
        df, reader = read_emodb_minimal(root), 'minimal file-name parser'
    print(f"EmoDB: {len(df)} utterances, {df.speaker.nunique()} speakers, {df.label.nunique()} classes (reader: {reader})")
    store = FeatureStore(a.cache)
    t0 = time.perf_counter(); F = store.get(df, a.spec); dt = time.perf_counter() - t0
    print(f"features {F.spec.key}: {F.array().shape}, {dt:.1f} s ({store.stats.computed} computed, {store.stats.cached} cached)")
    X = F.array(); df = df.set_index('id').loc[F.ids].reset_index()
    classes = sorted(df.label.unique()); y = df.label.map({c: i for i, c in enumerate(classes)}).to_numpy()
    ua, wa = [], []
    for spk in sorted(df.speaker.unique()):
        te = (df.speaker == spk).to_numpy()
        clf = make_pipeline(StandardScaler(), LogisticRegression(C=a.C, max_iter=5000))
        clf.fit(X[~te], y[~te]); p = clf.predict(X[te])
        ua.append(balanced_accuracy_score(y[te], p)); wa.append(accuracy_score(y[te], p))
        print(f"  speaker {spk}: n={te.sum():3d}  UA={ua[-1]:.3f}  WA={wa[-1]:.3f}")
    print(f"EmoDB LOSO ({len(ua)} folds, {len(classes)} classes, eGeMAPS+LR C={a.C}): "
          f"UA = {np.mean(ua):.3f} ± {np.std(ua, ddof=1):.3f}   WA = {np.mean(wa):.3f} ± {np.std(wa, ddof=1):.3f}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024:.0f} MiB")

if __name__ == '__main__': main()
