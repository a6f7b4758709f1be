"""Text-only Self and Cross attention fusion (Rajan et al.) on MELD with GloVe word sequences.

Text: one GloVe vector per word (`glove-oov0` spec: an utterance with no in-vocabulary word, e.g. "Enhh", is one zero frame; the offline GloVe 6B-50d, a documented deviation from the paper's
300-d vectors; `--text-spec 'glove:path=/path/glove.840B.300d.txt'` reads a user's file), masks carrying the real
lengths. Protocol `meld7_official` (official train / dev / test): the epoch is chosen on dev weighted F1, and test
is scored once per run. Nothing is chosen on test. Both models run through the library's runner
(`mmser_nb.experiments.run_many`) with the same seeds, so the runs are paired by seed.

On one modality, Cross has no pair of modalities: its single slot is text attending to itself through its
cross-attention block (see 03b_cross_self_attention). That is the Self computation, and at equal seeds the weights
are created in the same order, so the two models give identical predictions. By default (`--cross check`) Cross
is trained with the first seed only, its test predictions are checked equal to Self's, and Self's runs stand for
both (`p_value` = 1.0); `--cross all` trains Cross with every seed. The floor beside them is the supervised text
baseline of `benchmarks/meld_text_baseline.py` (frozen MiniLM + logistic regression, 0.583 test weighted F1).

    python benchmarks/meld_attention.py --data-dir ../shared/data                # 3 seeds
    python benchmarks/meld_attention.py --data-dir ../shared/data --quick        # smoke run: a slice of train, 2 seeds, 1 epoch
    python benchmarks/meld_attention.py --data-dir ../shared/data --cross all

Last line: RESULT self_wf1=... cross_wf1=... p_value=... (test weighted F1, mean over seeds)
"""
import argparse, os, sys, time, resource, warnings
from pathlib import Path
import numpy as np, pandas as pd

os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import add_corpus_args, load_corpus_folds

