"""Time per epoch of a small MLP on cached utterance vectors: `mmser_nb.trainer.Trainer` vs a bare PyTorch loop.

Both run in this process on the same data (N × D float32 vectors with a learnable 4-class target), the
same model class and initial weights, the same batch size, optimizer (AdamW), thread count and the same
per-epoch work: one shuffled training pass plus one validation pass scored with balanced accuracy.
The trainer adds what it always does: DataLoader + Accelerate's loader wrapper, `Batch` moves,
per-epoch re-seeding, the full metric set, best-weights bookkeeping and history.
Runs alternate (bare, trainer, bare, trainer, …) so that machine load hits both alike; the median
per-epoch time of each is compared.

    python benchmarks/trainer_overhead.py                       # 50,000 × 768, batch 256, 3 repeats × 3 epochs
    python benchmarks/trainer_overhead.py --n 5000 --repeats 2  # quick
"""
import argparse, os, resource, statistics, time

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm
from sklearn.metrics import balanced_accuracy_score

from mmser_nb.core import Batch
from mmser_nb.trainer import Trainer, TrainSettings
from mmser_nb.testing import _ToyMLP
from mmser_nb.views import VectorDataset


def make_data(n, d, c, seed):
    "Gaussian vectors whose class is the arg-max of a fixed random projection (learnable signal)."
    rng = np.random.default_rng(seed)
    W = np.random.default_rng(0).normal(size=(d, c)).astype(np.float32)
    x = rng.normal(size=(n, d)).astype(np.float32)
    return x, (x @ W).argmax(1).astype(np.int64)


def bare_epochs(model, x, y, xv, yv, epochs, bs, lr, seed):
    "A plain loop: shuffled index batches, forward, cross-entropy, backward, AdamW step; then a validation pass."
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    X, Y, XV = torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(xv)
    g = torch.Generator().manual_seed(seed)
    times, cpu = [], []
    for _ in range(epochs):
        t0, c0 = time.perf_counter(), time.process_time()
        model.train()
        perm = torch.randperm(len(X), generator=g)
        for i in range(0, len(X), bs):
            idx = perm[i:i + bs]
            out = model(Batch(audio=X[idx]))
            loss = F.cross_entropy(out.logits, Y[idx])
            opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
        model.eval()
        with torch.no_grad(): pred = torch.cat([model(Batch(audio=XV[i:i + bs])).logits for i in range(0, len(XV), bs)]).argmax(1)
        balanced_accuracy_score(yv, pred.numpy())
        times.append(time.perf_counter() - t0); cpu.append(time.process_time() - c0)
    return times, cpu


def trainer_epochs(model, train, val, epochs, bs, lr, seed):
    "The same work through `Trainer.fit` (fit time divided by epochs, setup included)."
    st = TrainSettings(epochs=epochs, batch_size=bs, lr=lr, seed=seed, progress=False)
    t0, c0 = time.perf_counter(), time.process_time()
    tr = Trainer(model, st, task='single_label', classes=['a', 'b', 'c', 'd'])
    h = tr.fit(train, val)
    total, ctotal = time.perf_counter() - t0, time.process_time() - c0
    return [total / epochs] * epochs, [ctotal / epochs] * epochs, list(h.seconds), float(h.val_balanced_accuracy.iloc[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--n', type=int, default=50_000, help='training vectors')
    ap.add_argument('--n-val', type=int, default=5_000, help='validation vectors')
    ap.add_argument('--dim', type=int, default=768)
    ap.add_argument('--hidden', type=int, default=256)
    ap.add_argument('--batch', type=int, default=256)
    ap.add_argument('--epochs', type=int, default=3, help='epochs per repeat')
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--lr', type=float, default=1e-3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    x, y = make_data(a.n, a.dim, 4, 1); xv, yv = make_data(a.n_val, a.dim, 4, 2)
    train = VectorDataset({'audio': x}, y, [f't{i}' for i in range(a.n)])
    val = VectorDataset({'audio': xv}, yv, [f'v{i}' for i in range(a.n_val)])
    print(f"data: {a.n:,} × {a.dim} train, {a.n_val:,} val; MLP hidden {a.hidden}; batch {a.batch}; "
          f"threads {torch.get_num_threads()}; {a.repeats} repeats × {a.epochs} epochs; load avg {os.getloadavg()[0]:.1f}")
    torch.manual_seed(0); init = _ToyMLP(a.dim, 4, a.hidden).state_dict()
    def fresh():
        m = _ToyMLP(a.dim, 4, a.hidden); m.load_state_dict(init); return m
    trainer_epochs(fresh(), VectorDataset({'audio': x[:2048]}, y[:2048]), VectorDataset({'audio': xv[:512]}, yv[:512]), 1, a.batch, a.lr, 0)  # warm-up (imports)
    bare, bare_cpu, trn, trn_cpu, trn_loop, acc = [], [], [], [], [], None
    for r in tqdm(range(a.repeats), desc='repeats'):
        t, c = bare_epochs(fresh(), x, y, xv, yv, a.epochs, a.batch, a.lr, r); bare += t; bare_cpu += c
        t, c, loop, acc = trainer_epochs(fresh(), train, val, a.epochs, a.batch, a.lr, r)
        trn += t; trn_cpu += c; trn_loop += loop
    mb, mt, ml = statistics.median(bare), statistics.median(trn), statistics.median(trn_loop)
    cb, ct = statistics.median(bare_cpu), statistics.median(trn_cpu)
    print(f"bare loop   : {mb:.3f} s/epoch (median of {len(bare)}; min {min(bare):.3f}, max {max(bare):.3f})")
    print(f"Trainer     : {mt:.3f} s/epoch (fit time / epochs, setup included; min {min(trn):.3f}, max {max(trn):.3f})")
    print(f"  per-epoch loop time from history: {ml:.3f} s/epoch")
    print(f"overhead    : {100 * (mt - mb) / mb:+.1f} % (fit) , {100 * (ml - mb) / mb:+.1f} % (epoch loop)   target <= 10 %")
    print(f"CPU time    : bare {cb:.3f} s/epoch, Trainer {ct:.3f} s/epoch -> overhead {100 * (ct - cb) / cb:+.1f} % "
          f"(process CPU seconds: robust to other jobs on the machine)")
    print(f"throughput  : bare {a.n / mb:,.0f} vectors/s, Trainer {a.n / mt:,.0f} vectors/s; final val UA {acc:.3f}")
    print(f"peak RSS    : {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == '__main__':
    main()
