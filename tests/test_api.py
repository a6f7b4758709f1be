"""Registry-wide checks of the installed package: every reader, protocol, metric family and feature spec.

The notebooks test each piece in depth; these tests sweep the registries so that a newly registered
protocol, reader or spec that breaks a shared invariant fails here by name."""
import os, subprocess, sys, tempfile
import numpy as np, pytest

os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
from mmser_nb import corpora
from mmser_nb.core import DataError, list_models
from mmser_nb.protocols import list_protocols, get_protocol
from mmser_nb.metrics import compute_metrics
from mmser_nb.features import list_specs, get_spec

READERS = ['read_iemocap', 'read_meld', 'read_chsims', 'read_emodb', 'read_manifest', 'read_cmu_aligned']

@pytest.mark.parametrize('reader', READERS)
def test_reader_wrong_root_says_what_it_expected(reader, tmp_path):
    with pytest.raises(DataError, match='expected'): getattr(corpora, reader)(tmp_path)

def _protocol(name):
    return get_protocol(name, base='meld7_official') if name in ('random_utterance', 'split_column', 'group_kfold') else get_protocol(name)

def _fake_scores(task, classes, n=40, seed=0):
    "Targets and scores with signal, shaped for `task`."
    rng = np.random.default_rng(seed)
    if task == 'single_label':
        y = np.arange(n) % len(classes); s = np.eye(len(classes))[y] + rng.normal(0, .4, (n, len(classes)))
    elif task == 'multi_label':
        y = (rng.random((n, len(classes))) < .4).astype(int); s = np.clip(y*.7 + rng.random(y.shape)*.3, 0, 1)
    else:
        y = rng.uniform(-1, 1, n); s = y + rng.normal(0, .1, n)
    return y, s

@pytest.mark.parametrize('name', list_protocols())
def test_protocol_is_documented_and_its_primary_metric_exists(name):
    p = _protocol(name)
    assert p.id and p.source and p.task in ('single_label', 'multi_label', 'regression')
    assert p.summary().startswith(p.id)
    y, s = _fake_scores(p.task, p.classes or ['x'])
    kw = {'regression_kind': p.regression_kind} if p.task == 'regression' and p.regression_kind else {}
    m = compute_metrics(p.task, y, s, classes=list(p.classes) or None, **kw)
    assert p.primary_metric in m, f'{name}: primary metric {p.primary_metric!r} not among {sorted(m)}'
    assert np.isfinite(m[p.primary_metric])

@pytest.mark.parametrize('task,kind', [('single_label', None), ('multi_label', None), ('regression', 'mosi'), ('regression', 'sims')])
def test_metrics_perfect_predictions_score_perfectly(task, kind):
    classes = ['a', 'b', 'c']
    y, _ = _fake_scores(task, classes)
    if task == 'single_label': m = compute_metrics(task, y, np.eye(3)[y], classes=classes); key = 'balanced_accuracy'
    elif task == 'multi_label': m = compute_metrics(task, y, y.astype(float), classes=classes); key = 'mosei_wacc_mean'
    else:
        y = np.round(y * (3 if kind == 'mosi' else 1), 1); m = compute_metrics(task, y, y, regression_kind=kind); key = 'mae'
    assert m[key] == (0.0 if key == 'mae' else 1.0), m

@pytest.mark.parametrize('name', list_specs())
def test_feature_spec_key_and_hash_are_stable_and_unique(name):
    s = get_spec(name)
    assert s == get_spec(name) and s.hash == get_spec(name).hash and s.key.startswith(s.modality + ':')
    others = [get_spec(o) for o in list_specs() if o != name]
    assert all(o.hash != s.hash for o in others)

def test_console_script_lists_its_commands():
    import mmser_nb.cli  # noqa: F401  (the console script must import)
    out = subprocess.run([sys.executable, '-c', 'import sys; from mmser_nb.cli import main; sys.argv=["mmser","--help"]; main()'],
                         capture_output=True, text=True, timeout=120)
    text = out.stdout + out.stderr
    for cmd in ('demo', 'extract', 'train', 'evaluate', 'predict'): assert cmd in text, text

def test_models_are_registered():
    import mmser_nb.baselines, mmser_nb.hemogat  # noqa: F401
    assert {'audio_mlp', 'text_mlp', 'fusion_mlp', 'hemogat'} <= set(list_models())


def test_one_default_text_feature_everywhere():
    "The CLI, Experiment, the demo and every benchmark start from the same text feature (`DEFAULT_TEXT_FEATURE`)."
    import inspect, re
    from pathlib import Path
    from mmser_nb.features import DEFAULT_TEXT_FEATURE, DEFAULT_FEATURES
    from mmser_nb.experiments import Experiment
    from mmser_nb import cli
    assert DEFAULT_FEATURES['text'] == DEFAULT_TEXT_FEATURE and Experiment().features['text'] == DEFAULT_TEXT_FEATURE
    for cmd in (cli.train, cli.extract):                    # no --features: the library default
        default = inspect.signature(getattr(cmd, '__wrapped__', cmd)).parameters['features'].default
        assert cli._features_for('demo', None, default)['text'] == DEFAULT_TEXT_FEATURE, (cmd, default)
    assert cli.DEMO_FEATURES['text'] == DEFAULT_TEXT_FEATURE and cli.DEMO_SYSTEMS['text_mlp'] == {'text': DEFAULT_TEXT_FEATURE}
    root = Path(__file__).resolve().parents[1]/'benchmarks'
    for f in sorted(root.glob('*.py')):                     # no benchmark hard-codes another MiniLM default
        bad = re.findall(r"""default\s*=\s*['"](minilm[^'"]*)['"]""", f.read_text())
        assert not bad, f"{f.name} hard-codes the text feature default {bad}: use mmser_nb.features.DEFAULT_TEXT_FEATURE"
