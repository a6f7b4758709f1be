"""Run every chapter top to bottom as JupyterLab's "Run All" would (`jupyter nbconvert --execute`), slow and
`#| gpu` cells included (on a CPU machine the GPU cells print why they skip), into a scratch folder.

    python tools/run_all_notebooks.py            # every nbs/*.ipynb not starting with '_'
    python tools/run_all_notebooks.py nbs/02_hemogat.ipynb

The notebooks themselves are not modified (use tools/execute_notebooks.py to refresh their saved outputs).
Exit status 1 if any chapter fails; each chapter's log is kept in the scratch folder.
"""
import argparse, os, subprocess, sys, tempfile, time
from pathlib import Path

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('notebooks', nargs='*')
    ap.add_argument('--timeout', type=int, default=1800, help='seconds per cell')
    a = ap.parse_args()
    root = Path(__file__).resolve().parents[1]
    nbs = [Path(p) for p in a.notebooks] or sorted(p for p in (root/'nbs').glob('*.ipynb') if not p.name.startswith('_'))
    out = Path(tempfile.mkdtemp(prefix='run_all_'))
    env = {**os.environ, 'HF_HUB_OFFLINE': '1', 'TRANSFORMERS_OFFLINE': '1'}
    failed = []
    for nb in nbs:
        t = time.time(); log = out/f'{nb.stem}.log'
        with open(log, 'w') as f:
            rc = subprocess.call([sys.executable, '-m', 'jupyter', 'nbconvert', '--execute', f'--ExecutePreprocessor.timeout={a.timeout}',
                                  '--to', 'notebook', '--output-dir', str(out), str(nb)], stdout=f, stderr=subprocess.STDOUT, env=env)
        if rc: failed.append(nb.name)
        print(f"{nb.name:34s} {'ok' if rc == 0 else 'FAILED (see ' + str(log) + ')'}  {time.time() - t:.0f} s", flush=True)
    print(f"{len(nbs) - len(failed)} of {len(nbs)} chapters ran top to bottom; outputs and logs in {out}")
    if failed: sys.exit(1)

if __name__ == '__main__': main()
