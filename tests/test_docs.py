"""The docs site in a real browser: `tools/build_docs.py` builds it into a temporary folder, a local HTTP server
serves it, and headless Chromium (Debian's `chromium` + `chromium-driver`, driven by selenium) opens every page.

Fails on a page that does not load, a broken internal link (page or #anchor) or image, an image without alt
text, a JavaScript error or failed request (console errors), raw `#| ` directives or `In [ ]:` prompts or
progress bars in a page, a sidebar out of reading order, or a search that finds nothing.
Set DOCS_SCREENSHOT_DIR to keep screenshots of a model chapter and of the reproduction page.
"""
import functools, http.server, json, os, re, subprocess, sys, tempfile, threading, time
from pathlib import Path
from urllib.parse import urljoin, urldefrag, urlparse
from urllib.request import urlopen
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM, DRIVER = Path('/usr/bin/chromium'), Path('/usr/bin/chromedriver')
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason='needs Debian chromium (apt-get install -y chromium chromium-driver)')
sys.path.insert(0, str(ROOT/'tools'))

@pytest.fixture(scope='module')
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp('site')/'html'
    t = time.time()
    r = subprocess.run([sys.executable, str(ROOT/'tools'/'build_docs.py'), '--out', str(out), '--quiet'],
                       cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, f'docs build failed:\n{r.stdout[-3000:]}\n{r.stderr[-6000:]}'
    print(f'docs build: {time.time()-t:.0f} s')
    return out

@pytest.fixture(scope='module')
def server(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a): pass        # the static server's per-request log lines would flood the test output
    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address): pass      # a browser dropping a connection is not our error
    httpd = Server(('127.0.0.1', 0), functools.partial(Quiet, directory=str(site)))
    th = threading.Thread(target=httpd.serve_forever, daemon=True); th.start()
    yield f'http://127.0.0.1:{httpd.server_address[1]}/'
    httpd.shutdown(); httpd.server_close()

@pytest.fixture(scope='module')
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for a in ('--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
              '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--window-size=1400,1000',
              f'--user-data-dir={tmp_path_factory.mktemp("chromium-profile")}'):
        opts.add_argument(a)
    opts.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    drv = webdriver.Chrome(service=Service(str(DRIVER)), options=opts)
    drv.set_page_load_timeout(60)
    yield drv
    drv.quit()

_PAGE_JS = '''
const imgs = Array.from(document.images).map(i => ({src: i.currentSrc || i.src, alt: i.getAttribute('alt'),
                                                     ok: i.complete && i.naturalWidth > 0}));
const links = Array.from(document.querySelectorAll('a[href]')).map(a => a.href);
const ids = Array.from(document.querySelectorAll('[id]')).map(e => e.id);
const names = Array.from(document.querySelectorAll('a[name]')).map(e => e.name);
const main = document.querySelector('article') || document.body;
const code = Array.from(document.querySelectorAll('pre')).map(p => p.innerText).join('\\n');
return {title: document.title, ready: document.readyState, imgs, links, ids: ids.concat(names),
        text: main.innerText, code, sidebar: Array.from(document.querySelectorAll('.sidebar-tree a.reference')).map(a => a.href)};
'''

def _wait_ready(drv, timeout=30):
    t = time.time()
    while drv.execute_script('return document.readyState') != 'complete':
        if time.time() - t > timeout: raise TimeoutError(drv.current_url)
        time.sleep(0.05)
    # images that lazy-load or decode late
    drv.execute_script('return Promise.all(Array.from(document.images).map(i => i.decode().catch(() => null)))')

