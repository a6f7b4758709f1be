"""HemoGAT speed on synthetic MELD-shaped features, one thread.

Shapes: train/val/test = 9,988 / 1,108 / 2,610 utterances, 768-d text + 768-d audio, 7 classes
(MELD's class shares), features with signal. Prints:

* graph construction: ours (blockwise matmul + top-k; exact, and with int8 candidates + float32 re-ranking,
  approximate, with its recall of the exact neighbours) vs a step-for-step re-implementation of the
  official `build_dual_knn_graph_cosine` (per node and modality one matrix-vector product, a full argsort,
  Python set inserts), timed in the same process on the same features; only same-run ratios are printed
  (`--graph-only`: just this comparison);
* the official-size model (preset 'official', 11.57 M parameters) with each GAT implementation
  (`gat_impl='sparse'`, our CSR aggregation, and `'pyg'`, PyG's GATConv), each in a fresh subprocess so
  that its peak RSS is its own: seconds per epoch (one full-batch training step + a validation forward,
  through the shared Trainer), share of the matmul bound, peak RSS (data + training), test inference seconds;
* FLOPs of one training step (matmuls: linear layers, GAT projections, attention), the machine's
  dense sgemm rate (2048×2048, same thread count, measured after every epoch), and the ratio = achieved
  share of the matmul bound (median over epochs, each against the sgemm rate of its own moment);
* the corrected model with its graph stream on, 128 wide (the layout of the figures in 02_hemogat; the default is now
  512 wide and runs no GAT on graphs without dialogue edges): seconds per epoch and validation accuracy vs the official one,
  both trained the same number of epochs on the same data;
* graph construction time/memory for 10^5 nodes (--big; 0 skips it).

    python benchmarks/hemogat_speed.py                 # all of it (~10-15 min on one core)
    python benchmarks/hemogat_speed.py --big 0         # without the 10^5-node graph (~7 min)
    python benchmarks/hemogat_speed.py --impls sparse  # time only our GAT layer at official size
    python benchmarks/hemogat_speed.py --quick         # smaller shapes, for a smoke test
"""
import argparse, os, sys, json, subprocess, time, resource, math, gc, warnings
for _v in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'): os.environ.setdefault(_v, '1')   # numpy's BLAS: one thread too
# Times are CPU seconds of this process (time.process_time) with one thread, alongside wall seconds:
# on a shared machine the wall clock also counts time the process waited for a core.
import numpy as np

os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
warnings.filterwarnings('ignore')

