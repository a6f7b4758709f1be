"""Execute notebooks in place so that their outputs (tables, figures) appear in the rendered docs.

Cells are skipped exactly as the tests skip them (`#| slow`, `#| gpu`, `#| notest`, `#| eval: false`,
`nbdev_export(` cells), unless a flag is forced with `--flags`. Run `nbdev_clean` afterwards (CI checks it).

    python tools/execute_notebooks.py                    # every notebook
    python tools/execute_notebooks.py nbs/02_hemogat.ipynb --flags slow
"""
import argparse, os, sys, time
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

def main():
    cfg = get_config()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('notebooks', nargs='*', help='notebooks to run (default: all under nbs/, not _*)')
    ap.add_argument('--flags', default='', help='test flags to run anyway, e.g. "slow"')
    a = ap.parse_args()
    nbs = [Path(p) for p in a.notebooks] or sorted(p for p in Path(cfg.nbs_path).glob('*.ipynb') if not p.name.startswith('_'))
    flags = set(cfg.tst_flags.split()) - set(a.flags.split())
    os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
    sys.path.insert(0, str(cfg.config_path))
    failed = []
    for nb in nbs:
        t = time.time()
        shell = CaptureShell()
        try: shell.execute(nb, nb, exc_stop=True, preproc=_skipper(flags)); status = 'ok'
        except Exception as e: status = f'FAILED: {e!r}'[:300]; failed.append(nb.name)
        print(f'{nb.name:32s} {time.time()-t:6.1f} s  {status}', flush=True)
    if failed: sys.exit(f'failed: {failed}')

if __name__ == '__main__': main()