def experiment(kind:str, a, seeds:list, kw:dict):
    "The runner experiment of one model (`kind` = 'self' or 'cross') on text only."
    from mmser_nb.experiments import Experiment
    train = dict(epochs=a.epochs, patience=a.patience, lr=a.lr, batch_size=a.batch_size, optimizer='adam',
                 select_metric='weighted_f1', scheduler='plateau', plateau_patience=max(1, a.patience // 2),
                 weight_decay=a.weight_decay, heap_mmap_threshold=None)
    return Experiment(name=f'{kind}_text', features={'text': a.text_spec}, model=f'{kind}_attention_fusion',
                      model_config=dict(modalities=['text'], hidden=a.hidden, dropout=a.dropout, conv_text=a.conv_text),
                      train=train, seeds=list(seeds), **kw)

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_corpus_args(ap, 'meld')
    ap.add_argument('--text-spec', default='glove-oov0', help="word-sequence feature spec (default: GloVe 6B-50d frames; an all-OOV transcript is one zero frame)")
    ap.add_argument('--cross', choices=('check', 'all'), default='check', help="'check': Cross with the first seed only (identical to Self on one modality)")
    ap.add_argument('--seeds', type=int, default=3)
    ap.add_argument('--epochs', type=int, default=20)
    ap.add_argument('--patience', type=int, default=5, help='early stopping on dev weighted F1')
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--batch-size', type=int, default=32)
    ap.add_argument('--hidden', type=int, default=60, help='BiGRU units per direction (the paper: 60)')
    ap.add_argument('--dropout', type=float, default=0.25)
    ap.add_argument('--conv-text', type=int, default=0, help='text convolution channels (0 = none, as released)')
    ap.add_argument('--weight-decay', type=float, default=0.0)
    ap.add_argument('--floor', type=float, default=0.583, help='MiniLM + logistic regression test weighted F1 (meld_text_baseline.py)')
    ap.add_argument('--threads', type=int, default=1, help='torch threads')
    ap.add_argument('--cache', default=None, help='feature store folder (default: the library cache)')
    ap.add_argument('--save-result', action='store_true', help='write the figures to benchmarks/results/ (the reproduction page reads them)')
    ap.add_argument('--quick', action='store_true', help='smoke run: a 1,500-utterance slice of train, 2 seeds, 1 epoch')
    a = ap.parse_args()
    import torch
    torch.set_num_threads(a.threads)
    from mmser_nb.features import FeatureStore
    from mmser_nb.experiments import run_many
    from mmser_nb.metrics import paired_test
    from mmser_nb.cross_self_attention import paired_comparison
    df, dp, proto, folds, kw = load_corpus_folds(a)
    if a.quick:
        a.seeds, a.epochs = 2, 1
        keep = set(folds[0].train_ids[:1500]) | set(folds[0].val_ids[:300]) | set(folds[0].test_ids[:300])
        df = df[df.id.isin(keep)].reset_index(drop=True)
    seeds = list(range(1, a.seeds + 1))
    store = FeatureStore(a.cache)
    print(f"settings: Adam lr {a.lr} (L2 {a.weight_decay}), batch {a.batch_size}, <= {a.epochs} epochs, patience {a.patience} on dev weighted F1, "
          f"hidden {a.hidden}, dropout {a.dropout}, text conv {a.conv_text or 'none'}, text {a.text_spec!r}, seeds {seeds}")
    exps = [experiment('self', a, seeds, kw), experiment('cross', a, seeds if a.cross == 'all' else seeds[:1], kw)]
    t0 = time.perf_counter()
    res = run_many(exps, store=store, df=df, progress=True, save_checkpoints=False)
    dt = time.perf_counter() - t0
    r = pd.DataFrame(res)
    rows = {k: r[r.experiment == f'{k}_text'].reset_index(drop=True) for k in ('self', 'cross')}
    for k, x in rows.items():
        print(f"{k:5s}: test weighted F1 {x.weighted_f1.mean():.4f} ± {x.weighted_f1.std(ddof=1) if len(x) > 1 else 0:.4f} "
              f"(n={len(x)}), accuracy {x.accuracy.mean():.4f}, macro F1 {x.macro_f1.mean():.4f}; dev weighted F1 {x.val_weighted_f1.mean():.4f}")
    if a.cross == 'check':
        s0, c0 = res.runs[0], res.runs[len(rows['self'])]
        same = np.allclose(s0['scores'], c0['scores'], atol=1e-6)
        print(f"Cross on one modality vs Self, seed {seeds[0]}: test scores {'identical' if same else 'DIFFERENT'}"
              + ("; Self's runs stand for Cross" if same else "; rerun with --cross all"))
        if not same: raise SystemExit(1)
        rows['cross'] = rows['self'].assign(experiment='cross_text')
    tab = paired_comparison(rows['self'], rows['cross'], 'weighted_f1')
    print(tab.drop(columns=['metric']).round(4).to_string(index=False))
    t = paired_test(rows['self'], rows['cross'], 'weighted_f1')
    p = t['wilcoxon_pvalue'] if np.isfinite(t['wilcoxon_pvalue']) else 1.0
    print(f"vs the supervised text floor {a.floor}: self {rows['self'].weighted_f1.mean() - a.floor:+.4f}")
    print(f"{len(res)} runs in {dt:.0f} s; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    if a.save_result and not a.quick:
        from _results import write_result
        for k, x in rows.items():
            write_result(f'meld_attention__{k}', command='python benchmarks/meld_attention.py --data-dir ../shared/data --save-result',
                         corpus=a.corpus, protocol=proto.id, model=f'{k}_attention_fusion',
                         metrics={m: {'mean': float(x[m].mean()), 'std': float(x[m].std(ddof=1)) if len(x) > 1 else 0.0, 'n': len(x)}
                                  for m in ('weighted_f1', 'accuracy', 'macro_f1')},
                         notes=f"text only, {a.text_spec} word frames, hidden {a.hidden}; seeds {seeds}; epoch chosen on dev weighted F1"
                               + ("; Cross = Self's runs (identical on one modality, checked on seed 1)" if k == 'cross' and a.cross == 'check' else ''),
                         hardware='2 shared CPU cores')
    print(f"RESULT self_wf1={rows['self'].weighted_f1.mean():.4f} cross_wf1={rows['cross'].weighted_f1.mean():.4f} p_value={p:.4f} "
          f"self_wf1_std={rows['self'].weighted_f1.std(ddof=1) if len(rows['self']) > 1 else 0:.4f} floor_wf1={a.floor:.4f}")

if __name__ == '__main__': main()
