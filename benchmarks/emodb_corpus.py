"""Load Berlin EmoDB into the corpus table; print files, speakers, per-speaker and per-label counts, and load time.

    python benchmarks/emodb_corpus.py --data-dir ../shared/data/emodb

EmoDB has 535 files from 10 speakers; the script exits 1 if the table differs. If the folder has a
labels.csv (file, speaker, gender, text_id, text_de, emotion, version), every decoded field is compared with it.
"""
import argparse, csv, resource, sys, time, tracemalloc
from pathlib import Path
import pandas as pd
sys.path.insert(0, str(__import__('pathlib').Path(__file__).resolve().parents[1]))   # run from a checkout without installing
from mmser_nb.corpora import read_emodb, label_counts

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--data-dir', required=True, help='EmoDB folder (holding wav/)')
    ap.add_argument('--repeat', type=int, default=3, help='timed loads (best is reported)')
    a = ap.parse_args()
    times = []
    for i in range(a.repeat):
        t0 = time.perf_counter(); df = read_emodb(a.data_dir); times.append(time.perf_counter() - t0)
    tracemalloc.start(); read_emodb(a.data_dir)       # a separate, untimed load: tracing slows Python down
    _, peak = tracemalloc.get_traced_memory(); tracemalloc.stop()
    pd.set_option('display.width', 200)
    print(f"EmoDB corpus table: {len(df)} files, {df.speaker.nunique()} speakers "
          f"({(df.groupby('speaker').gender.first() == 'F').sum()} F, {(df.groupby('speaker').gender.first() == 'M').sum()} M), "
          f"{df.text_id.nunique()} texts")
    print('\nutterances per label (canonical / EmoDB name):')
    print(df.groupby(['label', 'label_raw']).size().sort_values(ascending=False).to_string())
    print('\nutterances per speaker (gender) and label:')
    t = label_counts(df.assign(spk=df.speaker + ' ' + df.gender), by='spk')
    print(t.T.to_string())
    ref = Path(a.data_dir)/'labels.csv'
    ok = len(df) == 535 and df.speaker.nunique() == 10
    if ref.is_file():
        r = {x['file'][:-4]: x for x in csv.DictReader(open(ref, encoding='utf-8'))}
        mism = [i for i, s, g, tid, txt, emo, v in zip(df.id, df.speaker, df.gender, df.text_id, df.text, df.label_raw, df.version)
                if i not in r or (r[i]['speaker'], r[i]['gender'].upper(), r[i]['text_id'], r[i]['text_de'], r[i]['emotion'], r[i]['version'])
                != (s, g, tid, txt, emo, v)]
        print(f"\ncross-check with {ref.name}: {len(df) - len(mism)} of {len(df)} rows agree on speaker, gender, text id, "
              f"German text, emotion and version; {len(set(r) - set(df.id))} files listed but not read")
        ok = ok and not mism and set(r) == set(df.id)
    best = min(times)
    base = []                                # baseline: just listing the wav files
    for _ in range(a.repeat):
        t0 = time.perf_counter(); sorted((Path(a.data_dir)/'wav').glob('*.wav')); base.append(time.perf_counter() - t0)
    print(f"\nbaseline (glob of wav/*.wav): best {min(base)*1000:.1f} ms; read_emodb / baseline = {best/min(base):.1f}x")
    print(f"load time: best {best*1000:.1f} ms of {a.repeat} (first, cold cache: {times[0]*1000:.1f} ms); {len(df)/best:,.0f} files/s")
    print(f"peak traced memory during load: {peak/1e6:.2f} MB; process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024:.0f} MB")
    print('OK' if ok else 'MISMATCH')
    sys.exit(0 if ok else 1)

if __name__ == '__main__': main()
