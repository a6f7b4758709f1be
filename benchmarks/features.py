"""Feature-extraction throughput of the offline encoders on the demo corpus, and the speed-up of a cached re-run.

For each encoder, a child process (so that peak memory is that encoder's own) extracts features for the
demo corpus into a fresh temporary store, then reads them back through a *new* `FeatureStore` object
(cache hit: index + .npy shards from disk). Printed per encoder:
  - extraction wall time (including encoder load) and the encoder-only time,
  - throughput: audio-seconds per second (inverse real-time factor; audio encoders) and utterances/s,
  - peak resident memory of the child process (ru_maxrss),
  - cached re-run time and the speed-up first/second (target ≥ 50×).

    python benchmarks/features.py                       # whole demo corpus, all offline encoders
    python benchmarks/features.py --limit 100 --encoders egemaps,minilm
"""
import argparse, json, os, resource, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np

os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
ENCODERS = ['egemaps', 'compare', 'logmel', 'whisper-tiny', 'minilm', 'glove']

def corpus(limit, n_dialogues):
    from mmser_nb.demo_corpus import build_demo_corpus
    df = build_demo_corpus(n_dialogues)
    return df.iloc[:limit] if limit else df

def one(name, limit, n_dialogues, threads):
    "Child: extract, then re-read from cache; print one JSON line."
    import soundfile as sf, torch
    torch.set_num_threads(threads)
    from mmser_nb.features import FeatureStore, get_spec
    df = corpus(limit, n_dialogues)
    spec = get_spec(name)
    if name == 'whisper-tiny': spec = spec.replace(options={'threads': threads})   # CTranslate2 threads (torch ones set above)
    audio_s = float(sum(sf.info(p).duration for p in df.path))
    with tempfile.TemporaryDirectory() as d:
        s1 = FeatureStore(d)
        t0 = time.perf_counter(); F = s1.get(df, spec, progress=False); t1 = time.perf_counter() - t0
        enc_s = s1.stats.seconds
        s2 = FeatureStore(d)
        t0 = time.perf_counter(); G = s2.get(df, spec, progress=False); t2 = time.perf_counter() - t0
        assert s2.stats.computed == 0 and np.array_equal(F.data, G.data)
        size = sum(f.stat().st_size for f in Path(d).rglob('*') if f.is_file())
    print(json.dumps(dict(name=name, key=spec.key, n=len(df), kept=len(F), audio_s=audio_s, first_s=t1, enc_s=enc_s,
                          cached_s=t2, dim=F.dim, seq=F.is_sequence, mean_T=float(F.lengths.mean()) if F.is_sequence else 1.,
                          disk_mb=size/2**20, peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)))

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--encoders', default=','.join(ENCODERS))
    ap.add_argument('--limit', type=int, default=None, help='first N utterances only')
    ap.add_argument('--n-dialogues', type=int, default=None, help='demo corpus size (default: its default)')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--one', default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one: return one(a.one, a.limit, a.n_dialogues, a.threads)
    df = corpus(a.limit, a.n_dialogues)
    print(f"demo corpus: {len(df)} utterances; {os.cpu_count()} CPUs, {a.threads} threads; "
          f"load average at start {os.getloadavg()[0]:.1f} (figures scale with it on a shared machine)")
    hdr = f"{'encoder':13s} {'key':40s} {'dim':>5s} {'first s':>8s} {'enc s':>7s} {'audio-s/s':>9s} {'utt/s':>7s} {'peak MiB':>8s} {'cached s':>8s} {'speed-up':>8s}"
    print(hdr); print('-'*len(hdr))
    for name in a.encoders.split(','):
        cmd = [sys.executable, __file__, '--one', name, '--threads', str(a.threads)]
        if a.limit: cmd += ['--limit', str(a.limit)]
        if a.n_dialogues: cmd += ['--n-dialogues', str(a.n_dialogues)]
        p = subprocess.run(cmd, capture_output=True, text=True)
        line = next((l for l in p.stdout.splitlines() if l.startswith('{')), None)
        if p.returncode or line is None: print(f"{name:13s} FAILED: {p.stderr.strip()[-500:]}"); continue
        r = json.loads(line); audio = not r['key'].startswith('text')
        ips = f"{r['audio_s']/r['first_s']:9.1f}" if audio else f"{'—':>9s}"
        print(f"{name:13s} {r['key'][:40]:40s} {r['dim']:5d} {r['first_s']:8.2f} {r['enc_s']:7.2f} {ips} {r['n']/r['first_s']:7.1f} "
              f"{r['peak_mb']:8.0f} {r['cached_s']:8.3f} {r['first_s']/r['cached_s']:7.0f}×")
    print(f"load average at end {os.getloadavg()[0]:.1f}. audio in corpus: {r['audio_s']:.0f} s. 'first s' = extraction incl. encoder load; 'enc s' = encoder only; "
          "throughput from 'first s'; text encoders have no audio-s/s.")

if __name__ == '__main__': main()