def rss_mib(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

MELD_SHARES = np.array([4709, 1743, 1109, 683, 271, 268, 1205]) / 9988

def meld_like(n_train, n_val, n_test, d=768, n_classes=7, snr=None, seed=0):
    "768-d text/audio features with a weak class signal, MELD class shares, a shared offset (high mean cosine like BERT)."
    rng = np.random.default_rng(seed)
    n = n_train + n_val + n_test
    y = rng.choice(n_classes, size=n, p=MELD_SHARES[:n_classes] / MELD_SHARES[:n_classes].sum())
    feats = {}
    snr = snr or {'text': 0.05, 'audio': 0.04}          # class-centre scale per dimension (noise = 1): a learnable but not trivial signal
    for m, off in (('text', 2.0), ('audio', 0.8)):
        centres = rng.normal(size=(n_classes, d)).astype(np.float32) * snr[m]
        base = rng.normal(size=d).astype(np.float32) * off   # shared offset: high mean pairwise cosine, as with BERT features
        feats[m] = (base + centres[y] + rng.normal(size=(n, d)).astype(np.float32)).astype(np.float32)
    splits = {'train': np.arange(n_train), 'val': n_train + np.arange(n_val), 'test': n_train + n_val + np.arange(n_test)}
    return feats, y, splits

def official_dual_knn_graph(text, audio, k_text:int=2, k_audio:int=8):
    """The official `build_dual_knn_graph_cosine`, re-implemented step for step: L2-normalise each modality; then for
    every node i: its self loop, per modality one matrix-vector product (similarities of i to every node), a full
    argsort of the negated similarities, positions 1..k of it inserted as edges (i, j) into one Python set.
    Returns the (2, E) edge index (rows sorted, since a set's order is arbitrary; the edge set is the same)."""
    import torch
    unit = lambda x: x / np.clip(np.linalg.norm(x, axis=1, keepdims=True), 1e-10, None)
    t, a = unit(np.asarray(text, np.float32)), unit(np.asarray(audio, np.float32))
    edges = set()
    for i in range(len(t)):
        edges.add((i, i))
        for x, k in ((t, k_text), (a, k_audio)):
            order = np.argsort(-np.dot(x, x[i]))
            for j in order[1:k + 1]: edges.add((i, j))
    return torch.tensor(sorted(edges), dtype=torch.long).T

def graph_speed(a, feats, tr):
    "The official construction and ours on the same training features, in this process: CPU-s and same-run ratios."
    import torch
    from mmser_nb.graphs import build_utterance_graph, to_flat
    n = len(tr) if not a.quick else min(len(tr), a.official_subset)
    f = {m: v[tr[:n]] for m, v in feats.items()}
    c = time.process_time(); e_off = official_dual_knn_graph(f['text'], f['audio']); t_off = time.process_time() - c
    t = {}
    for prec in ('float32', 'int8'):
        c = time.process_time()
        g = build_utterance_graph(f, {'text': 2, 'audio': 8}, direction='official', block=a.block, precision=prec)
        ei = to_flat(g).edge_index; t[prec] = time.process_time() - c
        if prec == 'float32': a_, b_ = {tuple(x) for x in e_off.T.tolist()}, {tuple(x) for x in ei.T.tolist()}; diff = len(a_ ^ b_)
    print(f"graph construction, {n} nodes, text k=2 + audio k=8, one process, {torch.get_num_threads()} thread(s): "
          f"official step for step {t_off:.2f} CPU-s ({e_off.shape[1]:,} edges); ours exact {t['float32']:.2f} CPU-s "
          f"(edges in one set but not the other: {diff}); ours int8 candidates {t['int8']:.2f} CPU-s")
    print(f"graph construction speed-up (same run): official / ours exact = {t_off / t['float32']:.1f}x, official / ours int8 = {t_off / t['int8']:.1f}x")
    return {'graph_nodes': n, 'official_cpu_s': t_off, 'ours_exact_cpu_s': t['float32'], 'ours_int8_cpu_s': t['int8'],
            'speedup_exact': t_off / t['float32'], 'speedup_int8': t_off / t['int8']}

def sgemm_rate(n=2048, reps=3):
    "Dense float32 matmul rate, FLOP per CPU second of this process (CPU time: robust to other load on the machine)."
    import torch
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    t, c = time.perf_counter(), time.process_time()
    for _ in range(reps): a @ b
    return 2 * n**3 * reps / (time.process_time() - c), 2 * n**3 * reps / (time.perf_counter() - t)

from mmser_nb.trainer import Callback

class EpochClock(Callback):
    """Trainer callback: wall and CPU seconds of every epoch (training step + validation); with `sgemm=True` also the
    machine's sgemm rate right after each epoch (outside its timing), so that each epoch is compared with the matmul
    rate of its own moment: on a shared machine the rate drifts by 10-20 % within minutes."""
    def __init__(self, sgemm:bool=False): self.wall, self.cpu, self.sgemm, self.measure = [], [], [], sgemm
    def on_epoch_start(self, tr, epoch): self._t, self._c = time.perf_counter(), time.process_time()
    def on_epoch_end(self, tr, epoch, logs):
        self.wall.append(time.perf_counter() - self._t); self.cpu.append(time.process_time() - self._c)
        if self.measure: self.sgemm.append(sgemm_rate()[0])
    def _steady(self, x): return np.array(x[1:] if len(x) > 1 else x)   # the first epoch warms up
    def median(self): return float(np.median(self._steady(self.wall))), float(np.median(self._steady(self.cpu)))
    def median_ratio(self, flops:float)->float:
        "Median over epochs of (matmul bound at that epoch's sgemm rate) / (its CPU seconds)."
        return float(np.median(flops / self._steady(self.sgemm) / self._steady(self.cpu)))

def step_flops(cfg, n, e, heads_edges=True):
    """Matmul FLOPs (2 per multiply-add) of one forward pass of the official-layout model on n nodes / e edges
    (e includes self loops added by GATConv); a training step = 3× forward (backward ≈ 2× forward)."""
    h, H, C = cfg.hidden, cfg.heads, cfg.n_classes
    f = 0
    f += sum(2 * n * getattr(cfg, f'd_{m}') * h for m in cfg.modalities)              # projections
    nl = max(2, cfg.num_layers)
    dims = [(h * len(cfg.modalities), H, h)] + [(h * H, H, h)] * (nl - 2) + [(h * H, 1, h)]
    for ni, hh, c in dims:
        f += 2 * n * ni * hh * c                                                      # GAT linear projection
        f += 2 * n * hh * c * 2                                                       # alpha_src / alpha_dst dot products
        f += 2 * e * hh * c                                                           # messages: alpha * x_j, summed
    if cfg.cmt == 'official':
        f += 2 * (4 * 2 * n * h * h + 2 * n * h * h + 2 * 2 * n * h)                  # 2 blocks: q,k,v,out proj + Linear + tiny attention
    f += 2 * n * (3 * h) * (cfg.head_hidden or h) + 2 * n * (cfg.head_hidden or h) * C  # head
    return f

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--quick', action='store_true', help='small shapes (smoke test)')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--epochs', type=int, default=5, help='timed epochs of the official-size model (the first is not counted)')
    ap.add_argument('--compare-epochs', type=int, default=12, help='epochs for the corrected-vs-official accuracy comparison')
    ap.add_argument('--official-subset', type=int, default=3000, help='with --quick: nodes to time the graph constructions on')
    ap.add_argument('--official-full', action='store_true', help='(kept for old command lines: the official construction is always timed on all training nodes, except with --quick)')
    ap.add_argument('--graph-only', action='store_true', help='only the graph construction: the official one step for step vs ours, same process')
    ap.add_argument('--big', type=int, default=100_000, help='nodes for the large graph-construction run (0 = skip)')
    ap.add_argument('--block', type=int, default=2048, help='rows and columns per score block in our kNN search')
    ap.add_argument('--only-big', action='store_true', help='only the 10^5-node graph construction')
    ap.add_argument('--big-int8', type=int, default=1, help='also build the 10^5-node graph with int8 candidates (1) or not (0)')
    ap.add_argument('--impls', default='sparse,pyg', help="GAT implementations to time at official size (comma-separated)")
    ap.add_argument('--train-only', default=None, help=argparse.SUPPRESS)   # child mode: one implementation, prints JSON
    a = ap.parse_args()
    import torch
    torch.set_num_threads(a.threads)
    from mmser_nb.hemogat import HemoGAT, hemogat_config, hemogat_data, fit_hemogat
    from mmser_nb.graphs import build_utterance_graph, topk_neighbors, to_flat
    from mmser_nb.core import Batch
    if a.only_big: return big_graph(a)
    if a.train_only: return official_training(a, a.train_only)
    if a.graph_only:
        feats, y, splits = meld_like(*((1000, 150, 300) if a.quick else (9988, 1108, 2610)))
        r = graph_speed(a, feats, splits['train'])
        print('RESULT ' + ' '.join(f'{k}={v:.4f}' if isinstance(v, float) else f'{k}={v}' for k, v in r.items())); return
    sizes = (1000, 150, 300) if a.quick else (9988, 1108, 2610)
    print(f"threads {torch.get_num_threads()}, torch {torch.__version__}, shapes train/val/test {sizes}, 768-d text+audio, 7 classes")
    feats, y, splits = meld_like(*sizes)
    tr = splits['train']

    # --- graph construction: ours -------------------------------------------------------------
    c = time.process_time()
    g = build_utterance_graph({m: v[tr] for m, v in feats.items()}, {'text': 2, 'audio': 8}, direction='official', block=a.block)
    t_ours = time.process_time() - c
    c = time.process_time()
    cfg_off = hemogat_config('official', n_classes=7)
    data_off = hemogat_data(feats, y, splits, cfg_off)        # per-split transductive graphs, flat
    t_ours_all = time.process_time() - c
    n_edges = data_off['train'].graph.edge_index.shape[1]
    print(f"graph (ours, train {sizes[0]} nodes, text k=2 + audio k=8): {t_ours:.2f} CPU-s; all three split graphs: {t_ours_all:.2f} CPU-s; "
          f"train edges {n_edges:,} (incl. self loops)")
    c = time.process_time()
    g8 = build_utterance_graph({m: v[tr] for m, v in feats.items()}, {'text': 2, 'audio': 8}, direction='official', block=a.block,
                               precision='int8')
    t_int8 = time.process_time() - c
    kn = lambda g, m, k: g['utt', f'{m}_knn', 'utt'].edge_index[1, :len(tr) * k].view(len(tr), k)   # 'official': row 1 = the neighbour
    rec = {m: recall(kn(g, m, k), kn(g8, m, k)) for m, k in (('text', 2), ('audio', 8))}
    print(f"graph with int8 candidates (approximate, float32 re-ranking): {t_int8:.2f} CPU-s = {t_ours/t_int8:.1f}x the exact search; "
          f"recall of the exact neighbours: text {rec['text']:.5f}, audio {rec['audio']:.5f}")
    del g8
    # the exact search cannot beat its own matmul: N(N+block)/2 dot products of 768-d per modality (one triangle of blocks)
    sg, _ = sgemm_rate()
    floor = 2 * 2 * (sizes[0] * (sizes[0] + a.block) / 2) * 768 / sg
    print(f"graph matmul floor at this core's sgemm rate ({sg/1e9:.0f} GFLOP/CPU-s): {floor:.2f} CPU-s for the train graph "
          f"; ours is at {floor/t_ours:.0%} of that floor")

    # --- official-size model, per GAT implementation, each in a fresh process -----------------
    off = {}
    for impl in a.impls.split(','):
        cmd = [sys.executable, os.path.abspath(__file__), '--train-only', impl, '--threads', str(a.threads), '--epochs', str(a.epochs)]
        if a.quick: cmd.append('--quick')
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode: raise SystemExit(f"child for gat_impl={impl!r} failed:\n{r.stderr[-3000:]}")
        off[impl] = res_ = json.loads(r.stdout.strip().splitlines()[-1])
        print(f"official-size, gat_impl={impl!r} ({res_['params']:,} parameters): {res_['s_epoch']:.2f} CPU-s/epoch ({res_['s_wall']:.2f} s wall; "
              f"median of {a.epochs}: 1 full-batch step + val forward); FLOPs/epoch {res_['flops']/1e9:.1f} G; sgemm {res_['sgemm']/1e9:.1f} GFLOP/CPU-s "
              f"-> matmul bound {res_['bound']:.2f} s, achieved {res_['ratio']:.0%}; peak RSS {res_['peak_mib']:.0f} MiB "
              f"(after data {res_['rss_data_mib']:.0f} MiB); test inference {res_['inf']:.2f} CPU-s, inductive {res_['inf_ind']:.2f} CPU-s; "
              f"one new utterance (predict_new, receptive field): {res_['one_utt']*1e3:.0f} ms vs {res_['one_full']:.2f} s on the whole bank graph")
    if len(off) == 2:
        s_, p_ = off['sparse'], off['pyg']
        print(f"sparse vs pyg: {p_['s_epoch']/s_['s_epoch']:.2f}x faster per epoch, peak RSS {s_['peak_mib']:.0f} vs {p_['peak_mib']:.0f} MiB "
              f"({s_['peak_mib']/p_['peak_mib']:.0%}); vs the official code's 6.5 GB: {s_['peak_mib']/(6.5*1024):.0%}")
    del g; gc.collect()

    # --- corrected (128 wide, graph stream on) vs official: s/epoch and val accuracy -------------
    res = {}
    for name, cfg, lr in (('official', cfg_off, 1e-4),          # both with the default gat_impl='sparse'
                          ('corrected', hemogat_config(n_classes=7, hidden=128, dropout=0.5, proj_norm='batch', input_norm='none', use_graph=True), 1e-3)):
        d = data_off if name == 'official' else hemogat_data(feats, y, splits, cfg)
        torch.manual_seed(0); clock = EpochClock()
        tro = fit_hemogat(HemoGAT(cfg), d, list(range(7)), callbacks=[clock], epochs=a.compare_epochs, lr=lr, weight_decay=5e-4,
                          optimizer='adam', seed=0, select_metric='accuracy')
        h = tro.history
        res[name] = (clock.median()[1], float(h.val_accuracy.max()), float(h.val_weighted_f1.max()))
        print(f"{name:9s}: {res[name][0]:.2f} CPU-s/epoch, best val accuracy {res[name][1]:.4f}, weighted F1 {res[name][2]:.4f} "
              f"({a.compare_epochs} epochs, lr {lr:g})")
        del tro; gc.collect()
    print(f"corrected vs official: {res['official'][0]/res['corrected'][0]:.1f}x faster per epoch, "
          f"val accuracy {res['corrected'][1]:.4f} vs {res['official'][1]:.4f}")
    print(f"peak RSS of this (parent) process so far: {rss_mib():.0f} MiB (the official-size runs above: their own processes)")

    # --- official construction, same process ---------------------------------------------------
    graph_speed(a, feats, tr)

    # --- 10^5 nodes ---------------------------------------------------------------------------
    if a.big:
        del feats, data_off; gc.collect()
        big_graph(a)

