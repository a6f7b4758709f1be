"""Write the results files of an `mmser demo` run (benchmarks/results/demo__<model>.json) from its comparison.csv.

    mmser demo --out DIR && python tools/demo_results.py DIR

The reproduction page and the README's demo table read these records; the figures are the run's own.
"""
import sys, argparse
from pathlib import Path
import pandas as pd
sys.path.insert(0, str(Path(__file__).resolve().parents[1]/'benchmarks'))
from _results import write_result

NOTES = {'audio_mlp': 'eGeMAPS', 'text_mlp': 'MiniLM layer 4 (minilm-l4)', 'fusion_mlp': 'eGeMAPS + minilm-l4, early fusion',
         'hemogat': 'eGeMAPS + minilm-l4, corrected default', 'linear_probe': 'eGeMAPS + minilm-l4, softmax regression',
         'gated_fusion': 'eGeMAPS LLD frames + minilm-l4 token states, single-layer gate, pooled alignment, d_model 128',
         'self_attention_fusion': 'eGeMAPS LLD frames + minilm-l4 token states, A+T Self attention, audio conv stride 8, 15 epochs (sized for time, 1 seed)',
         'cross_attention_fusion': 'eGeMAPS LLD frames + minilm-l4 token states, A+T Cross attention, audio conv stride 8, 15 epochs (sized for time, 1 seed)',
         'tfn': 'eGeMAPS LLD frames + minilm-l4 token states, Tensor Fusion Network as a 4-class classifier, A+T (no video), text_out 64 (1 seed, for time)',
         'selfmm_valence': 'demo_valence (each class on a valence axis): Self-MM with ULGM, text + audio streams, eGeMAPS + minilm-l4 vector, SIMS sizes (1 seed)',
         'tfn_valence': 'demo_valence (each class on a valence axis): TFN regression, eGeMAPS + minilm-l4 token states, output range 1 (1 seed)'}
SENTIMENT_METRICS = ('mae', 'corr', 'acc2', 'f1')

def main(run_dir:str, metric:str='balanced_accuracy'):
    df = pd.read_csv(Path(run_dir)/'comparison.csv')
    for model, g in df.groupby('model', sort=False):
        v = g[metric].astype(float)
        p = write_result('demo', command='mmser demo', corpus='demo', protocol=str(g['protocol'].iloc[0]), model=model, tag=model,
                         metrics={metric: {'mean': round(float(v.mean()), 4), 'std': round(float(v.std(ddof=1)), 4), 'n': int(len(v))}},
                         notes=f"{NOTES.get(model, model)}; {g['transcript_source'].iloc[0]} transcripts; {g['fold'].nunique()} folds x "
                               f"{g['seed'].nunique()} seeds, selection on validation only; synthetic corpus",
                         hardware='2 shared CPU cores')
        print(f'{p}: {metric} {v.mean():.4f} ± {v.std(ddof=1):.4f} (n={len(v)})')
    sent = Path(run_dir)/'sentiment'/'comparison.csv'          # the Self-MM / TFN sentiment rows (demo_valence)
    if sent.exists():
        sd = pd.read_csv(sent)
        for name, g in sd.groupby('experiment', sort=False):
            ms = {m: {'mean': round(float(g[m].mean()), 4), 'std': round(float(g[m].std(ddof=1)), 4), 'n': int(len(g))} for m in SENTIMENT_METRICS}
            p = write_result('demo', command='mmser demo', corpus='demo', protocol=str(g['protocol'].iloc[0]), model=str(g['model'].iloc[0]),
                             tag=name, metrics=ms, notes=f"{NOTES.get(name, name)}; {g['fold'].nunique()} folds x {g['seed'].nunique()} seeds, "
                                                         "selection on validation loss only; synthetic corpus", hardware='2 shared CPU cores')
            print(f"{p}: mae {ms['mae']['mean']:.4f} ± {ms['mae']['std']:.4f}, corr {ms['corr']['mean']:.4f}")

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('run_dir', help='the --out folder of `mmser demo`')
    ap.add_argument('--metric', default='balanced_accuracy')
    main(**vars(ap.parse_args()))
