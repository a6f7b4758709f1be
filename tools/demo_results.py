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
         'tfn': 'eGeMAPS LLD frames + minilm-l4 token states, Tensor Fusion Network as a 4-class classifier, A+T (no video), text_out 64'}

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

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('run_dir', help='the --out folder of `mmser demo`')
    ap.add_argument('--metric', default='balanced_accuracy')
    main(**vars(ap.parse_args()))
