"""Training throughput of Rajan et al.'s Self and Cross attention-fusion models at the paper's input sizes.

One training step = forward + cross-entropy + backward + Adam update on a batch of the paper's shapes:
audio (B, 1000, 120) MFCC+delta+delta-delta frames, text (B, 128, 300) GloVe words, video (B, 32, 2048)
ResNet-101 frames, 7 classes, batch 32 (the release's batch size). Real lengths are drawn between half and
all of each maximum, so that masking and packing do their real work. Throughput = utterances per second
over the timed steps (after warm-up steps), on one torch thread and on every core, and on the GPU when
one is present. The corrected default models give the RESULT keys; the `official` preset (the released
geometry) is measured beside them for comparison.

    python benchmarks/attention_throughput.py            # full run
    python benchmarks/attention_throughput.py --quick    # smoke run: small shapes, one timed step
"""
import argparse, os, resource, time
os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
import torch
import torch.nn.functional as F

PAPER = dict(audio=(1000, 120), text=(128, 300), vision=(32, 2048))
QUICK = dict(audio=(100, 120), text=(16, 300), vision=(8, 2048))

def make_batch(shapes:dict, B:int, n_classes:int, seed:int=0, device='cpu'):
    from mmser_nb.core import Batch
    g = torch.Generator().manual_seed(seed)
    b = Batch(ids=[str(i) for i in range(B)], labels=torch.randint(0, n_classes, (B,), generator=g))
    for m, (T, D) in shapes.items():
        L = torch.randint(T // 2, T + 1, (B,), generator=g)
        mask = torch.arange(T) < L.unsqueeze(1)
        b[m] = torch.randn(B, T, D, generator=g) * mask.unsqueeze(-1)
        b[f'{m}_mask'] = mask
    return b.to(device)

def throughput(name:str, preset:str, shapes:dict, B:int, steps:int, warmup:int, device='cpu')->float:
    "Utterances per second of full training steps of model `name` (preset `preset`)."
    from mmser_nb.core import build_model
    import mmser_nb.cross_self_attention  # registers the models
    torch.manual_seed(0)
    over = {}
    if preset == 'official':   # the released geometry pads to fixed lengths: use the benchmark's maxima
        over = dict(time_audio=shapes['audio'][0], time_out_audio=shapes['audio'][0] // 2,
                    time_vision=shapes['vision'][0], time_out_vision=max(1, shapes['vision'][0] * 25 // 32), time_text=shapes['text'][0])
    model = build_model(name, preset=preset, **over).to(device).train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batch = make_batch(shapes, B, model.config.n_classes, device=device)
    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(batch).logits, batch['labels'])
        loss.backward(); opt.step()
    sync = torch.cuda.synchronize if device == 'cuda' else (lambda: None)
    for _ in range(warmup): step()
    sync(); t0 = time.perf_counter()
    for _ in range(steps): step()
    sync(); dt = time.perf_counter() - t0
    return B * steps / dt

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--quick', action='store_true', help='smoke run: small shapes, batch 4, one timed step, no official-preset comparison')
    ap.add_argument('--batch-size', type=int, default=32)
    ap.add_argument('--steps', type=int, default=5, help='timed training steps per measurement')
    ap.add_argument('--warmup', type=int, default=2, help='untimed steps first')
    ap.add_argument('--no-official', action='store_true', help='skip the official-preset comparison')
    a = ap.parse_args()
    shapes, B, steps, warmup = (QUICK, 4, 1, 1) if a.quick else (PAPER, a.batch_size, a.steps, a.warmup)
    if a.quick: a.no_official = True
    from tqdm.auto import tqdm
    n_all = os.cpu_count() or 1
    print(f"shapes {shapes}, batch {B}, {steps} timed steps after {warmup} warm-up; torch {torch.__version__}, {n_all} cores")
    jobs = [(t, k, p) for t in (1, n_all) for p in (['corrected'] + ([] if a.no_official else ['official'])) for k in ('self', 'cross')]
    res = {}
    for threads, kind, preset in tqdm(jobs, desc='measurements'):
        torch.set_num_threads(threads)
        res[(kind, preset, threads)] = r = throughput(f'{kind}_attention_fusion', preset, shapes, B, steps, warmup)
        tqdm.write(f"{kind:5s} {preset:9s} {threads:2d} thread(s): {r:8.1f} utterances/s")
    gpu = {}
    if torch.cuda.is_available():
        for kind in ('self', 'cross'):
            gpu[kind] = throughput(f'{kind}_attention_fusion', 'corrected', shapes, B, steps * 4, warmup, device='cuda')
            print(f"{kind:5s} corrected GPU ({torch.cuda.get_device_name()}): {gpu[kind]:8.1f} utterances/s")
    else: print("no GPU: GPU throughput not measured")
    for t in (1, n_all):
        print(f"{t} thread(s): Self / Cross throughput ratio {res[('self', 'corrected', t)] / res[('cross', 'corrected', t)]:.2f}"
              + ('' if a.no_official else f"; corrected / official: self {res[('self', 'corrected', t)] / res[('self', 'official', t)]:.2f}, "
                                          f"cross {res[('cross', 'corrected', t)] / res[('cross', 'official', t)]:.2f}"))
    print(f"peak resident memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    keys = {'self_utt_per_s_1t': res[('self', 'corrected', 1)], 'cross_utt_per_s_1t': res[('cross', 'corrected', 1)],
            'self_utt_per_s_all': res[('self', 'corrected', n_all)], 'cross_utt_per_s_all': res[('cross', 'corrected', n_all)]}
    if not a.no_official:
        keys.update(self_official_utt_per_s_1t=res[('self', 'official', 1)], cross_official_utt_per_s_1t=res[('cross', 'official', 1)])
    keys.update({f'{k}_utt_per_s_gpu': v for k, v in gpu.items()})
    keys['threads_all'] = n_all
    print('RESULT ' + ' '.join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in keys.items()))

if __name__ == '__main__': main()
