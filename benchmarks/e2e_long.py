"""Long recordings end to end (`mmser_nb.longform.predict_recording`): segmentation quality, speed and memory.

Recordings are built from the demo corpus (eSpeak NG, offline): utterances drawn at random (with replacement) are
concatenated with uniform 0.4–3 s pauses, over Gaussian background noise at −50 dBFS RMS under speech and pauses
alike (`longform.synth_recording`). The *true* boundaries of an utterance are its speech extent measured on the
clean utterance: the first and last 10-ms frame within 45 dB of its loudest frame and above −55 dBFS.

The checkpoint is trained here once (cached under `--work`): `fusion_mlp` (eGeMAPS + MiniLM layer 4) by
`run_experiment` on fold0 of `demo4`, seed 0, default epochs, on the default demo corpus (`--quick`: the 24-dialogue
corpus, 15 epochs). Recordings and checkpoint are cached; every measured run starts from nothing else.

Measures (per recording, then the RESULT line for the longest one):
- **recall**: the fraction of true utterances *matched* by a detected segment whose start and end are both within
  0.3 s of the utterance's true start and end; matching is one-to-one (pairs taken greedily by
  |Δstart| + |Δend|). Precision (matched segments / all segments) is printed too.
- **boundary_mae_s**: the mean absolute boundary error, over both boundaries of the matched utterances (seconds).
- **rtf**: wall seconds of the whole `predict_recording` call (decoding, VAD, Whisper ASR of every segment, features,
  prediction, writing the CSV; model loading included) / audio seconds, in a fresh process, 2 CPU cores here.
- **peak_mb**: the fresh process's peak resident memory (`ru_maxrss`), one process per recording length.
- WER of the matched segments' transcripts and the label accuracy against the synthesised emotion are printed as
  context (the checkpoint is tiny; these are not targets).

VAD parameters were tuned on the 10-minute recording of seed 0 (`--tune`: a grid over threshold, merge gap and
padding, on one VAD pass) and are reported on the 60-minute recording of seed 1.

    python benchmarks/e2e_long.py                   # 10 min (seed 0) + 60 min (seed 1), Whisper 'auto' (base if installed)
    python benchmarks/e2e_long.py --minutes 10      # only the 10-minute recording (peak_mb_60min=nan)
    python benchmarks/e2e_long.py --tune            # the VAD grid on the 10-minute recording of seed 0
    python benchmarks/e2e_long.py --quick           # 1 + 2 minutes, tiny.en greedy: the smoke test (tests/test_e2e_long_bench.py)

Last line: `RESULT recall=… boundary_mae_s=… rtf=… peak_mb_10min=… peak_mb_60min=…` (in `--quick` mode the two peak
keys hold the 1- and 2-minute figures).
"""
import argparse, json, os, resource, subprocess, sys, time
from pathlib import Path
import numpy as np
import pandas as pd
os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')

BOUNDARY_TOL = 0.3
BUILD_VERSION = 1

def build_recording(minutes:float, seed:int, work:Path, n_dialogues=None)->tuple[Path, pd.DataFrame]:
    "A recording of about `minutes` from the demo corpus, and its truth table (cached)."
    import soundfile as sf
    from mmser_nb.demo_corpus import build_demo_corpus
    from mmser_nb.longform import synth_recording
    tag = f"rec_{minutes:g}min_seed{seed}_n{n_dialogues or 'all'}_v{BUILD_VERSION}"
    wav, csv = work/f'{tag}.wav', work/f'{tag}.csv'
    if wav.exists() and csv.exists(): return wav, pd.read_csv(csv)
    df = build_demo_corpus(n_dialogues, progress=False).reset_index(drop=True)
    rng = np.random.default_rng(seed); picks, t = [], 1.0
    while t < minutes*60 - 1.0:
        k = int(rng.integers(len(df))); picks.append(k); t += df.duration[k] + 1.7
    utts = ((sf.read(df.path[k], dtype='float32')[0], df.label[k], df.text[k]) for k in picks)
    truth = synth_recording(utts, wav, seed=seed + 1000)
    truth.to_csv(csv, index=False)
    return wav, truth

