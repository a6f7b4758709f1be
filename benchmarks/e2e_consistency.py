"""End-to-end consistency of `mmser predict` with the runner, and the WER sensitivity of the fused model (demo corpus).

Both parts run on the demo corpus (eSpeak NG, offline; `build_demo_corpus()`, protocol `demo4`: 5 folds, 2 held-out
test speakers each) with Whisper tiny.en transcripts (`asr:whisper-tiny.en`: beam 5, int8; CPU threads capped by
`--threads`, which changes no cache key). The fused model is `fusion_mlp` on eGeMAPS + MiniLM layer 4
(`{'audio': 'egemaps', 'text': 'minilm-l4|asr:whisper-tiny.en'}`), trained by `run_experiment` with seed 0 and the
default trainer settings (`--quick`: the 24-dialogue corpus, 15 epochs). Runs, checkpoints and the recording are
cached under `--work`; transcripts and features in the library's caches (`TranscriptCache`, `FeatureStore`).

1. **predict vs runner.** For every test utterance of fold0: (a) the runner's saved test prediction
   (`<work>/asr/runs/fold0-seed0.json`), (b) `mmser_nb.cli.predict_file(checkpoint, wav, asr=True)` on the
   utterance's wav (the transcript is computed by predict itself), (c) `longform.predict_recording` on one recording
   of those utterances (`synth_recording`: 0.4-3 s pauses over -50 dBFS noise), each utterance matched one-to-one to a
   detected segment with both boundaries within 0.3 s (as in benchmarks/e2e_long.py). Reported: label agreement
   (a) vs (b) (ties, where the top two probabilities of (a) are within 1e-4, counted apart), max |Δprob| over
   utterances and classes, transcript identity (the corpus transcript vs predict's), and (c)'s label agreement with
   (a) on matched utterances (its segments are cut by the VAD with padding, so their audio differs from the file).
2. **WER sensitivity.** Per-speaker WER of the tiny.en transcripts (`wer_report` by speaker, pooled edits / words
   after `normalize_text`) against the fused model's per-speaker test balanced accuracy (each speaker is a test
   speaker of exactly one fold) with ASR text and with human text (two experiments, all 5 folds, seed 0). The plot
   (`--plot`) has one point per speaker, both conditions; the Spearman correlation is WER vs the ASR-text UA.
   Overall UA (mean over the 5 folds' test balanced accuracy) with human vs ASR text is paired over folds.

    python benchmarks/e2e_consistency.py                  # full run (~586 utterances), ~10 min on 1 thread
    python benchmarks/e2e_consistency.py --no-longform    # without part 1(c)
    python benchmarks/e2e_consistency.py --quick          # 24 dialogues, 15 epochs, 8 utterances: the smoke test
                                                          # (tests/test_e2e_consistency_bench.py)

Last line: `RESULT agreement=… max_prob_diff=… ua_human=… ua_asr=… wer=… wer_ua_spearman=…` (wer: pooled over the
corpus; agreement and max_prob_diff: (a) vs (b)).
"""
import argparse, json, os, sys, time
from pathlib import Path
import numpy as np
import pandas as pd
os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
sys.path.insert(0, str(Path(__file__).resolve().parent))

SOURCE = 'asr:whisper-tiny.en'
FEATURES = {'human': {'audio': 'egemaps', 'text': 'minilm-l4'},
            'asr': {'audio': 'egemaps', 'text': f'minilm-l4|{SOURCE}'}}
TIE = 1e-4

def cap_threads(n:int):
    "At most `n` torch threads and `n` CTranslate2 threads for every Whisper transcriber built from here on."
    import torch
    from mmser_nb import transcripts as T
    torch.set_num_threads(n)
    names = T.WhisperCT2Transcriber.__init__.__code__.co_varnames[1:T.WhisperCT2Transcriber.__init__.__code__.co_argcount]
    d = dict(zip(names[-len(T.WhisperCT2Transcriber.__init__.__defaults__):], T.WhisperCT2Transcriber.__init__.__defaults__))
    d['cpu_threads'] = n
    T.WhisperCT2Transcriber.__init__.__defaults__ = tuple(d.values())

