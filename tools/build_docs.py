"""Build the documentation site offline: nbdev's own notebook processing, then a Sphinx site -> `_docs/`.

    python tools/build_docs.py                  # -> _docs/ (index.html = the home page)
    python tools/build_docs.py --out /tmp/site  # somewhere else (the browser test does this)

Step 1 runs nbdev's docs pipeline (`nbdev.processors.FilterDefaults`, the processors `nbdev_docs` uses) on
every `nbs/*.ipynb` not starting with `_`, in-process, into a temporary folder: directives applied, hidden and
exported cells dropped, `show_doc` signatures and docments rendered. What nbdev leaves for Quarto
(`#| echo: false`, `#| output: asis`, `#| code-fold`, `#| fig-cap` ...) is applied here instead, progress
bars are dropped from the saved outputs, and links to the published site / to `NN_name.ipynb` become links
between the local pages. Step 2 renders those notebooks with Sphinx + myst-nb (never executing them: the
committed outputs are shown) and the furo theme, plus `reproduce.html` from `docs/paper_figures.yaml` and
`benchmarks/results/*.json` (see `tools/reproduce_page.py`).

It never calls Quarto, never installs anything and never writes outside `--out` and its temporary folder.
The Sphinx packages come from the `dev` extra (`pip install -e ".[dev]"`).
"""
import argparse, html, json, os, re, shutil, subprocess, sys, tempfile, time, warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'tools'))

# ---------------------------------------------------------------------------------------------------------
# Which notebooks, in which order, under which page names

def discover(nbs:Path)->list:
    "Every `nbs/*.ipynb` not starting with '_', `index.ipynb` first, then file-name order."
    nbs = sorted(p for p in Path(nbs).glob('*.ipynb') if not p.name.startswith(('_', '.')))
    return sorted(nbs, key=lambda p: (p.name != 'index.ipynb', p.name))

def page_names(paths:list)->dict:
    "notebook stem -> page name, as nbdev/Quarto name them (`02_hemogat` -> `hemogat`); the stem on a clash."
    names = {p.stem: 'index' if p.stem == 'index' else re.sub(r'^\d+[a-zA-Z0-9]*_', '', p.stem.lower()) for p in paths}
    seen = {}
    for n in names.values(): seen[n] = seen.get(n, 0) + 1
    return {s: (n if seen[n] == 1 and n not in ('reproduce', 'search', 'genindex') else s) for s, n in names.items()}

def first_h1(nb)->str|None:
    "The text of the notebook's first markdown `# ` heading."
    for c in nb['cells']:
        if c['cell_type'] != 'markdown': continue
        src = ''.join(c['source']) if isinstance(c['source'], list) else c['source']
        for line in src.splitlines():
            if line.startswith('# '): return line[2:].strip()
    return None

# ---------------------------------------------------------------------------------------------------------
# Step 1: nbdev's processing

def _tolerant_procs():
    "nbdev's default processors, except that a cell `exec_show_docs` cannot run is reported, not fatal."
    from nbdev.processors import FilterDefaults, exec_show_docs
    class exec_show_docs_tolerant(exec_show_docs):
        # nbdev also runs every cell that *contains* an import; such a cell that needs earlier, unexecuted cells
        # fails under `nbdev_docs` too. Here it is skipped with a warning: `show_doc` needs only the exported code.
        failed = []
        def __call__(self, cell):
            try: super().__call__(cell)
            except Exception:
                exc, self.k.exc = self.k.exc, None
                type(self).failed.append((cell.idx_, f'{type(exc).__name__}: {exc}'[:200]))
    class Procs(FilterDefaults):
        def base_procs(self): return [exec_show_docs_tolerant if p is exec_show_docs else p for p in super().base_procs()]
    return Procs, exec_show_docs_tolerant

def nbdev_process(path:Path):
    "The notebook after nbdev's docs processors (what `nbdev_docs` hands to Quarto) as a dict, and the cells it could not run."
    from execnb.nbio import read_nb, nb2dict
    Procs, execp = _tolerant_procs()
    nb = read_nb(path)
    os.environ['IN_TEST'] = '1'          # as nbdev.serve_drv does while processing
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            Procs()(nb)
    finally: del os.environ['IN_TEST']
    return nb2dict(nb), list(execp.failed)

