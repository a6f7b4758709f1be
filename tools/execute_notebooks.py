"""Execute notebooks in place so that their outputs (tables, figures) appear in the rendered docs.

Cells are skipped exactly as the tests skip them (`#| slow`, `#| gpu`, `#| notest`, `#| eval: false`,
`nbdev_export(` cells), unless a flag is forced with `--flags`. Progress bars are switched off and any left in
an output (tqdm, Hugging Face "Loading weights") are dropped, so the saved pages show results, not bars.
Run `nbdev_clean` afterwards (CI checks it).

    python tools/execute_notebooks.py                    # every notebook
    python tools/execute_notebooks.py nbs/02_hemogat.ipynb --flags slow
"""
import argparse, json, os, re, sys, time
from pathlib import Path
from execnb.shell import CaptureShell
from nbdev.config import get_config
from nbdev.process import extract_directives

def _skipper(flags:set):
    def _skip(cell):
        if cell.cell_type != 'code': return True
        if 'nbdev_export' + '(' in cell.source: return True
        direc = extract_directives(cell, remove=False)
        if direc.get('eval:', [''])[0].lower() == 'false': return True
        return bool(flags & set(direc))
    return _skip

BAR = re.compile(r'^\s*[^\n]*?\d+%\|[^\n]*\|\s*\d+/\d+|^\s*$')   # one tqdm bar frame, or nothing

def _is_bar(text:str)->bool:
    "True when every frame of a stderr stream is a progress bar (frames are split on \\r and \\n)."
    frames = [f for f in re.split(r'[\r\n]', text.replace('\x1b[A', '')) if f.strip()]
    return bool(frames) and all(BAR.match(f) for f in frames)

def strip_progress(nb_path:Path)->int:
    "Drop stderr outputs that are only progress bars from a saved notebook; returns how many were dropped."
    nb = json.loads(nb_path.read_text(encoding='utf-8')); n = 0
    for c in nb['cells']:
        outs = c.get('outputs') or []
        keep = [o for o in outs if not (o.get('output_type') == 'stream' and o.get('name') == 'stderr' and _is_bar(''.join(o.get('text', ''))))]
        n += len(outs) - len(keep)
        if outs: c['outputs'] = keep
    if n: nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    return n

def main():
    cfg = get_config()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('notebooks', nargs='*', help='notebooks to run (default: all under nbs/, not _*)')
    ap.add_argument('--flags', default='', help='test flags to run anyway, e.g. "slow"')
    ap.add_argument('--strip-only', action='store_true', help='only drop progress bars from the saved outputs')
    a = ap.parse_args()
    nbs = [Path(p) for p in a.notebooks] or sorted(p for p in Path(cfg.nbs_path).glob('*.ipynb') if not p.name.startswith('_'))
    flags = set(cfg.tst_flags.split()) - set(a.flags.split())
    if a.strip_only:
        for nb in nbs: print(f'{nb.name:32s} {strip_progress(nb)} progress-bar outputs dropped')
        return
    os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
    os.environ['TQDM_DISABLE'] = '1'; os.environ['HF_HUB_DISABLE_PROGRESS_BARS'] = '1'   # bars are noise in saved pages
    sys.path.insert(0, str(cfg.config_path))
    failed = []
    for nb in nbs:
        t = time.time()
        shell = CaptureShell()
        try: shell.execute(nb, nb, exc_stop=True, preproc=_skipper(flags)); status = 'ok'
        except Exception as e: status = f'FAILED: {e!r}'[:300]; failed.append(nb.name)
        n = strip_progress(nb)
        print(f'{nb.name:32s} {time.time()-t:6.1f} s  {status}' + (f' ({n} progress-bar outputs dropped)' if n else ''), flush=True)
    if failed: sys.exit(f'failed: {failed}')

if __name__ == '__main__': main()
