"""EmoDB zero-shot emotions, audio only: EEA (emotion table = GloVe 6B-50d vectors of the names, mapped into the
audio space) vs the supervised baseline's untrained output row, leave-one-speaker-out x leave-one-emotion-out.

For each speaker fold of `emodb_loso10` (test = one speaker, validation = another, the rest train) and each of the
7 emotions k: k's utterances leave train and validation, EEA (audio only, eGeMAPS low-level-descriptor frames
standardised on the fold's training frames, corrected default: masked-mean pooling, length-aware) is trained on the
6 seen emotions (epoch picked on validation weighted F1 of the seen emotions), k's GloVe vector is appended, and k is
scored on the held-out speaker's utterances: unseen AUC of the softmax probability of k over all 7 (`unseen_auc`),
of k's raw score (`unseen_auc_logit`), F1 of "is k" from the arg-max. The baseline (LF-LSTM, audio only, same
encoder size) leaves k's row untrained: what the released baseline's zero-shot amounts to. There are no words in
EmoDB's audio, so unlike the MELD benchmark there is no word rule. Nothing here was tuned: the MELD benchmark's
settings, reported as they come out. The trainer's glibc mmap threshold is left alone here (`--mmap-threshold`):
its 256 KiB default makes these frame-sequence trainings about 5x slower (system time; the same figures).

    python benchmarks/emodb_zero_shot.py --data-dir ../shared/data
    python benchmarks/emodb_zero_shot.py --data-dir ../shared/data --out emodb_zsl.csv   # resumable: re-run the same line
    python benchmarks/emodb_zero_shot.py --data-dir ../shared/data --folds spk03,spk08 --emotions angry,sad   # a subset

Last line: `RESULT unseen_auc=... untrained_row_auc=... unseen_auc_logit=... untrained_row_auc_logit=... unseen_f1=... seen_wf1=... supervised_wf1=...`
"""
import argparse, os, sys, time, resource
from pathlib import Path
import numpy as np, pandas as pd
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
from _corpus import add_corpus_args, load_corpus_folds