def run(kind:str, df:pd.DataFrame, work:Path, quick:bool):
    from mmser_nb.experiments import Experiment, run_experiment
    kw = dict(corpus_kw={'n_dialogues': 24}, train={'epochs': 15}) if quick else {}
    exp = Experiment(name=f'e2e_{kind}', corpus='demo', protocol='demo4', model='fusion_mlp', features=FEATURES[kind], seeds=[0], **kw)
    t0 = time.perf_counter()
    res = run_experiment(exp, out_dir=work/kind, progress=False, df=df)
    print(f"runner, {kind} text: {len(res)} runs in {time.perf_counter() - t0:.0f}s | test UA per fold "
          f"{np.round(res['balanced_accuracy'].to_numpy(), 4).tolist()}", flush=True)
    return res

def per_speaker_ua(res, df:pd.DataFrame, classes:list)->pd.Series:
    from sklearn.metrics import balanced_accuracy_score
    rows = []
    for art in res.runs:
        for i, yt, yp in zip(art['ids'], art['y_true'], art['y_pred']): rows.append((df.loc[i, 'speaker'], int(yt), int(yp)))
    p = pd.DataFrame(rows, columns=['speaker', 'y', 'p'])
    return p.groupby('speaker').apply(lambda g: balanced_accuracy_score(g.y, g.p), include_groups=False)

def consistency(df:pd.DataFrame, work:Path, n_max:int|None, longform:bool)->dict:
    from mmser_nb.cli import predict_file
    ck = work/'asr'/'checkpoints'/'fold0-seed0'
    meta = json.loads((ck/'config.json').read_text())
    run = json.loads((work/'asr'/'runs'/'fold0-seed0.json').read_text())['test']
    classes = (meta.get('mmser') or meta.get('extra', {}).get('mmser') or {}).get('classes')
    ids = run['ids'][:n_max] if n_max else run['ids']
    scores = np.asarray(run['scores'], np.float32)[:len(ids)]
    pa = np.exp(scores - scores.max(1, keepdims=True)); pa /= pa.sum(1, keepdims=True)
    rows, t0 = [], time.perf_counter()
    for k, i in enumerate(ids):
        r = predict_file(ck, df.loc[i, 'path'], asr=True)
        classes = classes or list(r['probabilities'])
        pb = np.array([r['probabilities'][c] for c in classes])
        top2 = np.sort(pa[k])[-2:]
        rows.append(dict(id=i, a=classes[int(run['y_pred'][k])], b=r['label'], dprob=float(np.abs(pa[k] - pb).max()),
                         tie=bool(top2[1] - top2[0] < TIE), text_corpus=df.loc[i, 'text_asr'], text_predict=r['text'],
                         source=r['text_source']))
    t_pred = time.perf_counter() - t0
    c = pd.DataFrame(rows)
    agree = (c.a == c.b)
    same_text = (c.text_corpus.fillna('') == c.text_predict)
    print(f"\n(a) runner vs (b) predict_file(asr=True), fold0 test, {len(c)} utterances ({t_pred:.0f}s, "
          f"{t_pred/len(c):.2f}s each): label agreement {agree.mean():.4f} ({int((~agree).sum())} differ, "
          f"{int((~agree & c.tie).sum())} of them ties) | max |Δprob| {c.dprob.max():.6f} (probabilities rounded to 4 "
          f"decimals by predict_file) | transcript identical {same_text.mean():.4f} | predict's text_source "
          f"{sorted(set(c.source))}", flush=True)
    for r in c[~agree | ~same_text].itertuples():
        print(f"  {r.id}: runner {r.a} / predict {r.b}, |Δprob| {r.dprob:.4f}, corpus text {r.text_corpus!r} / predict text {r.text_predict!r}")
    out = dict(agreement=float(agree.mean()), agreement_no_ties=float(agree[~c.tie].mean()) if (~c.tie).any() else float('nan'),
               max_prob_diff=float(c.dprob.max()), transcripts_identical=float(same_text.mean()), n=len(c))
    if longform: out.update(longform_check(c, df, work, ck))
    return out