def train_checkpoint(work:Path, quick:bool)->Path:
    from mmser_nb.experiments import Experiment, run_experiment
    out = work/('checkpoint_quick' if quick else 'checkpoint')
    if not list(out.glob('checkpoints/*/config.json')):
        kw = dict(corpus_kw={'n_dialogues': 24}, train={'epochs': 15}) if quick else {}
        run_experiment(Experiment(name='e2e_long', corpus='demo', protocol='demo4', folds=['fold0'], model='fusion_mlp', seeds=[0], **kw),
                       out_dir=out, progress=False)
    return out

def match(truth:pd.DataFrame, segs:np.ndarray, tol:float=BOUNDARY_TOL)->list[tuple[int, int, float, float]]:
    "One-to-one matches (utterance, segment, |Δstart|, |Δend|) with both boundaries within `tol`, greedy by |Δs| + |Δe|."
    ts, te = truth.start.to_numpy(), truth.end.to_numpy()
    pairs = []
    for j, (s, e) in enumerate(segs):
        lo, hi = np.searchsorted(ts, s - tol), np.searchsorted(ts, s + tol, 'right')
        for i in range(lo, hi):
            ds, de = abs(ts[i] - s), abs(te[i] - e)
            if ds <= tol and de <= tol: pairs.append((ds + de, i, j, ds, de))
    used_i, used_j, out = set(), set(), []
    for _, i, j, ds, de in sorted(pairs):
        if i in used_i or j in used_j: continue
        used_i.add(i); used_j.add(j); out.append((i, j, ds, de))
    return out

def seg_scores(truth:pd.DataFrame, segs:np.ndarray)->dict:
    m = match(truth, segs)
    err = [x for _, _, ds, de in m for x in (ds, de)]
    return dict(recall=len(m)/max(1, len(truth)), precision=len(m)/max(1, len(segs)), boundary_mae_s=float(np.mean(err)) if err else float('nan'),
                n_true=len(truth), n_segments=len(segs), matches=m)

def worker(args):
    "One measured run in this (fresh) process: prints a JSON line with the wall time and the peak memory."
    from mmser_nb.longform import predict_recording
    t0 = time.perf_counter()
    r = predict_recording(args.checkpoint, args.worker, args.out, asr=args.asr, beam_size=args.beam, resume=False, quiet=True)
    sec = time.perf_counter() - t0
    print(json.dumps(dict(seconds=sec, peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024, n=len(r), duration=r.attrs['duration'])))

def measure(wav:Path, truth:pd.DataFrame, ck:Path, work:Path, asr:str, beam:int, label:str)->dict:
    out = work/f'{wav.stem}.pred.csv'
    cmd = [sys.executable, __file__, '--worker', str(wav), '--checkpoint', str(ck), '--out', str(out), '--asr', asr, '--beam', str(beam)]
    r = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, 'IN_TEST': os.environ.get('IN_TEST', '')})
    if r.returncode: sys.exit(f"worker failed on {wav}:\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}")
    run = json.loads(r.stdout.strip().splitlines()[-1])
    pred = pd.read_csv(out, keep_default_na=False)
    sc = seg_scores(truth, pred[['start', 'end']].to_numpy(float))
    from mmser_nb.transcripts import wer
    m = sc.pop('matches')
    w = wer([str(truth.text[i]) for i, j, _, _ in m], [str(pred.text[j]) for i, j, _, _ in m]) if m else float('nan')
    acc = float(np.mean([pred.label[j] == truth.label[i] for i, j, _, _ in m])) if m else float('nan')
    res = dict(label=label, audio_s=run['duration'], seconds=run['seconds'], rtf=run['seconds']/run['duration'], peak_mb=run['peak_mb'],
               wer=w, label_accuracy=acc, **sc)
    print(f"{label}: {res['audio_s']/60:.1f} min, {sc['n_true']} utterances, {sc['n_segments']} segments | recall {sc['recall']:.4f} "
          f"precision {sc['precision']:.4f} boundary MAE {sc['boundary_mae_s']:.3f}s | {res['seconds']:.0f}s, RTF {res['rtf']:.3f} | "
          f"peak {res['peak_mb']:.0f} MB | WER {w:.3f} | label accuracy {acc:.3f}", flush=True)
    return res

