"Run every notebook as one pytest test (slow/gpu cells flagged out), so CI gets an `N passed` line."
import os, pytest
from pathlib import Path
from nbdev.config import get_config
from nbdev.test import test_nb as run_nb            # aliased: pytest must not collect it as a test

os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
os.environ.setdefault('IN_TEST', '1')
cfg = get_config()

def _keep(p:Path)->bool:
    "Skip `_*` notebooks, checkpoints and folders marked `.notest`, as `nbdev_test` does."
    return (not any(x.startswith(('_', '.')) for x in p.relative_to(cfg.nbs_path).parts)
            and not (p.parent/'.notest').exists())

nbs = sorted(filter(_keep, Path(cfg.nbs_path).rglob('*.ipynb')))
assert nbs, f'no notebooks found under {cfg.nbs_path}'

@pytest.mark.parametrize('nb', nbs, ids=[p.stem for p in nbs])
def test_notebook(nb):
    ok, _ = run_nb(nb, skip_flags=cfg.tst_flags.split(), force_flags=os.environ.get('NBDEV_FLAGS', '').split(),
                   basepath=cfg.config_path)
    assert ok, f'{nb.name} failed (traceback above)'
