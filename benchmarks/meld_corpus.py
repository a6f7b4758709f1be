"""Load the real MELD CSVs into the corpus table; print counts per split and label, and load time.

    python benchmarks/meld_corpus.py --data-dir ../shared/data/meld [--media-dir DIR]

The official sizes are train 9,989 / dev 1,109 / test 2,610; the script exits 1 if they differ.
"""
import argparse, resource, sys, time, tracemalloc, warnings
from pathlib import Path
import pandas as pd
sys.path.insert(0, str(__import__('pathlib').Path(__file__).resolve().parents[1]))   # run from a checkout without installing
from mmser_nb.corpora import read_meld, label_counts, MELD_FILES

OFFICIAL = {'train': 9989, 'dev': 1109, 'test': 2610}

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--data-dir', required=True, help='folder with train/dev/test_sent_emo.csv')
    ap.add_argument('--media-dir', default=None, help='optional folder with the clips (train_splits/, …)')
    ap.add_argument('--repeat', type=int, default=3, help='timed loads (best is reported)')
    a = ap.parse_args()
    nbytes = sum((Path(a.data_dir)/f).stat().st_size for f in MELD_FILES.values())
    times = []
    for i in range(a.repeat):
        t0 = time.perf_counter()
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter('always'); df = read_meld(a.data_dir, media_dir=a.media_dir)
        times.append(time.perf_counter() - t0)
    tracemalloc.start()                      # a separate, untimed load: tracing slows Python down several-fold
    with warnings.catch_warnings(): warnings.simplefilter('ignore'); read_meld(a.data_dir, media_dir=a.media_dir)
    _, peak = tracemalloc.get_traced_memory(); tracemalloc.stop()
    for x in w: print('warning:', x.message)
    pd.set_option('display.width', 200)
    print(f"MELD corpus table: {len(df):,} utterances, {df.dialogue.nunique():,} dialogues, {df.speaker.nunique():,} speakers")
    print('\nutterances per split:')
    for s, n in df.split.value_counts().reindex(list(OFFICIAL)).items():
        print(f"  {s:5s} {n:6,d}  (official {OFFICIAL[s]:,}) {'OK' if n == OFFICIAL[s] else 'MISMATCH'}")
    print('\ndialogues per split:', df.groupby('split').dialogue.nunique().reindex(list(OFFICIAL)).to_dict())
    print('\nutterances per label (canonical label / MELD name) and split:')
    lc = label_counts(df.assign(label=df.label + ' / ' + df.label_raw), by='split')[list(OFFICIAL) + ['total']]
    print(lc.to_string())
    print('\nutterances per sentiment and split:')
    print(label_counts(df, by='split', col='sentiment')[list(OFFICIAL) + ['total']].to_string())
    n_mojibake = df.text.str.contains('â€|Ã', regex=True).sum()
    print(f"\ntexts with non-ASCII characters: {(~df.text.map(str.isascii)).sum():,}; left with mojibake markers: {n_mojibake}")
    if 'media_missing' in df: print(f"missing media: {int(df.media_missing.sum()):,} of {len(df):,}")
    best = min(times)
    base = []                                # baseline: pandas' C parser on the same files, no checks, no repairs
    for _ in range(a.repeat):
        t0 = time.perf_counter(); [pd.read_csv(Path(a.data_dir)/f, encoding='utf-8', encoding_errors='replace') for f in MELD_FILES.values()]
        base.append(time.perf_counter() - t0)
    print(f"\nbaseline pd.read_csv of the 3 CSVs: best {min(base)*1000:.0f} ms; read_meld / baseline = {best/min(base):.1f}x")
    print(f"load time: best {best*1000:.0f} ms of {a.repeat} (first, cold cache: {times[0]*1000:.0f} ms); "
          f"{len(df)/best:,.0f} utterances/s, {nbytes/best/1e6:.1f} MB/s of CSV")
    print(f"peak traced memory during load: {peak/1e6:.1f} MB; process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024:.0f} MB")
    sys.exit(0 if df.split.value_counts().to_dict() == OFFICIAL else 1)

if __name__ == '__main__': main()
