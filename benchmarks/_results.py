"""Results files: one JSON per benchmark run under `benchmarks/results/`, read by the docs' reproduction page.

A benchmark calls `write_result` once, at the end, with what it measured:

    from _results import write_result          # benchmarks/ is the script's own folder, so this imports
    write_result('emodb_baseline', command='python benchmarks/emodb_baseline.py --data-dir DATA',
                 corpus='emodb', protocol='emodb_loso10', model='egemaps_logreg',
                 metrics={'balanced_accuracy': {'mean': 0.598, 'std': 0.149, 'n': 10}})

Keys: benchmark, command, corpus, protocol, model, metrics {name: value | {mean, std[, n]}}, date (ISO day),
plus optional notes / hardware / extra. Metric names are the canonical ones of `mmser_nb.metrics`
(accuracy = WA, balanced_accuracy = UA, weighted_f1, macro_f1, ...), values are fractions, not percents.
"""
import datetime, json, math, re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent/'results'
KEYS = ('benchmark', 'command', 'corpus', 'protocol', 'model', 'metrics', 'date')

def _check_metric(name, v):
    if isinstance(v, dict):
        if 'mean' not in v: raise ValueError(f'metric {name!r}: a dict needs "mean" (and "std")')
        vals = [v['mean']] + ([v['std']] if 'std' in v else [])
    else: vals = [v]
    for x in vals:
        if not isinstance(x, (int, float)) or isinstance(x, bool) or not math.isfinite(x):
            raise ValueError(f'metric {name!r}: {x!r} is not a finite number')

def validate(rec:dict)->dict:
    "Raise ValueError when `rec` is not a results record; return it."
    missing = [k for k in KEYS if k not in rec]
    if missing: raise ValueError(f'results record lacks {missing}')
    if not isinstance(rec['metrics'], dict) or not rec['metrics']: raise ValueError('metrics must be a non-empty dict')
    for k, v in rec['metrics'].items(): _check_metric(k, v)
    datetime.date.fromisoformat(rec['date'])
    return rec

def write_result(benchmark:str,         # script name without .py, e.g. 'meld_hemogat'
                 command:str,           # the exact command that produced the figures
                 corpus:str,            # corpus name as the readers call it: 'meld', 'emodb', 'iemocap', 'demo', ...
                 protocol:str,          # a registered protocol name, e.g. 'meld7_official'
                 metrics:dict,          # {canonical name: value or {'mean', 'std', 'n'}}
                 model:str|None=None,   # what was evaluated (registered model name or a short label); default the benchmark
                 tag:str|None=None,     # distinguishes several records of one benchmark (file name suffix)
                 out_dir=None,          # default benchmarks/results/
                 date:str|None=None,    # ISO date; default today (UTC)
                 **extra)->Path:        # notes=..., hardware=..., anything JSON-serialisable
    "Write one run's figures as `<out_dir>/<benchmark>[__<tag>].json`; returns the path."
    rec = dict(benchmark=benchmark, command=command, corpus=corpus, protocol=protocol, model=model or benchmark,
               metrics=metrics, date=date or datetime.datetime.now(datetime.timezone.utc).date().isoformat(), **extra)
    validate(rec)
    out = Path(out_dir or RESULTS); out.mkdir(parents=True, exist_ok=True)
    name = benchmark + (f'__{re.sub(r"[^A-Za-z0-9_.-]+", "_", tag)}' if tag else '')
    p = out/f'{name}.json'
    p.write_text(json.dumps(rec, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    return p

def read_results(folder=None)->list:
    "Every valid record under `folder` (default benchmarks/results/), each with its file name as `_file`."
    recs = []
    for p in sorted(Path(folder or RESULTS).glob('*.json')):
        rec = validate(json.loads(p.read_text(encoding='utf-8')))
        rec['_file'] = p.name; recs.append(rec)
    return recs
