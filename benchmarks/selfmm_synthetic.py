"""Self-MM (with ULGM) and TFN on a synthetic CH-SIMS-sized MMSA corpus, over the official seeds 1111..1115.

The corpus has the MMSA `unaligned_39.pkl` layout and the CH-SIMS split sizes (1,368 / 456 / 457); its
sentiment is carried by ONE modality (`--carrier`, default audio); the others are noise. It is written as a
pickle and read back through `mmser_nb.selfmm.read_mmsa_pickle`. Models are the `tiny` presets (CPU-sized);
training uses the official Self-MM setting (`selfmm_settings`: Adam groups, batch 32, gradients accumulated
over 4 batches, early stop 8 on validation loss), capped at `--epochs`.

Variants:
  selfmm           last partial accumulation group of each epoch applied (the trainer's accumulate=4)
  tfn              TFN with the output range matched to SIMS labels ([-1, 1]), masked means
Reports the SIMS suite (fractions) on test, mean and std (ddof=1) over seeds, and for Self-MM the Pearson r of
ULGM's generated T/A/V training labels with the multimodal label (the carrier should be highest).

    python benchmarks/selfmm_synthetic.py                 # 5 seeds
    python benchmarks/selfmm_synthetic.py --seeds 1111 --epochs 5   # a quick check
"""
import argparse, math, os, pickle, resource, tempfile, time, warnings
from pathlib import Path
import numpy as np, pandas as pd


def run(variant, tab, fe, seed, epochs, threads):
    import torch
    from mmser_nb.core import build_model
    from mmser_nb.trainer import Trainer, TrainSettings
    from mmser_nb.metrics import regression_metrics
    from mmser_nb.selfmm import MMSADataset, selfmm_settings, selfmm_callbacks
    torch.set_num_threads(threads)
    tr, va, te = (MMSADataset(tab, fe, s) for s in ('train', 'dev', 'test'))
    torch.manual_seed(seed)
    extra = {}
    if variant.startswith('selfmm'):
        model = build_model('selfmm', preset='tiny', text_encoder='features', d_text=16)
        cbs = selfmm_callbacks()
        t = Trainer(model, selfmm_settings(epochs=epochs, seed=seed, cpu=True, progress=False), task='regression', callbacks=cbs)
    else:
        model = build_model('tfn', preset='tiny')
        st = TrainSettings(epochs=epochs, lr=5e-4, batch_size=32, optimizer='adam', loss='l1', select_metric='loss',
                           patience=8, cpu=True, progress=False, seed=seed)
        cbs = []; t = Trainer(model, st, task='regression')
    t0 = time.time(); t.fit(tr, va); secs = time.time() - t0
    p = t.predict(te)
    m = regression_metrics(p.labels, p.preds, kind='sims')
    if cbs:
        lab = cbs[0].labels_frame()
        extra = {f'label_corr_{s}': float(np.corrcoef(lab[f'y_{s}'], lab['y_M'])[0, 1]) for s in 'TAV'}
    return {'variant': variant, 'seed': seed, **m, **extra, 'best_epoch': t.best_epoch, 'epochs_run': len(t.history), 'fit_s': secs}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seeds', type=int, nargs='+', default=[1111, 1112, 1113, 1114, 1115])
    ap.add_argument('--epochs', type=int, default=40, help='cap on epochs (the official loop runs until early stop)')
    ap.add_argument('--carrier', default='audio', choices=['text', 'audio', 'vision'])
    ap.add_argument('--variants', nargs='+', default=['selfmm', 'tfn'])
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--data-seed', type=int, default=0)
    a = ap.parse_args()
    from tqdm.auto import tqdm
    from mmser_nb.selfmm import synthetic_mmsa, read_mmsa_pickle
    t_all = time.time()
    data = synthetic_mmsa(n={'train': 1368, 'valid': 456, 'test': 457}, carriers={a.carrier: 1.0}, seed=a.data_seed)
    with tempfile.TemporaryDirectory() as td:
        p = Path(td)/'unaligned_39.pkl'
        with open(p, 'wb') as f: pickle.dump(data, f)
        tab, fe = read_mmsa_pickle(p)
    rows = []
    jobs = [(v, s) for s in a.seeds for v in a.variants]
    for v, s in tqdm(jobs, desc='runs'):
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            rows.append(run(v, tab, fe, s, a.epochs, a.threads))
    df = pd.DataFrame(rows)
    cols = [c for c in ['acc2', 'acc3', 'acc5', 'f1', 'mae', 'corr', 'label_corr_T', 'label_corr_A', 'label_corr_V', 'best_epoch', 'fit_s'] if c in df]
    g = df.groupby('variant', sort=False)[cols]
    mu, sd = g.mean(), g.std(ddof=1)
    summary = pd.DataFrame({c: [f'{mu.loc[v, c]:.4f} ± {sd.loc[v, c]:.4f}' for v in mu.index] for c in cols}, index=mu.index)
    pd.set_option('display.width', 200); pd.set_option('display.max_columns', 20)
    print(f'carrier={a.carrier} seeds={a.seeds} epochs<={a.epochs} (mean ± std, ddof=1; NaN std with one seed)')
    print(summary.to_string())
    mean = g.mean()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res = {}
    for v in a.variants:
        for k in ('mae', 'acc2', 'corr'): res[f'{v}_{k}'] = mean.loc[v, k]
    if 'selfmm' in mean.index:
        for s in 'TAV': res[f'label_corr_{s}'] = mean.loc['selfmm', f'label_corr_{s}']
    res.update(seeds=len(a.seeds), seconds=time.time() - t_all, peak_mb=peak_mb)
    print('RESULT ' + ' '.join(f'{k}={v:.4f}' if isinstance(v, float) else f'{k}={v}' for k, v in res.items()))


if __name__ == '__main__':
    main()