def official_training(a, impl):
    "Child process: build the official per-split graphs, train the official-size model with `gat_impl=impl`; print one JSON line."
    import torch
    from mmser_nb.hemogat import HemoGAT, hemogat_config, hemogat_data, fit_hemogat
    sizes = (1000, 150, 300) if a.quick else (9988, 1108, 2610)
    feats, y, splits = meld_like(*sizes)
    cfg = hemogat_config('official', n_classes=7, gat_impl=impl)
    data = hemogat_data(feats, y, splits, cfg)
    rss_data = rss_mib()
    torch.manual_seed(0)
    model = HemoGAT(cfg)
    clock = EpochClock(sgemm=True)
    fit_hemogat(model, data, list(range(7)), callbacks=[clock], epochs=a.epochs, lr=1e-4, weight_decay=5e-4, optimizer='adam', seed=0)
    s_wall, s_epoch = clock.median()
    e_tr, e_val = data['train'].graph.edge_index.shape[1], data['val'].graph.edge_index.shape[1]
    flops = 3 * step_flops(cfg, sizes[0], e_tr) + step_flops(cfg, sizes[1], e_val)
    sg, ratio = float(np.median(clock._steady(clock.sgemm))), clock.median_ratio(flops)
    peak = rss_mib()
    model.eval()
    b = next(iter(data['test']))
    with torch.no_grad():
        model(b); c = time.process_time(); model(b); inf = time.process_time() - c
    bi = next(iter(hemogat_data(feats, y, splits, cfg.replace(inductive=True))['test']))
    with torch.no_grad():
        c = time.process_time(); model(bi); inf_ind = time.process_time() - c
    # one new utterance against the 9,988-node bank (the training graph built once): predict_new runs its receptive field only
    from mmser_nb.graphs import build_utterance_graph
    from mmser_nb.hemogat import predict_new
    tr_f = {m: feats[m][splits['train']] for m in cfg.modalities}
    bank = build_utterance_graph(tr_f, cfg.k, direction='receive')
    one = {m: feats[m][splits['test'][:1]] for m in cfg.modalities}
    predict_new(model, tr_f, one, train_graph=bank)
    c = time.process_time()
    for i in range(20): predict_new(model, tr_f, {m: feats[m][splits['test'][i:i+1]] for m in cfg.modalities}, train_graph=bank)
    one_utt = (time.process_time() - c) / 20
    c = time.process_time(); predict_new(model, tr_f, one, train_graph=bank, neighbourhood=False); one_full = time.process_time() - c
    print(json.dumps(dict(impl=impl, one_utt=one_utt, one_full=one_full, params=sum(p.numel() for p in model.parameters()), s_epoch=s_epoch, s_wall=s_wall, flops=flops,
                          sgemm=sg, bound=flops / sg, ratio=ratio, peak_mib=peak, rss_data_mib=rss_data, inf=inf, inf_ind=inf_ind)))

