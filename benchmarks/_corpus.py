"""What every corpus benchmark shares: `--corpus / --data-dir / --corpus-name / --n-dialogues / --protocol`, so that each
runs on any corpus the library reads (a user's manifest too) under any protocol (a YAML-declared one too)."""
from pathlib import Path

def add_corpus_args(ap, corpus:str, data_dir_help:str='the corpus root (or its parent), or a manifest file'):
    "The corpus options, with `corpus` as the default corpus."
    ap.add_argument('--corpus', default=corpus, help=f'a registered corpus (meld, iemocap, emodb, chsims, manifest, demo; default {corpus})')
    ap.add_argument('--data-dir', default=None, help=data_dir_help)
    ap.add_argument('--corpus-name', default=None, help="manifest only: the table's corpus name (e.g. iemocap)")
    ap.add_argument('--n-dialogues', type=int, default=None, help='demo only: dialogues to synthesise')
    ap.add_argument('--protocol', default=None, help="a registered protocol or 'file.yaml#name' (default: the corpus's default)")

def corpus_root(corpus:str, data_dir:str|None)->str|None:
    "`data_dir`, or its `<corpus>/` sub-folder when that is where the corpus lies (e.g. shared/data/meld)."
    if data_dir is None: return None
    sub = Path(data_dir)/corpus
    return str(sub) if corpus != 'manifest' and sub.is_dir() else str(data_dir)

def load_corpus_folds(a):
    "(raw corpus table, prepared table indexed by id, protocol, folds, experiment keywords) for parsed arguments `a`."
    from mmser_nb.corpora import load_corpus
    from mmser_nb.protocols import get_protocol
    from mmser_nb.views import index_by_id
    from mmser_nb.cli import _protocol_for, _corpus_kw
    root, ckw = corpus_root(a.corpus, a.data_dir), _corpus_kw(a.corpus, a.n_dialogues, a.corpus_name)
    protocol = _protocol_for(a.corpus, a.protocol)
    df = load_corpus(a.corpus, root, **ckw)
    proto = get_protocol(protocol)
    dp = index_by_id(proto.prepare(df)); folds = proto.folds(dp)
    print(f"{a.corpus} / {proto.id}: {len(dp)} utterances, {len(proto.classes)} classes, folds {[f.name for f in folds]}")
    return df, dp, proto, folds, dict(corpus=a.corpus, data_dir=root, corpus_kw=ckw, protocol=protocol)