def longform_check(c:pd.DataFrame, df:pd.DataFrame, work:Path, ck:Path)->dict:
    import soundfile as sf
    from e2e_long import match
    from mmser_nb.longform import synth_recording, predict_recording
    from mmser_nb.transcripts import WhisperCT2Transcriber
    wav = work/f'fold0_test_{len(c)}.wav'
    truth_csv = wav.with_suffix('.csv')
    if wav.exists() and truth_csv.exists(): truth = pd.read_csv(truth_csv)
    else:
        truth = synth_recording(((sf.read(df.loc[i, 'path'], dtype='float32')[0], df.loc[i, 'label'], i) for i in c.id), wav, seed=0)
        truth.to_csv(truth_csv, index=False)
    t0 = time.perf_counter()
    pred = predict_recording(ck, wav, asr='tiny.en', transcriber=WhisperCT2Transcriber('tiny.en'), resume=False, quiet=True)
    t = time.perf_counter() - t0
    m = match(truth, pred[['start', 'end']].to_numpy(float))
    a = dict(zip(c.id, c.a))
    ag = [pred.label.iloc[j] == a[truth.text[i]] for i, j, _, _ in m]
    same = [str(pred.text.iloc[j]) == str(df.loc[truth.text[i], 'text_asr']) for i, j, _, _ in m]
    n_diff_same_text = sum(1 for g, t in zip(ag, same) if not g and t)
    res = dict(longform_matched=len(m) / len(truth), longform_agreement=float(np.mean(ag)) if ag else float('nan'))
    print(f"(c) predict_recording on {truth_csv.name[:-4]} ({pred.attrs.get('duration', float('nan'))/60:.1f} min, {t:.0f}s): "
          f"{len(pred)} segments, {len(m)}/{len(truth)} utterances matched (±0.3 s) | label agreement with (a) on matched "
          f"{res['longform_agreement']:.4f} | segment transcript = the file's {np.mean(same):.4f}; of the {len(ag) - sum(ag)} "
          f"disagreements {n_diff_same_text} have the same transcript (the audio differs: VAD cut, padding, noise)", flush=True)
    return res

def spearman(x, y)->float:
    from scipy.stats import spearmanr
    return float(spearmanr(x, y).statistic)