def recall(exact_idx, approx_idx):
    "Share of the exact neighbours that the approximate search returned."
    return float((exact_idx[:, :, None] == approx_idx[:, None, :]).any(-1).float().mean())

def big_graph(a):
    "Graph construction time and memory at `a.big` nodes (768-d text + audio, k 2/8): exact, then int8 candidates."
    import torch
    from mmser_nb.graphs import build_utterance_graph
    rng = np.random.default_rng(1)
    big = {m: rng.standard_normal(size=(a.big, 768), dtype=np.float32) for m in ('text', 'audio')}   # no float64 temporary
    r0 = rss_mib(); graphs = {}
    for precision in ('float32', 'int8') if a.big_int8 else ('float32',):
        t, c = time.perf_counter(), time.process_time()
        graphs[precision] = gb = build_utterance_graph(big, {'text': 2, 'audio': 8}, block=a.block, precision=precision)
        tb, cb = time.perf_counter() - t, time.process_time() - c
        ne = sum(gb[et].edge_index.shape[1] for et in gb.edge_types)
        print(f"10^5-node graph ({a.big:,} nodes, 768-d text+audio, block {a.block}, {precision}): {cb:.1f} CPU-s ({tb:.1f} s wall), {ne:,} edges; "
              f"peak RSS {rss_mib():.0f} MiB (features alone {2*a.big*768*4/2**20:.0f} MiB; RSS before {r0:.0f} MiB); "
              f"scratch per score block = {a.block}x{a.block} = {a.block*a.block*4/2**20:.0f} MiB", flush=True)
    if len(graphs) == 2:
        for m, k in (('text', 2), ('audio', 8)):
            e = lambda g: g['utt', f'{m}_knn', 'utt'].edge_index[0, :a.big * k].view(a.big, k)   # the kNN part, before the self loops
            print(f"  int8 recall of the exact {m} neighbours: {recall(e(graphs['float32']), e(graphs['int8'])):.5f}")

if __name__ == '__main__': main()