def tune(wav:Path, truth:pd.DataFrame, work:Path):
    "A grid over the VAD settings on one VAD pass of the recording."
    import tempfile
    from mmser_nb.longform import scan_recording, segment_speech, VAD_DEFAULTS
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        t0 = time.perf_counter(); sc = scan_recording(wav, tmp); t_scan = time.perf_counter() - t0
    print(f"scan (decode + VAD) of {sc.duration/60:.1f} min: {t_scan:.1f}s (RTF {t_scan/sc.duration:.4f})")
    rows = []
    for th in (0.35, 0.5, 0.65):
        for mg in (0.3, 0.4, 0.5, 0.6, 0.8):
            for pad in (0.0, 0.05, 0.1, 0.2):
                for mn in (0.25, 0.5):
                    s = seg_scores(truth, segment_speech(sc.probs, sc.energy_db, sc.duration, threshold=th, merge_gap_s=mg, pad_s=pad,
                                                         min_segment_s=mn, max_segment_s=VAD_DEFAULTS['max_segment_s']))
                    s.pop('matches'); rows.append(dict(threshold=th, merge_gap_s=mg, pad_s=pad, min_segment_s=mn, **s))
    g = pd.DataFrame(rows).sort_values(['recall', 'boundary_mae_s'], ascending=[False, True])
    print(g.head(15).to_string(index=False))
    d = {k: VAD_DEFAULTS[k] for k in ('threshold', 'merge_gap_s', 'pad_s', 'min_segment_s')}
    print('defaults', d, '->', g[np.all([g[k] == v for k, v in d.items()], 0)].to_string(index=False, header=False))

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--quick', action='store_true', help='1- and 2-minute recordings, tiny.en greedy, a small checkpoint')
    ap.add_argument('--tune', action='store_true', help='VAD grid on the 10-minute recording of seed 0')
    ap.add_argument('--minutes', default=None, help='comma-separated lengths (default 10,60; quick 1,2)')
    ap.add_argument('--seeds', default=None, help='one build seed per length (default 0,1)')
    ap.add_argument('--asr', default=None, help="Whisper model (default 'auto'; quick 'tiny.en')")
    ap.add_argument('--beam', type=int, default=None, help='beam size (default 5; quick 1)')
    ap.add_argument('--work', default=None, help='cache folder for recordings, checkpoint and predictions')
    ap.add_argument('--worker', default=None, help=argparse.SUPPRESS)
    ap.add_argument('--checkpoint', default=None, help=argparse.SUPPRESS)
    ap.add_argument('--out', default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        args.asr = None if args.asr == 'none' else args.asr
        return worker(args)
    from mmser_nb.core import cache_dir
    work = Path(args.work) if args.work else cache_dir('benchmarks', 'e2e_long')
    work.mkdir(parents=True, exist_ok=True)
    nd = 24 if args.quick else None
    if args.tune:
        wav, truth = build_recording(10, 0, work, nd); return tune(wav, truth, work)
    minutes = [float(m) for m in (args.minutes or ('1,2' if args.quick else '10,60')).split(',')]
    seeds = [int(s) for s in (args.seeds or '0,1').split(',')]
    seeds = (seeds + list(range(max(seeds) + 1, max(seeds) + 1 + len(minutes))))[:len(minutes)]
    asr, beam = args.asr or ('tiny.en' if args.quick else 'auto'), args.beam or (1 if args.quick else 5)
    from mmser_nb.longform import default_asr_model
    t0 = time.perf_counter(); ck = train_checkpoint(work, args.quick)
    print(f"checkpoint: {ck} (fusion_mlp, demo4 fold0, seed 0; {time.perf_counter() - t0:.0f}s) | ASR: whisper {default_asr_model() if asr == 'auto' else asr}, beam {beam} | "
          f"{os.cpu_count()} CPU cores", flush=True)
    res = []
    for mins, seed in zip(minutes, seeds):
        t0 = time.perf_counter(); wav, truth = build_recording(mins, seed, work, nd)
        print(f"recording {wav.name}: {len(truth)} utterances ({time.perf_counter() - t0:.0f}s to build or load)", flush=True)
        res.append(measure(wav, truth, ck, work, asr, beam, f"{mins:g} min (seed {seed})"))
    last = res[-1]
    peaks = [r['peak_mb'] for r in res] + [float('nan')]*2
    print(f"RESULT recall={last['recall']:.4f} boundary_mae_s={last['boundary_mae_s']:.4f} rtf={last['rtf']:.4f} "
          f"peak_mb_10min={peaks[0]:.1f} peak_mb_60min={peaks[1]:.1f}")

if __name__ == '__main__':
    main()