def plot(tab:pd.DataFrame, rho:float, path:Path):
    import matplotlib; matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 4.2))
    ax.scatter(tab.wer, tab.ua_asr, label=f'ASR text (tiny.en), Spearman {rho:.2f}', color='C1')
    ax.scatter(tab.wer, tab.ua_human, label='human text', color='C0', marker='s', alpha=.7)
    for s, r in tab.iterrows():
        ax.plot([r.wer, r.wer], [r.ua_human, r.ua_asr], color='grey', lw=.6, zorder=0)
        ax.annotate(s, (r.wer, r.ua_asr), fontsize=7, xytext=(3, 2), textcoords='offset points')
    ax.set_xlabel('speaker WER (Whisper tiny.en)'); ax.set_ylabel('test balanced accuracy (fused)')
    ax.set_title('demo4, fusion_mlp (eGeMAPS + MiniLM-L4): accuracy vs ASR error per speaker', fontsize=9); ax.legend(fontsize=8); fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True); fig.savefig(path, dpi=110); plt.close(fig)

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--quick', action='store_true', help='24 dialogues, 15 epochs, 8 utterances for predict_file')
    ap.add_argument('--work', default=None, help='runs, checkpoints and recordings (default: the cache folder benchmarks/e2e_consistency)')
    ap.add_argument('--plot', default=str(Path(__file__).resolve().parent/'results'/'e2e_wer_curve.png'))
    ap.add_argument('--threads', type=int, default=1, help='torch and Whisper CPU threads')
    ap.add_argument('--n-predict', type=int, default=None, help='at most this many fold0 test utterances through predict_file (default: all; --quick: 8)')
    ap.add_argument('--no-longform', action='store_true', help='skip predict_recording (part 1c)')
    args = ap.parse_args()
    cap_threads(args.threads)
    import warnings; warnings.filterwarnings('ignore', 'y_pred contains classes not in y_true')
    from transformers.utils import logging as hf_logging; hf_logging.disable_progress_bar()   # weight-loading bars
    from mmser_nb.core import cache_dir
    from mmser_nb.demo_corpus import build_demo_corpus
    from mmser_nb.transcripts import WhisperCT2Transcriber, transcribe_corpus, wer_report
    from mmser_nb.protocols import get_protocol
    T0 = time.perf_counter()
    work = Path(args.work) if args.work else cache_dir('benchmarks', 'e2e_consistency' + ('_quick' if args.quick else ''))
    work.mkdir(parents=True, exist_ok=True)
    df = build_demo_corpus(24 if args.quick else None, progress=False)
    t0 = time.perf_counter()
    df = transcribe_corpus(df, WhisperCT2Transcriber('tiny.en'), progress=False).set_index('id', drop=False)
    df.index.name = None
    print(f"demo corpus: {len(df)} utterances, {df.speaker.nunique()} speakers; tiny.en transcripts in {time.perf_counter() - t0:.0f}s "
          f"({int((df.text_asr_flag != '').sum())} flagged)", flush=True)
    w = wer_report(df, ref='text', hyp='text_asr', by='speaker').set_index('group')
    wer_all = float(wer_report(df, ref='text', hyp='text_asr', by=None).wer.iloc[0])
    res = {k: run(k, df, work, args.quick) for k in ('asr', 'human')}
    classes = list(get_protocol('demo4').classes)
    tab = pd.DataFrame({'wer': w.wer, 'n_utts': w.n_utts, 'ua_human': per_speaker_ua(res['human'], df, classes),
                        'ua_asr': per_speaker_ua(res['asr'], df, classes)})
    rho = spearman(tab.wer, tab.ua_asr)
    rho_drop = spearman(tab.wer, tab.ua_asr - tab.ua_human)
    print(f"\nper speaker (WER of tiny.en; test UA of the fold that holds the speaker):\n{tab.round(4).to_string()}")
    print(f"Spearman(WER, UA with ASR text) = {rho:.4f}; Spearman(WER, UA(ASR) - UA(human)) = {rho_drop:.4f}; corpus WER {wer_all:.4f}")
    h, a = (res[k].sort_values('fold').set_index('fold')['balanced_accuracy'] for k in ('human', 'asr'))
    d = a - h
    from scipy.stats import ttest_rel
    p = float(ttest_rel(a, h).pvalue) if len(d) > 1 and d.std() > 0 else float('nan')
    print(f"overall UA over {len(d)} folds: human text {h.mean():.4f} ± {h.std():.4f}, ASR text {a.mean():.4f} ± {a.std():.4f} | "
          f"paired ASR - human {d.mean():+.4f} ± {d.std():.4f} (per fold {np.round(d.to_numpy(), 4).tolist()}, paired t p={p:.3f})")
    plot(tab, rho, Path(args.plot)); print(f"plot: {args.plot}")
    n_max = args.n_predict or (8 if args.quick else None)
    c = consistency(df, work, n_max, not args.no_longform)
    print(f"\ntotal {time.perf_counter() - T0:.0f}s")
    print(f"RESULT agreement={c['agreement']:.4f} max_prob_diff={c['max_prob_diff']:.6f} ua_human={h.mean():.4f} ua_asr={a.mean():.4f} "
          f"wer={wer_all:.4f} wer_ua_spearman={rho:.4f}")

if __name__ == '__main__':
    main()
