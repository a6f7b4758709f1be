"""Audio-only Self and Cross attention fusion (Rajan et al.) on Berlin EmoDB, leave-one-speaker-out.

Audio: 40 MFCC + delta + delta-delta frames (120-d, 25 ms / 10 ms; `mfcc_deltas`) of the 16 kHz signal, after
cutting the zero padding that this copy of EmoDB (cut or padded to 2.0 s) added at the end; the frame masks carry
the real lengths.
Protocol `emodb_loso10`: 10 folds, each testing one speaker; validation = another speaker (from the
training speakers, per the protocol), used for early stopping and for choosing the epoch. Nothing is
chosen on test. The standardiser is fitted on each fold's training frames only. Every fold is run with
the same seeds for both models, so the runs are paired (fold, seed) and the Self vs Cross p-value is the
paired Wilcoxon signed-rank test of `mmser_nb.experiments.paired_test` on UA.

On one modality, Cross has no pair of modalities: its single slot is audio attending to itself through its
cross-attention block (see the chapter). That is the Self computation, and at equal seeds the weights are
created in the same order, so the two models are bit-identical. By default (`--cross check`) Cross is trained
on the first fold and seed only, its test predictions are checked equal to Self's, and Self's runs stand for
both; `--cross all` trains Cross on every fold and seed. `p_value` is the paired Self vs Cross Wilcoxon test
(1.0 when identical); `p_vs_floor` is the one-sample Wilcoxon test of Self's per-fold UA against the floor.

By default each speaker's frames are z-normalised by that speaker's own frame statistics (speaker-level
normalisation, common in speaker-independent SER): it uses the test speaker's unlabelled audio, never a label.
It is on because of the validation speakers' UA (printed by every run: 0.675 with it, 0.581 without, one
seed), not because of test; `--no-speaker-norm` turns it off.

By default the training utterances are also speed-perturbed (Kaldi-style: resampled to 0.9x and 1.1x speed, tempo and
pitch together; three copies of each training file; each copy normalised as its own pseudo-speaker); validation and test
audio are never touched. Chosen on validation UA too: 0.766 with it, 0.675 without (one seed); `--augment ''` turns it off.

The floor is the eGeMAPS + logistic-regression LOSO figure of benchmarks/emodb_baseline.py (README: 0.598).

    python benchmarks/emodb_attention.py --data-dir /work/shared/data
    python benchmarks/emodb_attention.py --data-dir /work/shared/data --quick     # 2 folds, 1 seed, 3 epochs
    python benchmarks/emodb_attention.py --data-dir /work/shared/data --cross all --seeds 3
"""
import argparse, os, resource, time, warnings
os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
from pathlib import Path
import numpy as np, pandas as pd
import torch

def trim_padding(x:np.ndarray, level:float=1e-4, min_len:int=8000)->np.ndarray:
    "Cut the zero padding this copy of EmoDB added at the end (samples below `level` after the last louder one)."
    loud = np.flatnonzero(np.abs(x) > level)
    end = loud[-1] + 1 if len(loud) else len(x)
    return x[:max(end, min(min_len, len(x)))]

def mfcc_frames(df:pd.DataFrame, trim:bool=True, factors:tuple=())->dict:
    "id -> (T, 120) MFCC+Δ+ΔΔ frames of each utterance (16 kHz), zero padding trimmed first; `factors`: also `id@f` of each speed-perturbed copy."
    from tqdm.auto import tqdm
    from mmser_nb.audio import load_audio, speed_perturb
    from mmser_nb.cross_self_attention import mfcc_deltas
    out = {}
    for r in tqdm(df.itertuples(), total=len(df), desc='MFCC'):
        x = load_audio(r.path, item=r.id)
        x = trim_padding(x) if trim else x
        out[r.id] = mfcc_deltas(x, 16000)
        for f in factors: out[f"{r.id}@{f}"] = mfcc_deltas(speed_perturb(x, f), 16000)
    return out

def speaker_normalise(frames:dict, speakers:dict)->dict:
    "Each speaker's frames z-normalised by that speaker's own frame mean and std (no labels used; documented above)."
    out, by = {}, {}
    for i, s in speakers.items(): by.setdefault(s, []).append(i)
    for s, ids in by.items():
        X = np.concatenate([frames[i] for i in ids]); mu, sd = X.mean(0), X.std(0) + 1e-5
        for i in ids: out[i] = ((frames[i] - mu) / sd).astype(np.float32)
    return out