def atomic_csv(d, path):
    "Write `d` to `path` through a temporary file renamed into place (a killed run never leaves half a table)."
    tmp = Path(f"{path}.tmp"); d.to_csv(tmp, index=False); os.replace(tmp, path)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    add_corpus_args(ap, 'emodb', 'the EmoDB root, or a folder holding emodb/ (with wav/)')
    ap.add_argument('--folds', default=None, help='comma-separated speaker folds, e.g. spk03 (default: all 10)')
    ap.add_argument('--emotions', default=None, help='comma-separated emotions to hold out (default: all 7)')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--spec', default='egemaps-lld', help='audio frame features (a named spec)')
    ap.add_argument('--epochs', type=int, default=30)
    ap.add_argument('--patience', type=int, default=6)
    ap.add_argument('--hidden', type=int, default=64, help='audio RNN hidden size')
    ap.add_argument('--max-len', type=int, default=400, help='frames kept per utterance (10 ms each)')
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--cache', default=None)
    ap.add_argument('--out', default=None, help='per-pair CSV, rewritten as pairs finish; pairs already in it are kept and not run again (resume)')
    ap.add_argument('--mmap-threshold', type=int, default=None, help="the trainer's glibc mmap threshold in bytes (None: leave malloc alone)")
    a = ap.parse_args()
    import torch; torch.set_num_threads(a.threads)
    from tqdm.auto import tqdm
    from mmser_nb.core import build_model
    from mmser_nb.features import FeatureStore
    from mmser_nb.trainer import SequenceDataset
    from mmser_nb.emotion_embeddings import zero_shot
    t_all = time.perf_counter()
    df, dp, proto, folds, _ = load_corpus_folds(a)
    classes = list(proto.classes)
    F = FeatureStore(a.cache).get(df, a.spec)
    if a.folds: folds = [f for f in folds if f.name in a.folds.split(',')]
    emos = a.emotions.split(',') if a.emotions else classes
    settings = dict(optimizer='adam', lr=a.lr, batch_size=32, epochs=a.epochs, grad_clip=1.0, patience=a.patience,
                    select_metric='weighted_f1', progress=False, heap_mmap_threshold=a.mmap_threshold)
    eea = lambda seen: build_model('eea', preset='glove50', task='single_label', modalities=('audio',), d_audio=F.dim, n_classes=len(seen),
                                   rnn='gru', n_layers=1, hidden_audio=a.hidden, d_emb=50).set_emotions(seen)
    base = lambda seen: build_model('lf_lstm', task='single_label', modalities=('audio',), d_audio=F.dim, hidden_audio=a.hidden, rnn='gru',
                                    n_layers=1, n_classes=len(seen))
    print(f"EEA audio-only on {a.spec} frames ({F.dim}-d): {sum(p.numel() for p in eea(classes[:6]).parameters()):,} parameters; "
          f"LF-LSTM baseline {sum(p.numel() for p in base(classes[:6]).parameters()):,}; {len(folds)} speaker folds x {len(emos)} emotions")
    rows = pd.read_csv(a.out).to_dict('records') if a.out and Path(a.out).exists() else []
    done = {(r['fold'], r['k']) for r in rows}
    if done: print(f"resuming: {len(done)} finished (speaker, emotion) pairs read from {a.out}")
    bar = tqdm(total=len(folds) * len(emos), desc='speaker x held-out emotion')
    for f in folds:
        tr_frames = np.concatenate([F[i] for i in f.train_ids])
        mu, sd = tr_frames.mean(0), tr_frames.std(0) + 1e-6                        # the fold's training frames only
        mk = lambda ids: SequenceDataset({'audio': [(F[i] - mu) / sd for i in ids]}, labels=dp.loc[list(ids), 'y'].to_numpy(), ids=list(ids),
                                         max_len=a.max_len, task='single_label')
        tr, va, te = mk(f.train_ids), mk(f.val_ids), mk(f.test_ids)
        for k in emos:
            if k not in set(dp.loc[list(f.test_ids), 'label']) or (f.name, k) in done: bar.update(1); continue
            t1 = time.perf_counter()
            r = zero_shot(eea, tr, va, te, classes, k, settings, seed=a.seed)
            b = zero_shot(base, tr, va, te, classes, k, settings, seed=a.seed)
            rows.append({'fold': f.name, 'k': k, 'eea_auc': r['unseen_auc'], 'row_auc': b['unseen_auc'], 'eea_auc_logit': r['unseen_auc_logit'],
                         'row_auc_logit': b['unseen_auc_logit'], 'eea_f1': r['unseen_f1'], 'row_f1': b['unseen_f1'],
                         'eea_seen_wf1': r['seen_weighted_f1'], 'base_seen_wf1': b['seen_weighted_f1'], 'seconds': time.perf_counter() - t1})
            if a.out: atomic_csv(pd.DataFrame(rows), a.out)
            bar.update(1); bar.set_postfix(fold=f.name, k=k, auc=f"{r['unseen_auc']:.3f}")
    bar.close()
    rows = [r for r in rows if r['fold'] in {f.name for f in folds} and r['k'] in emos]     # a resumed table may hold other pairs
    if not rows: sys.exit('nothing ran: no selected fold has an utterance of a selected emotion (fold names: ' + ', '.join(f.name for f in folds) + ')')
    res = pd.DataFrame(rows)
    per = res.groupby('k', sort=False).mean(numeric_only=True)
    pd.set_option('display.width', 200)
    print(f"\nper held-out emotion (mean over {res.fold.nunique()} held-out speakers):")
    print(per[['eea_auc', 'row_auc', 'eea_auc_logit', 'row_auc_logit', 'eea_f1', 'row_f1', 'eea_seen_wf1', 'base_seen_wf1']].round(3).to_string())
    m = per.mean()
    print(f"seconds per (speaker, emotion) pair (EEA + baseline): {res.seconds.mean():.1f}; total {time.perf_counter()-t_all:.0f} s on "
          f"{a.threads} thread(s); peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024:.0f} MiB")
    print(f"RESULT unseen_auc={m.eea_auc:.4f} untrained_row_auc={m.row_auc:.4f} unseen_auc_logit={m.eea_auc_logit:.4f} "
          f"untrained_row_auc_logit={m.row_auc_logit:.4f} unseen_f1={m.eea_f1:.4f} seen_wf1={m.eea_seen_wf1:.4f} supervised_wf1={m.base_seen_wf1:.4f}")

if __name__ == '__main__': main()