@needs_chromium
def test_site_in_browser(site, server, browser):
    import build_docs
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob('*.html'))
    nbs = build_docs.discover(ROOT/'nbs'); names = build_docs.page_names(nbs)
    chapters = [names[p.stem] + '.html' for p in nbs]
    for must in chapters + ['reproduce.html', 'index.html']: assert must in pages, f'{must} was not built'
    problems, ids, dups, wanted = [], {}, {}, []          # wanted: (from page, link) with an internal target
    browser.get_log('browser')
    for page in pages:
        url = urljoin(server, page)
        try:
            with urlopen(url) as r: assert r.status == 200
            browser.get(url); _wait_ready(browser)
            info = browser.execute_script(_PAGE_JS)
        except Exception as e:
            problems.append(f'{page}: does not load: {e!r}'); continue
        for entry in browser.get_log('browser'):
            if entry['level'] == 'SEVERE': problems.append(f"{page}: console error: {entry['message'][:300]}")
        if not info['title'].strip(): problems.append(f'{page}: no <title>')
        if page == 'reproduce.html' and ('not yet measured' not in info['text'] or 'paper figures measured' not in info['text']):
            problems.append('reproduce.html: no "not yet measured" marks or no summary line')
        ids[page] = set(info['ids'])
        dups[page] = {i for i in ids[page] if info['ids'].count(i) > 1}
        for im in info['imgs']:
            if not im['ok']: problems.append(f"{page}: broken image {im['src']}")
            alt = (im['alt'] or '').strip()
            if not alt or re.search(r'\.(png|jpe?g|gif|svg|webp)$', alt, re.I): problems.append(f"{page}: image without alt text: {im['src']}")
        for link in info['links']:
            if urlparse(link).netloc == urlparse(server).netloc: wanted.append((page, link))
        if page.removesuffix('.html') in set(names.values()) | {'reproduce'}:
            for bad, what in [(r'^\s*#\|', 'a raw #| directive'), (r'In \[\s*\d*\s*\]:', 'an In [ ]: prompt'),
                              (r'\d+%\|[^|\n]{0,60}\||\d+/\d+ \[\d\d:\d\d|it/s\]', 'a progress bar')]:
                m = re.search(bad, info['code'] + '\n' + info['text'], re.M)
                if m: problems.append(f'{page}: shows {what}: {m.group(0)!r}')
        if page == 'index.html':
            order = [urlparse(h).path.lstrip('/') or 'index.html' for h in info['sidebar']]
            order = [o for o in order if o in chapters + ['reproduce.html']]
            if order != [c for c in chapters if c != 'index.html'] + ['reproduce.html']:
                problems.append(f'index.html: sidebar not in reading order: {order}')
    # every internal link: the page exists and its #anchor is an element id there
    checked = {}
    for page, link in wanted:
        target, frag = urldefrag(link)
        path = urlparse(target).path.lstrip('/') or 'index.html'
        if path.endswith('/'): path += 'index.html'
        if path not in checked:
            try:
                with urlopen(urljoin(server, path)) as r: checked[path] = r.status == 200
            except Exception: checked[path] = False
        if not checked[path]: problems.append(f'{page}: broken link {link}'); continue
        if frag and path in ids and frag not in ids[path]: problems.append(f'{page}: broken anchor {link}')
        elif frag and frag in dups.get(path, ()): problems.append(f'{page}: ambiguous anchor {link} (several elements have that id)')
    assert not problems, f'{len(problems)} problems:\n' + '\n'.join(sorted(set(problems))[:80])

@needs_chromium
def test_search_and_screenshots(site, server, browser):
    "Screenshots of a model chapter and the reproduction page; the search page finds a name documented there."
    model = 'hemogat.html' if (site/'hemogat.html').exists() else next(
        p.name for p in sorted(site.glob('*.html')) if 'register_model' in p.read_text() or '_images/' in p.read_text())
    out = os.environ.get('DOCS_SCREENSHOT_DIR')
    for page in (model, 'reproduce.html'):
        browser.get(urljoin(server, page)); _wait_ready(browser)
        h1 = browser.execute_script("return (document.querySelector('article h1') || {}).innerText || ''")
        assert h1.strip(), f'{page} has no title heading'
        if out:
            Path(out).mkdir(parents=True, exist_ok=True)
            browser.save_screenshot(str(Path(out)/page.replace('.html', '.png')))
    browser.get(urljoin(server, model)); _wait_ready(browser)
    name = browser.execute_script("return Array.from(document.querySelectorAll('article h3')).map(h => h.innerText.replace(/[#¶]/g, '').trim())"
                                  ".find(t => /^[A-Za-z_][A-Za-z0-9_]{5,}$/.test(t)) || ''")
    assert name, f'no documented name (h3) on {model}'
    browser.get(urljoin(server, f'search.html?q={name}')); _wait_ready(browser)
    t, hits = time.time(), []
    while time.time() - t < 20 and not hits:
        hits = browser.execute_script("return Array.from(document.querySelectorAll('#search-results li a')).map(a => a.href)"); time.sleep(0.2)
    assert any(model in h for h in hits), f'search for {name!r} did not find {model}: {hits[:5]}'
    assert not [e for e in browser.get_log('browser') if e['level'] == 'SEVERE']