# ---------------------------------------------------------------------------------------------------------
# Step 1b: what Quarto would do with nbdev's output, done for Sphinx

_re_dir = re.compile(r'^\s*#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$')
_re_ansi = re.compile(r'\x1B(?:[@-Z\\-_]|\[[0-?]*[ -/]*[@-~])')
_re_progress = re.compile(r'\r|\d+%\|| \d+/\d+ \[|it/s\]|s/it\]|^\s*\|[█▏▎▍▌▋▊▉ ]*\|')
_re_link = re.compile(r'(?<!!)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]+)>?\s*\)')
_re_fence = re.compile(r'^(```|~~~)')

def _src(c)->str: return ''.join(c['source']) if isinstance(c.get('source'), list) else (c.get('source') or '')

def split_directives(src:str)->tuple:
    "Leading `#| key: value` lines -> ({key: value}, remaining source)."
    lines, opts = src.splitlines(), {}
    i = 0
    while i < len(lines):
        m = _re_dir.match(lines[i])
        if not m: break
        opts[m.group(1)] = m.group(2).strip().strip('"\'')
        i += 1
    return opts, '\n'.join(lines[i:]).strip('\n')

def pandoc_id(text:str)->str:
    "The identifier pandoc (Quarto) gives a heading: what nbdev's doc links point at."
    t = re.sub(r'<[^>]+>', '', text)
    t = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', t)
    t = re.sub(r'[^\w\s.-]', '', t.lower()).strip()
    t = re.sub(r'\s+', '-', t)
    return re.sub(r'^[^a-z]+', '', t) or 'section'