def run_fold(kind:str, fold, frames:dict, y:dict, classes, seed:int, a)->dict:
    from mmser_nb.core import build_model
    from mmser_nb.trainer import Trainer, TrainSettings
    from mmser_nb.views import SequenceDataset
    base = lambda i: i.split('@')[0]
    ds = lambda ids: SequenceDataset({'audio': [frames[i] for i in ids]}, np.array([y[base(i)] for i in ids]), list(ids), task='single_label')
    train_ids = list(fold.train_ids) + [f"{i}@{f}" for f in a.factors for i in fold.train_ids]   # perturbed copies: training only
    tr, va, te = ds(train_ids), ds(fold.val_ids), ds(fold.test_ids)
    torch.manual_seed(seed)
    over = dict(n_classes=len(classes), dropout=a.dropout, hidden=a.hidden, conv_stride_audio=a.stride)
    model = build_model(f'{kind}_attention_fusion', preset='mfcc', **over)
    model.set_input_stats('audio', [frames[i] for i in train_ids])
    s = TrainSettings(epochs=a.epochs, lr=a.lr, batch_size=32, optimizer='adam', patience=a.patience, seed=seed,
                      class_weights='balanced' if a.balanced else None, weight_decay=a.weight_decay,
                      select_metric='balanced_accuracy', scheduler='plateau', plateau_patience=a.patience // 2,
                      progress=False, cpu=True)
    t = Trainer(model, s, task='single_label', classes=list(classes))
    t0 = time.perf_counter(); t.fit(tr, va); dt = time.perf_counter() - t0
    m = t.evaluate(te)
    pred = t.predict(te)
    return dict(fold=fold.name, seed=seed, scores=np.asarray(pred.scores), balanced_accuracy=m['balanced_accuracy'], accuracy=m['accuracy'],
                val_balanced_accuracy=t.best_score, best_epoch=t.best_epoch, train_seconds=dt)

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data-dir', required=True, help='folder holding emodb/ (with wav/)')
    ap.add_argument('--cross', choices=('check', 'all'), default='check', help="'check': Cross on the first fold and seed only (identical to Self on one modality)")
    ap.add_argument('--stride', type=int, default=4, help='audio convolution stride (4: 40 ms steps into the BiGRU)')
    ap.add_argument('--seeds', type=int, default=1, help='seeds per fold (the same seeds for both models)')
    ap.add_argument('--epochs', type=int, default=30)
    ap.add_argument('--patience', type=int, default=8, help='early stopping on validation UA')
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--hidden', type=int, default=60)
    ap.add_argument('--dropout', type=float, default=0.25)
    ap.add_argument('--balanced', action='store_true', help='class-balanced cross-entropy weights (from the training fold)')
    ap.add_argument('--weight-decay', type=float, default=0.0, help='Adam L2 penalty')
    ap.add_argument('--floor', type=float, default=0.598, help='eGeMAPS+LR LOSO UA (benchmarks/emodb_baseline.py)')
    ap.add_argument('--threads', type=int, default=1, help='torch threads')
    ap.add_argument('--no-trim', action='store_true', help='keep the zero padding of the 2.0 s copy (silence frames with log-floor MFCCs)')
    ap.add_argument('--no-speaker-norm', dest='speaker_norm', action='store_false',
                    help="skip the per-speaker z-normalisation (default on: chosen on validation UA, 0.675 vs 0.581 without)")
    ap.add_argument('--augment', default='0.9,1.1', help="speed-perturbation factors for the training utterances (Kaldi-style; each "
                    "perturbed copy normalised as its own pseudo-speaker; default chosen on validation UA: 0.766 vs 0.675 without); '' = none")
    ap.add_argument('--quick', action='store_true', help='2 folds, 1 seed, 3 epochs (smoke run)')
    a = ap.parse_args()
    a.factors = tuple(float(f) for f in a.augment.split(',') if f.strip())
    torch.set_num_threads(a.threads)
    warnings.filterwarnings('ignore', message='balanced_accuracy: classes')   # a test speaker without some emotion: UA over the others
    from tqdm.auto import tqdm
    from mmser_nb.corpora import read_emodb
    from mmser_nb.protocols import get_protocol
    from mmser_nb.metrics import paired_test
    from mmser_nb.cross_self_attention import paired_comparison
    p = get_protocol('emodb_loso10')
    df = p.prepare(read_emodb(Path(a.data_dir)/'emodb'))
    folds = p.folds(df, seed=0)
    if a.quick: folds, a.seeds, a.epochs = folds[:2], 1, 3
    classes = p.classes; y = dict(zip(df.id, df.y))
    t0 = time.perf_counter(); frames = mfcc_frames(df, trim=not a.no_trim, factors=a.factors)
    spk = dict(zip(df.id, df.speaker))
    if a.speaker_norm: frames = speaker_normalise(frames, {i: spk[i.split('@')[0]] + (f"@{i.split('@')[1]}" if '@' in i else '') for i in frames})
    lens = [len(f) for f in frames.values()]
    print(f"EmoDB: {len(df)} utterances, {df.speaker.nunique()} speakers, {len(classes)} classes; MFCC+Δ+ΔΔ frames "
          f"{lens[0] if len(set(lens)) == 1 else f'{min(lens)}..{max(lens)}'} x 120 in {time.perf_counter() - t0:.1f} s")
    print(f"settings: Adam lr {a.lr} (L2 {a.weight_decay}), {'balanced' if a.balanced else 'plain'} cross-entropy, batch 32, <= {a.epochs} epochs, patience {a.patience} on validation UA, "
          f"hidden {a.hidden}, dropout {a.dropout}, stride {a.stride}, speaker norm {'on' if a.speaker_norm else 'off'}, speed perturbation {a.factors or 'none'}, "
          f"seeds {a.seeds}, folds {len(folds)}")
    rows = {'self': [], 'cross': []}
    jobs = [(f, s, k) for f in folds for s in range(1, a.seeds + 1) for k in ('self', 'cross')
            if k == 'self' or a.cross == 'all' or (f is folds[0] and s == 1)]
    for fold, seed, kind in tqdm(jobs, desc='fits'):
        r = run_fold(kind, fold, frames, y, classes, seed, a); rows[kind].append(r)
        tqdm.write(f"  {kind:5s} {fold.name} seed {seed}: test UA {r['balanced_accuracy']:.3f} WA {r['accuracy']:.3f} "
                   f"(val UA {r['val_balanced_accuracy']:.3f}, epoch {r['best_epoch']}, {r['train_seconds']:.0f} s)")
    if a.cross == 'check':
        s0, c0 = rows['self'][0], rows['cross'][0]
        same = np.array_equal(s0['scores'], c0['scores'])
        print(f"Cross on one modality vs Self, {c0['fold']} seed {c0['seed']}: test scores {'identical' if same else 'DIFFERENT'}"
              + ("; Self's runs stand for Cross" if same else "; rerun with --cross all"))
        if not same: raise SystemExit(1)
        rows['cross'] = [dict(r) for r in rows['self']]
    res = {k: pd.DataFrame(v).drop(columns=['scores']) for k, v in rows.items()}
    for k, r in res.items():
        per_fold = r.groupby('fold').balanced_accuracy.mean()            # seeds averaged within a fold
        print(f"{k:5s}: UA {per_fold.mean():.3f} ± {per_fold.std(ddof=1):.3f} over {len(per_fold)} folds (seed-averaged); "
              f"WA {r.groupby('fold').accuracy.mean().mean():.3f}; runs UA {r.balanced_accuracy.mean():.3f} ± {r.balanced_accuracy.std(ddof=1):.3f}")
    print(f"validation UA (what a configuration may be chosen on): self {res['self'].val_balanced_accuracy.mean():.3f}")
    tab = paired_comparison(res['self'], res['cross'], 'balanced_accuracy')
    print(tab.drop(columns=['metric']).round(4).to_string(index=False))
    t = paired_test(res['self'], res['cross'], 'balanced_accuracy')
    fl = {k: r.groupby('fold').balanced_accuracy.mean() for k, r in res.items()}
    for k in fl: print(f"{k} vs floor {a.floor}: {(fl[k] > a.floor).sum()}/{len(fl[k])} folds above; mean gain {fl[k].mean() - a.floor:+.3f}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    from scipy.stats import wilcoxon
    p_floor = float(wilcoxon(fl['self'].to_numpy() - a.floor).pvalue) if len(fl['self']) > 1 else float('nan')
    print(f"Self per-fold UA vs the floor: one-sample Wilcoxon p = {p_floor:.4f}")
    print(f"RESULT self_ua={fl['self'].mean():.4f} cross_ua={fl['cross'].mean():.4f} floor_ua={a.floor:.4f} p_value={t['wilcoxon_pvalue']:.4f} "
          f"self_ua_std={fl['self'].std(ddof=1):.4f} p_vs_floor={p_floor:.4f}")

if __name__ == '__main__': main()