def test_results_files_and_reproduction_page(tmp_path):
    "write_result/read_results round-trip; a matching results file fills a paper figure, else 'not yet measured'."
    import shutil, reproduce_page
    sys.path.insert(0, str(ROOT/'benchmarks'))
    from _results import write_result, read_results, validate
    root = tmp_path/'proj'; (root/'docs').mkdir(parents=True); (root/'benchmarks'/'results').mkdir(parents=True)
    shutil.copy(ROOT/'docs'/'paper_figures.yaml', root/'docs')
    shutil.copy(ROOT/'benchmarks'/'_results.py', root/'benchmarks')
    page = reproduce_page.render(root)
    assert '74.9 | *not yet measured*' in page                          # the gated-fusion headline, nothing measured
    write_result('gated_fusion_iemocap', command='mmser train --config x.yaml', corpus='iemocap', protocol='iemocap4_session2',
                 model='gated_fusion', metrics={'accuracy': {'mean': 0.7012, 'std': 0.01, 'n': 5}}, out_dir=root/'benchmarks'/'results')
    recs = read_results(root/'benchmarks'/'results')
    assert len(recs) == 1 and recs[0]['metrics']['accuracy']['mean'] == 0.7012 and recs[0]['_file'] == 'gated_fusion_iemocap.json'
    page = reproduce_page.render(root)
    assert '| 74.9 | **70.1 ± 1.0 (n=5)** `gated_fusion`' in page, page                 # in the paper's units (percent)
    write_result('other', command='python benchmarks/other.py', corpus='iemocap', protocol='iemocap4_loso5', model='gated_fusion',
                 metrics={'accuracy': 0.5}, out_dir=root/'benchmarks'/'results')
    assert 'accuracy 0.500' in reproduce_page.render(root).split('## Our other measured figures')[1]   # another protocol: listed apart
    for bad in [dict(metrics={}), dict(metrics={'accuracy': float('nan')}), dict(metrics={'accuracy': {'std': 1}})]:
        with pytest.raises(ValueError): validate({**recs[0], **bad})
    for p in sorted((ROOT/'benchmarks'/'results').glob('*.json')): validate(json.loads(p.read_text()))   # the committed ones

@needs_chromium
def test_math_is_typeset(site, server, browser):
    "Every page whose notebook holds $$ formulas shows them typeset by the site's own MathJax (no CDN), not as raw TeX."
    import build_docs
    nbs = build_docs.discover(ROOT/'nbs'); names = build_docs.page_names(nbs)
    pages = [names[p.stem] + '.html' for p in nbs if '$$' in p.read_text(encoding='utf-8')]
    assert pages, 'no chapter has a displayed formula: this test checks nothing'
    for page in pages:
        browser.get(urljoin(server, page)); _wait_ready(browser)
        t, n = time.time(), 0
        while time.time() - t < 20 and not n:
            n = browser.execute_script("return document.querySelectorAll('mjx-container').length"); time.sleep(0.2)
        assert n, f'{page}: no typeset formula (MathJax did not run)'
        text = browser.execute_script("return document.querySelector('article').innerText")
        assert '$$' not in text, f'{page}: shows raw $$ TeX'
        srcs = browser.execute_script("return Array.from(document.scripts).map(s => s.src).filter(s => /mathjax/i.test(s))")
        assert srcs and all(urlparse(s).netloc == urlparse(server).netloc for s in srcs), f'{page}: MathJax not served by the site: {srcs}'

def test_run_all_on_cpu(tmp_path):
    "JupyterLab's Run All (nbconvert --execute, every cell) of a chapter with a `#| gpu` cell works; without CUDA the cell says why it skips."
    import subprocess, sys, json, torch
    nb = ROOT/'nbs'/'00d_knn_search.ipynb'
    r = subprocess.run([sys.executable, '-m', 'jupyter', 'nbconvert', '--execute', '--to', 'notebook', '--output-dir', str(tmp_path), str(nb)],
                       capture_output=True, text=True, cwd=ROOT, env={**os.environ, 'HF_HUB_OFFLINE': '1', 'TRANSFORMERS_OFFLINE': '1'})
    assert r.returncode == 0, r.stderr[-3000:]
    cells = json.loads((tmp_path/nb.name).read_text())['cells']
    gpu = [c for c in cells if c['cell_type'] == 'code' and '#| gpu' in ''.join(c['source'])]
    assert gpu, 'the chapter has no #| gpu cell any more: pick another'
    if not torch.cuda.is_available():                                   # on a CUDA machine the cell ran its GPU check instead
        assert all('skipped' in ''.join(o.get('text', '')) for c in gpu for o in c['outputs']), [c['outputs'] for c in gpu]