def docutils_id(text:str)->str:
    from docutils.nodes import make_id
    return make_id(re.sub(r'[`*]', '', re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', text)))

def _inline_html(text:str)->str:
    "A link text's markdown (backticks, emphasis) as HTML, for a raw `<a>`."
    out = []
    for i, part in enumerate(re.split(r'`([^`]*)`', text)):
        if i % 2: out.append(f'<code class="docutils literal notranslate"><span class="pre">{html.escape(part)}</span></code>')
        else: out.append(re.sub(r'\*\*([^*]+)\*\*', r'<strong>\1</strong>', html.escape(part)))
    return ''.join(out)

class Linker:
    "Turns links to the published site and to `NN_name.ipynb` into links between the local pages."
    def __init__(self, pages:dict, site:str, anchors:dict|None=None):
        self.pages, self.site = pages, site.rstrip('/') + '/'
        self.by_html = {p + '.html': p for p in pages.values()}
        self.anchors = anchors         # page -> ids its headings will have; None = do not check
        self.seen = set()              # anchors already placed on the page being written

    def _frag(self, page:str, frag:str)->str:
        "`frag` if the page will have it; else its nearest parent (`trainer.fit` -> `trainer`, a method documented in its class), else ''."
        if not frag or self.anchors is None or page not in self.anchors: return frag
        while frag and frag not in self.anchors[page]: frag = frag.rpartition('.')[0]
        return frag

    def target(self, url:str)->str|None:
        "The local `page.html#frag` for `url`, or None when it is not one of our pages."
        u = url[len(self.site):] if url.startswith(self.site) else url
        if re.match(r'^[a-z]+:', u) or u.startswith(('/', '#')): return None
        path, _, frag = u.partition('#')
        path = path.removeprefix('./')
        if path.endswith('.ipynb') and Path(path).stem in self.pages: page = self.pages[Path(path).stem]
        elif path in self.by_html: page = self.by_html[path]
        elif path == 'reproduce.html': page = 'reproduce'
        else: return None
        frag = self._frag(page, frag)
        return f'{page}.html' + (f'#{frag}' if frag else '')

    def _links(self, text:str)->str:
        def sub(m):
            t = self.target(m.group(2))
            if t is None: return m.group(0)
            return f'<a class="reference internal" href="{html.escape(t)}">{_inline_html(m.group(1))}</a>'
        text = _re_link.sub(sub, text)
        # a chapter named in backticks (`02_hemogat` or `02_hemogat.ipynb`) becomes a link to it
        def chap(m):
            stem = m.group(1)
            if stem not in self.pages or stem == 'index': return m.group(0)
            return (f'<a class="reference internal" href="{self.pages[stem]}.html"><code class="docutils literal notranslate">'
                    f'<span class="pre">{html.escape(m.group(0)[1:-1])}</span></code></a>')
        return re.sub(r'(?<![\[\w>])`(\d\w*?)(?:\.ipynb)?`(?!\]|<)', chap, text)

    def markdown(self, text:str, anchors:bool|str=True)->str:
        "Rewrite links outside code fences; before a heading whose Quarto id differs from Sphinx's (any heading: 'always'), add that id."
        out, block, fenced = [], [], False
        def flush():
            if block: out.append(self._links('\n'.join(block))); block.clear()
        for line in text.split('\n'):
            if _re_fence.match(line.lstrip()):
                if not fenced: flush()
                fenced = not fenced; out.append(line); continue
            if fenced: out.append(line); continue
            m = re.match(r'^(#{1,6})\s+(.*?)\s*#*\s*$', line)
            if m and anchors:
                flush()
                qid, did = pandoc_id(m.group(2)), docutils_id(m.group(2))
                if (qid != did or anchors == 'always') and qid not in self.seen:       # first heading wins, as in pandoc
                    self.seen.add(qid); out.append(f'<div id="{html.escape(qid)}" class="nbdev-anchor"></div>\n')
                block.append(line); flush(); continue
            block.append(line)
        flush()
        return '\n'.join(out)

def heading_ids(nb:dict)->set:
    "Ids the headings of nbdev's processed notebook will have on the page: Quarto's and Sphinx's."
    ids, texts = set(), []
    for c in nb['cells']:
        srcs = [_src(c)] if c['cell_type'] == 'markdown' else \
               [_src({'source': o['data']['text/markdown']}) for o in c.get('outputs', []) if 'text/markdown' in o.get('data', {})]
        for src in srcs:
            fenced = False
            for line in src.split('\n'):
                if _re_fence.match(line.lstrip()): fenced = not fenced
                m = None if fenced else re.match(r'^#{1,6}\s+(.*?)\s*#*\s*$', line)
                if m: ids |= {pandoc_id(m.group(1)), docutils_id(m.group(1))}
    return ids

def clean_stream(text:str, stderr:bool)->str:
    "Drop progress-bar lines (tqdm: carriage returns, `42%|`, `it/s]`) and ANSI codes from a stream's text."
    text, keep = _re_ansi.sub('', text), []
    for line in text.split('\n'):
        if stderr and _re_progress.search(line): continue
        if '\r' in line: line = line.rsplit('\r', 1)[-1]       # a terminal shows the last rewrite only
        keep.append(line)
    return '\n'.join(keep)

def clean_outputs(outputs:list, opts:dict)->list:
    "Saved outputs as the docs should show them."
    res = []
    for o in outputs:
        o = dict(o)
        if o['output_type'] == 'stream':
            if o.get('name') == 'stderr' and opts.get('warning') == 'false': continue
            t = clean_stream(_src({'source': o.get('text', '')}), o.get('name') == 'stderr')
            if not t.strip(): continue
            o['text'] = t
        elif o['output_type'] in ('display_data', 'execute_result'):
            data = {k: v for k, v in o.get('data', {}).items() if 'widget' not in k}
            if not data: continue
            if set(data) == {'text/plain'} and _re_progress.search(_src({'source': data['text/plain']})): continue
            o['data'] = data
        elif o['output_type'] == 'error':
            o['traceback'] = [_re_ansi.sub('', l) for l in o.get('traceback', [])]
        res.append(o)
    return res

def _sentences(md:str, n:int=2, limit:int=220)->str:
    "The first `n` sentences of a markdown cell's prose, as plain text (headings, code fences and tables dropped)."
    md = re.sub(r'```.*?```', '', md, flags=re.S)
    md = '\n'.join(l for l in md.splitlines() if not l.lstrip().startswith(('#', '|', '{', '<div')))
    t = re.sub(r'<[^>]+>', '', md)
    t = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', t)
    t = ' '.join(re.sub(r'[*`>]', '', t).split())
    s = ' '.join(re.split(r'(?<=[.;!?])\s', t)[:n])
    return (s[:limit].rsplit(' ', 1)[0] + '…') if len(s) > limit else s

def figure_alt(opts:dict, code:str, prose:str, title:str, k:int)->str:
    "Alt text for a cell's picture: `#| fig-alt` / `#| fig-cap`, else the plot's own title and the prose before it."
    if opts.get('fig-alt') or opts.get('fig-cap'): return opts.get('fig-alt') or opts['fig-cap']
    m = re.search(r'(?:set_title|suptitle|title)\s*[(=]\s*f?([\'"])(.+?)\1', code)
    what = f'“{m.group(2)}”' if m and '{' not in m.group(2) else ''
    return ' '.join(x for x in [f'Figure {k} of the chapter {title}{":" if what or prose else ""}', what, prose] if x)

def showdoc_markdown(md:str, linker:Linker)->str:
    "A `show_doc` output as page markdown: the source link as HTML, the Quarto anchor kept on the heading."
    md = md.strip()
    md = re.sub(r'^---\s*\n', '', md)
    md = re.sub(r'\[source\]\(([^)]+)\)\{[^}]*\}',
                lambda m: f'<a class="nbdev-source reference external" href="{html.escape(m.group(1))}">source</a>', md)
    # nbdev puts the source link first, then the heading: keep the heading first so that it opens the section
    m = re.match(r'^(<a class="nbdev-source[^\n]*</a>)\s*\n+(#{1,6} [^\n]*)\n', md)
    if m: md = m.group(2) + '\n\n' + m.group(1) + '\n' + md[m.end():]
    return linker.markdown(md, anchors='always')

def own_anchors(page:str)->str:
    "Give each nbdev anchor its id alone: another element with the same id (the page title `Trainer`, or the heading's\n    own section) is renamed, so `trainer.html#trainer` lands on the documented class as on the Quarto site."
    mine = set(re.findall(r'<div id="([^"]+)" class="nbdev-anchor">', page))
    if not mine: return page
    n = {}
    def sub(m):
        q = html.unescape(m.group(2))
        if q not in mine or m.group(3).startswith(' class="nbdev-anchor"'): return m.group(0)
        n[q] = n.get(q, 0) + 1
        return f'{m.group(1)}id="{m.group(2)}-{n[q]}"{m.group(3)}'
    return re.sub(r'(<[a-z][a-z0-9]*\s(?:[^>]*?\s)?)id="([^"]+)"([^>]*>)', sub, page)

def to_sphinx(nb:dict, title:str, linker:Linker, chapter:str)->dict:
    "nbdev's processed notebook -> the notebook myst-nb renders."
    fm, cells, n_fig = {}, [], 0
    linker.seen = set()
    for c in nb['cells']:
        if c['cell_type'] == 'raw':
            m = re.match(r'^---\n(.*?)\n---', _src(c).strip(), re.S)
            if m:
                import yaml
                fm.update(yaml.safe_load(m.group(1)) or {})
            continue
        src = _src(c)
        if c['cell_type'] == 'markdown':
            if src.strip().startswith('<!-- WARNING: THIS FILE WAS AUTOGENERATED'): continue
            cells.append(dict(cell_type='markdown', metadata={}, source=linker.markdown(src)))
            continue
        opts, code = split_directives(src)
        if opts.get('include') == 'false': continue
        outputs = [] if opts.get('output') == 'false' else clean_outputs(c.get('outputs', []), opts)
        meta, tags = {}, []
        if opts.get('echo') == 'false': tags.append('remove-input')
        if opts.get('code-fold') in ('true', 'show'): tags.append('hide-input')
        if opts.get('output') == 'asis':
            md = [o for o in outputs if 'text/markdown' in o.get('data', {})]
            if md:
                if 'remove-input' not in tags and code.strip():
                    cells.append(dict(cell_type='code', metadata={}, source=code, outputs=[], execution_count=None))
                for o in md: cells.append(dict(cell_type='markdown', metadata={}, _showdoc=True,
                                               source=showdoc_markdown(_src({'source': o['data']['text/markdown']}), linker)))
                outputs = [o for o in outputs if o not in md]
                if not outputs: continue
        if any(k.startswith('image/') for o in outputs for k in o.get('data', {})):
            n_fig += 1
            prev = next((_src(p) for p in reversed(cells) if p['cell_type'] == 'markdown' and not p.get('_showdoc')), '')
            meta['mystnb'] = {'image': {'alt': figure_alt(opts, code, _sentences(prev), title, n_fig)}}
        if tags: meta['tags'] = tags
        if not code.strip() and not outputs: continue
        cells.append(dict(cell_type='code', metadata=meta, source=code, outputs=outputs, execution_count=None))
    head = f'# {title}\n'
    if fm.get('description'): head += f'\n{{.nb-description}}\n{fm["description"]}\n'
    cells.insert(0, dict(cell_type='markdown', metadata={}, source=linker.markdown(head, anchors=False)))
    for c in cells:
        c.pop('_showdoc', None)
        if c['cell_type'] == 'markdown': c.pop('outputs', None); c.pop('execution_count', None)
    meta = {'kernelspec': {'display_name': 'Python 3', 'language': 'python', 'name': 'python3'},
            'language_info': {'name': 'python', 'pygments_lexer': 'ipython3'}}
    return dict(nbformat=4, nbformat_minor=5, metadata=meta, cells=cells)

# ---------------------------------------------------------------------------------------------------------
# Step 2: Sphinx

CONF = '''# generated by tools/build_docs.py
project = {project!r}
author = {author!r}
copyright = {copyright!r}
extensions = ['myst_nb', 'sphinx-mathjax-offline']   # MathJax served from the site itself (no CDN)
exclude_patterns = ['_build', '**.ipynb_checkpoints']
source_suffix = {{'.md': 'myst-nb', '.ipynb': 'myst-nb'}}
nb_execution_mode = 'off'                  # never execute: the committed outputs are the docs
nb_output_stderr = 'show'
nb_render_markdown_format = 'gfm'
nb_ipywidgets_js = {{}}                      # no widget JavaScript from a CDN
myst_enable_extensions = ['attrs_block', 'attrs_inline', 'colon_fence', 'deflist', 'dollarmath', 'amsmath']
myst_heading_anchors = 4
suppress_warnings = ['myst.header', 'mystnb.unknown_mime_type', 'misc.highlighting_failure']
html_theme = 'furo'
html_title = {project!r}
html_static_path = ['_static']
html_favicon = '_static/favicon.svg'
html_css_files = ['mmser.css']
html_show_sourcelink = False
html_copy_source = False
html_show_search_summary = False   # Sphinx 8.1's summary fetch throws in searchtools.js (appendChild of null) for some pages: titles and links only
html_last_updated_fmt = None
html_theme_options = {{'navigation_with_keys': True}}
'''

CSS = '''/* generated by tools/build_docs.py */
.nb-description { font-size: 1.15em; color: var(--color-foreground-secondary); }
a.nbdev-source { float: right; font-size: smaller; }
div.nbdev-anchor { height: 0; }
div.cell_output table { font-size: 0.9em; }
div.cell_output img { max-width: 100%; height: auto; }
article table.docutils td { overflow-wrap: break-word; }
/* a show_doc signature: the code block right after its source link */
p:has(> a.nbdev-source) + div.highlight-python { border-left: 3px solid var(--color-brand-primary); }
'''

FAVICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#2b5797"/>'
           '<path d="M3 11 L5.5 5 L8 9 L10.5 5 L13 11" stroke="#fff" stroke-width="1.6" fill="none"/></svg>')

def sphinx_build(src:Path, out:Path, quiet:bool=True, jobs:int=1)->tuple:
    "Run Sphinx (same interpreter, own process); returns (returncode, warnings text)."
    warn = src/'_warnings.txt'
    cmd = [sys.executable, '-m', 'sphinx', '-b', 'html', '-E', '-j', str(jobs), '-w', str(warn), str(src), str(out)]
    if quiet: cmd.insert(3, '-q')
    env = dict(os.environ, PYTHONWARNINGS='ignore')
    rc = subprocess.call(cmd, env=env, cwd=src)
    return rc, (warn.read_text() if warn.exists() else '')

def build(out:Path, quiet:bool=False, keep:Path|None=None, strict:bool=False)->dict:
    "Build the whole site into `out`; returns a summary (pages, warnings, seconds)."
    from nbdev.config import get_config
    t0 = time.time()
    os.chdir(ROOT); sys.path.insert(0, str(ROOT))
    cfg = get_config()
    nbs = discover(cfg.config_path/cfg.nbs_path)
    if not nbs: raise SystemExit(f'no notebooks under {cfg.nbs_path}')
    pages = page_names(nbs)
    site = f"{cfg.doc_host.rstrip('/')}{cfg.doc_baseurl}"
    with tempfile.TemporaryDirectory(prefix='mmser_docs_') as tmpd:
        tmp = Path(tmpd)
        src = tmp/'src'
        src.mkdir(parents=True)
        # everything beside the notebooks (pictures, fixtures a page links to), not Quarto's own files
        for p in (cfg.config_path/cfg.nbs_path).iterdir():
            if p.name.startswith(('_', '.')) or p.suffix == '.ipynb' or p.name in ('sidebar.yml', 'nbdev.yml', 'styles.css'): continue
            (shutil.copytree if p.is_dir() else shutil.copy2)(p, src/p.name)
        failed, done = [], {}
        for p in nbs:
            t = time.time()
            try: nb, skipped = nbdev_process(p)
            except Exception as e:
                failed.append(p.name); print(f'{p.name}: nbdev processing failed: {e}', file=sys.stderr); continue
            for idx, err in skipped:
                print(f'{p.name}: nbdev could not run cell {idx} for the docs (it mixes imports with code that needs earlier '
                      f'cells; nbdev_docs would stop here): {err}', file=sys.stderr)
            done[p] = nb
            if not quiet: print(f'  nbdev processed {p.name:28s} -> {pages[p.stem]}.html  ({time.time()-t:.1f} s)', flush=True)
        if failed: raise SystemExit(f'nbdev processing failed for {failed}')
        linker = Linker(pages, site, anchors={pages[p.stem]: heading_ids(nb) for p, nb in done.items()})
        for p, nb in done.items():
            raw = json.loads(p.read_text(encoding='utf-8'))
            title = first_h1(raw) or nb.get('metadata', {}).get('title') or p.stem
            snb = to_sphinx(nb, title, linker, pages[p.stem])
            if p.stem == 'index':
                order = [pages[q.stem] for q in nbs if q.stem != 'index'] + ['reproduce']
                snb['cells'].append(dict(cell_type='markdown', metadata={},
                                         source='```{toctree}\n:hidden:\n:maxdepth: 2\n\n' + '\n'.join(order) + '\n```\n'))
            (src/f'{pages[p.stem]}.ipynb').write_text(json.dumps(snb, indent=1, ensure_ascii=False), encoding='utf-8')
        import reproduce_page
        (src/'reproduce.md').write_text(reproduce_page.render(ROOT, linker), encoding='utf-8')
        (src/'_static').mkdir(exist_ok=True); (src/'_static'/'mmser.css').write_text(CSS)
        (src/'_static'/'favicon.svg').write_text(FAVICON)
        (src/'conf.py').write_text(CONF.format(project=cfg.lib_name, author=cfg.author, copyright=cfg.copyright))
        html_dir = tmp/'html'
        rc, warns = sphinx_build(src, html_dir)
        if keep: shutil.copytree(src, keep, dirs_exist_ok=True)
        if rc: raise SystemExit(f'sphinx-build failed (rc {rc}):\n{warns}')
        if warns.strip(): print(f'Sphinx warnings:\n{warns}', file=sys.stderr)
        if strict and warns.strip(): raise SystemExit('Sphinx warnings (strict build)')
        out = Path(out)
        if out.exists(): shutil.rmtree(out)
        shutil.copytree(html_dir, out, ignore=shutil.ignore_patterns('.doctrees', '.buildinfo', '_sources'))
        (out/'.nojekyll').touch()
        for page in out.glob('*.html'): page.write_text(own_anchors(page.read_text(encoding='utf-8')), encoding='utf-8')
    res = dict(pages=[pages[p.stem] + '.html' for p in nbs] + ['reproduce.html'], warnings=warns, seconds=time.time() - t0)
    if not quiet: print(f'{len(res["pages"])} pages -> {out}/ in {res["seconds"]:.0f} s')
    return res

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', default=str(ROOT/'_docs'), help='output folder (default: _docs/)')
    ap.add_argument('--keep-src', default=None, help='also keep the generated Sphinx sources in this folder')
    ap.add_argument('--strict', action='store_true', help='fail on any Sphinx warning')
    ap.add_argument('-q', '--quiet', action='store_true')
    a = ap.parse_args()
    build(Path(a.out).resolve(), quiet=a.quiet, keep=Path(a.keep_src).resolve() if a.keep_src else None, strict=a.strict)

if __name__ == '__main__': main()
