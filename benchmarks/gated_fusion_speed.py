"""Speed of the single-layer gate vs multi-layer CmGI (the paper's headline claim), one harness, one process.

The paper (Bian, Liang & Zhang) claims its single-layer gated fusion cuts training time by 43-68 % and
inference time by 38-72 % against the multi-layer CmGI model; its released code holds only the CmGI-style
baseline (systems.md section 2). Here every head of chapter 03_gated_fusion runs on the SAME batches, in
the same process, interleaved step by step (round-robin, so that a slow moment of a shared machine hits
every head alike):

* `cmgi_official`  the released head (1 layer, shared q/k/v and gate, unmasked);
* `cmgi_1`, `cmgi_3`  CmGI as the paper's Table 1 defines it, 1 and 3 layers (self- + cross-attention);
* `gated`  the proposed single gate, per frame, word-timestamp alignment (the "temporal-aware" reading);
* `gated_pooled`  the same gate on pooled utterance vectors.

Paper sizes: 1024-d acoustic frames, 768-d BERT states projected to 1024, 4 classes, batch 2, Adam 1e-5.
Durations are drawn from an IEMOCAP-like distribution (log-normal, mean ~4.5 s, sd ~3 s, 0.6-20 s);
50 frames/s, ~2.5 words/s, ~1.3 BERT tokens per word + [CLS]/[SEP]. Two settings:

(a) head only, on random cached features (what the head itself costs);
(b) end to end: real-size, randomly initialised HuBERT-large (315 M) + BERT-base (109 M), fine-tuned with
    the head, from raw 16-kHz waveforms and token ids (what a training step of the paper's setup costs).

For each: seconds per train step (forward, backward, Adam step) and per inference batch (median over
steps), forward FLOPs of the head (analytic, `head_flops`; equal to torch's FLOP counter), memory that a
train step keeps for backward (autograd's saved tensors; on CUDA also the peak allocated), the process peak
RSS, and saving = 1 - time / time of the 3-layer CmGI, next to the paper's claims. On one thread, times
are CPU seconds of this process (on a shared machine the wall clock also counts waiting for a core);
with more threads, or on a GPU, wall seconds.

    python benchmarks/gated_fusion_speed.py                 # paper sizes, one thread
    python benchmarks/gated_fusion_speed.py --threads 2     # more threads (wall-clock times)
    python benchmarks/gated_fusion_speed.py --no-e2e        # head only
    python benchmarks/gated_fusion_speed.py --quick         # small sizes and tiny encoders, a smoke run

The last line is `RESULT head_train_saving=... head_infer_saving=... e2e_train_saving=... e2e_infer_saving=...`
(savings of `gated` vs `cmgi_3`, fractions), followed on the same line by the savings vs `cmgi_official`.
"""
import argparse, os, sys, time, resource, warnings, gc
from pathlib import Path

os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
warnings.filterwarnings('ignore')
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch
import torch.nn.functional as F

PAPER_TRAIN, PAPER_INFER = (0.43, 0.68), (0.38, 0.72)   # claimed savings (abstract: 43 % / 38 %; ranges in the text)

def rss_mib(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def draw_durations(n, rng, mean=4.5, sd=3.0, lo=0.6, hi=20.0):
    "IEMOCAP-like utterance durations (s): log-normal with the given mean and sd, clipped."
    s2 = np.log(1 + (sd / mean) ** 2)
    return np.clip(rng.lognormal(np.log(mean) - s2 / 2, np.sqrt(s2), n), lo, hi)

def utterance_shapes(dur, rng, frame_rate=50.0, words_per_s=2.5):
    "(frames, tokens, frame->token index) for one utterance of `dur` seconds, with evenly spread words."
    from mmser_nb.gated_fusion import text_frame_index
    n_frames = max(1, int(dur * frame_rate))
    n_words = max(1, int(rng.poisson(words_per_s * dur)))
    n_tokens = n_words + int(round(0.3 * n_words)) + 2                      # sub-words + [CLS] + [SEP]
    slot = (dur - 0.2) / n_words                                            # 0.1 s of silence at each end
    spans = [(0.1 + w * slot, 0.1 + (w + 0.8) * slot) for w in range(n_words)]   # 20 % pause between words
    first_tok = 1 + (np.arange(n_words) * (n_tokens - 2)) // n_words
    return n_frames, n_tokens, text_frame_index(spans, n_frames, frame_rate, first_tok)

def make_batches(n_batches, B, dims, rng, e2e=False, vocab=30522, sr=16000, dur_scale=1.0):
    "Padded batches: cached features (head only) or raw waveforms + token ids (end to end)."
    from mmser_nb.core import Batch
    from mmser_nb.gated_fusion import pad_frame_index
    out = []
    for _ in range(n_batches):
        durs = draw_durations(B, rng) * dur_scale
        shp = [utterance_shapes(d, rng) for d in durs]
        Ta, Tl = max(s[0] for s in shp), max(s[1] for s in shp)
        tm = torch.arange(Tl)[None] < torch.tensor([s[1] for s in shp])[:, None]
        b = Batch(labels=torch.as_tensor(rng.integers(0, 4, B)), ids=[str(i) for i in range(B)])
        if e2e:
            S = torch.tensor([int(d * sr) for d in durs]); wm = torch.arange(int(S.max()))[None] < S[:, None]
            b['audio_wave'] = torch.from_numpy(rng.standard_normal(wm.shape).astype(np.float32)) * 0.1 * wm
            b['audio_wave_mask'] = wm
            b['input_ids'] = torch.from_numpy(rng.integers(1000, vocab, tm.shape)) * tm
            b['attention_mask'] = tm.long()
        else:
            am = torch.arange(Ta)[None] < torch.tensor([s[0] for s in shp])[:, None]
            b['audio'] = torch.from_numpy(rng.standard_normal((B, Ta, dims['d_audio'])).astype(np.float32)) * am[..., None]
            b['audio_mask'] = am
            b['text'] = torch.from_numpy(rng.standard_normal((B, Tl, dims['d_text'])).astype(np.float32)) * tm[..., None]
            b['text_mask'] = tm
        b['text_frame_index'] = pad_frame_index([s[2] for s in shp], Ta)
        b['_shape'] = (Ta, Tl)                                                   # padded frames/tokens (for FLOPs)
        out.append(b)
    return out

def head_configs(dims):
    "The heads timed, by name: (config, registered model name)."
    from mmser_nb.gated_fusion import CmGIOfficialConfig, CmGIConfig, GatedFusionConfig
    return {'cmgi_official': (CmGIOfficialConfig(**dims), 'cmgi_official'),
            'cmgi_1': (CmGIConfig(**dims, n_layers=1), 'cmgi'),
            'cmgi_3': (CmGIConfig(**dims, n_layers=3), 'cmgi'),
            'gated': (GatedFusionConfig(**dims, alignment='word_timestamps'), 'gated_fusion'),
            'gated_pooled': (GatedFusionConfig(**dims, alignment='pooled'), 'gated_fusion')}

class Timer:
    "CPU seconds of this process (one thread) or wall seconds (more threads / GPU)."
    def __init__(self, cpu, device): self.cpu, self.device = cpu, device
    def now(self):
        if self.device.type == 'cuda': torch.cuda.synchronize()
        return time.process_time() if self.cpu else time.perf_counter()

def saved_bytes(fn):
    "Bytes autograd keeps for backward while `fn()` runs the forward (distinct storages)."
    seen = {}
    def pack(t):
        try: seen[(t.untyped_storage().data_ptr(), t.device)] = t.untyped_storage().nbytes()
        except (RuntimeError, NotImplementedError): pass   # a tensor without a storage of its own (e.g. a wrapper subclass) has no bytes to count
        return t
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t): out = fn()
    return out, sum(seen.values())

def strip(b, device):
    return {k: (v.to(device) if torch.is_tensor(v) else v) for k, v in b.items() if k != '_shape'}

def run_section(name, models, batches, steps, warmup, timer, device, enc_params=None, lr=1e-5, progress=True):
    "Interleaved train steps then inference batches for every model; returns per-model stats."
    from mmser_nb.core import Batch
    from tqdm.auto import tqdm
    enc_opt = torch.optim.Adam(enc_params, lr=lr) if enc_params else None
    opts = {k: torch.optim.Adam([p for n, p in m.named_parameters() if p.requires_grad and not n.startswith(('speech.', 'text_encoder.'))], lr=lr)
            for k, m in models.items()}
    st = {k: dict(train=[], infer=[], saved=0, cuda_peak=0) for k in models}
    bs = [Batch(strip(b, device)) for b in batches]
    bar = tqdm(total=(warmup + steps) * len(models) * 2, desc=name, disable=not progress, file=sys.stderr)
    for phase in ('train', 'infer'):
        for r in range(warmup + steps):
            b = bs[r % len(bs)]
            for k, m in models.items():
                if device.type == 'cuda': torch.cuda.reset_peak_memory_stats()
                t0 = timer.now()
                if phase == 'train':
                    m.train()
                    out, nb = saved_bytes(lambda: m(b)) if r == 0 else (m(b), None)
                    loss = F.cross_entropy(out.logits, b['labels'])
                    opts[k].zero_grad(set_to_none=True)
                    if enc_opt: enc_opt.zero_grad(set_to_none=True)
                    loss.backward(); opts[k].step()
                    if enc_opt: enc_opt.step()
                    if nb is not None: st[k]['saved'] = nb
                else:
                    m.eval()
                    with torch.no_grad(): m(b)
                dt = timer.now() - t0
                if r >= warmup: st[k][phase].append(dt)
                if device.type == 'cuda': st[k]['cuda_peak'] = max(st[k]['cuda_peak'], torch.cuda.max_memory_allocated())
                bar.update(1)
    bar.close()
    del enc_opt, opts; gc.collect()
    return st

def paired_saving(st, k, ref, phase):
    "Median over rounds of 1 - t_k / t_ref on the same batch at the same moment (paired: batch length and machine load cancel)."
    return float(np.median(1 - np.asarray(st[k][phase]) / np.asarray(st[ref][phase])))

def report(name, st, flops, unit):
    print(f"\n== {name} ({unit} per batch of 2; times: median over steps; savings: median of paired per-step ratios) ==")
    hdr = f"{'head':<14}{'train s':>10}{'infer s':>10}{'head GFLOPs':>13}{'saved MiB':>11}{'train saving':>14}{'infer saving':>14}{'vs official':>14}"
    if any(v['cuda_peak'] for v in st.values()): hdr += f"{'CUDA peak MiB':>15}"
    print(hdr)
    for k, v in st.items():
        tr, inf = float(np.median(v['train'])), float(np.median(v['infer']))
        so = f"{paired_saving(st, k, 'cmgi_official', 'train'):.2f}/{paired_saving(st, k, 'cmgi_official', 'infer'):.2f}"
        line = (f"{k:<14}{tr:>10.4f}{inf:>10.4f}{flops[k]/1e9:>13.2f}{v['saved']/2**20:>11.1f}"
                f"{paired_saving(st, k, 'cmgi_3', 'train'):>14.3f}{paired_saving(st, k, 'cmgi_3', 'infer'):>14.3f}{so:>14}")
        if v['cuda_peak']: line += f"{v['cuda_peak']/2**20:>15.0f}"
        print(line)
    s = dict(train=paired_saving(st, 'gated', 'cmgi_3', 'train'), infer=paired_saving(st, 'gated', 'cmgi_3', 'infer'),
             train_off=paired_saving(st, 'gated', 'cmgi_official', 'train'), infer_off=paired_saving(st, 'gated', 'cmgi_official', 'infer'))
    print(f"gated vs cmgi_3: train saving {s['train']:.3f} (paper claims {PAPER_TRAIN[0]:.2f}-{PAPER_TRAIN[1]:.2f}), "
          f"inference saving {s['infer']:.3f} (paper claims {PAPER_INFER[0]:.2f}-{PAPER_INFER[1]:.2f})")
    print(f"gated vs cmgi_official: train saving {s['train_off']:.3f}, inference saving {s['infer_off']:.3f}")
    return s

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--quick', action='store_true', help='small sizes, tiny encoders, few steps (smoke run)')
    ap.add_argument('--threads', type=int, default=1, help='torch CPU threads (1: CPU-time figures)')
    ap.add_argument('--device', default='auto', help="'auto' (cuda if available), 'cpu' or 'cuda'")
    ap.add_argument('--head-steps', type=int, default=None, help='timed steps per head, head only (default 12; quick 2)')
    ap.add_argument('--e2e-steps', type=int, default=None, help='timed steps per head, end to end (default 3; quick 2)')
    ap.add_argument('--warmup', type=int, default=1, help='untimed rounds before timing')
    ap.add_argument('--no-e2e', action='store_true', help='skip the end-to-end section')
    ap.add_argument('--e2e-heads', default='cmgi_official,cmgi_1,cmgi_3,gated', help='heads timed end to end (comma-separated; cmgi_official, cmgi_3 and gated are needed)')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--no-progress', action='store_true')
    a = ap.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(a.seed)
    device = torch.device('cuda' if a.device == 'auto' and torch.cuda.is_available() else ('cpu' if a.device == 'auto' else a.device))
    cpu_time = device.type == 'cpu' and a.threads == 1
    timer, unit = Timer(cpu_time, device), ('CPU seconds' if cpu_time else 'wall seconds')
    from mmser_nb.core import build_model
    from mmser_nb.core import n_params
    from mmser_nb.gated_fusion import head_flops, build_encoder, HUBERT_LARGE, BERT_BASE, TINY_HUBERT, TINY_BERT

    dims = dict(d_audio=64, d_text=48, d_model=64) if a.quick else dict(d_audio=1024, d_text=768, d_model=1024)
    head_steps = a.head_steps or (2 if a.quick else 12); e2e_steps = a.e2e_steps or (2 if a.quick else 3)
    rng = np.random.default_rng(a.seed)
    print(f"device {device}, threads {a.threads}, times in {unit}; sizes {dims}; batch 2; Adam lr 1e-5"
          f"{'; QUICK (smoke run, not the paper sizes)' if a.quick else ''}")
    cfgs = head_configs(dims)
    heads = {k: build_model(name, cfg).to(device) for k, (cfg, name) in cfgs.items()}
    print('head parameters: ' + ', '.join(f'{k} {n_params(m):,}' for k, m in heads.items()))

    # (a) head only
    batches = make_batches(warmup_plus(a.warmup, head_steps), 2, dims, rng, dur_scale=0.5 if a.quick else 1.0)
    Ta, Tl = np.mean([b['_shape'][0] for b in batches]), np.mean([b['_shape'][1] for b in batches])
    print(f"head-only batches: {len(batches)}, mean padded frames {Ta:.0f}, tokens {Tl:.0f}")
    flops = {k: np.mean([head_flops(cfgs[k][0], *b['_shape'], batch=2)['total'] for b in batches]) for k in heads}
    st = run_section('head only', heads, batches, head_steps, a.warmup, timer, device, progress=not a.no_progress)
    hs = report('(a) head only, random cached features', st, flops, unit); st_a = st
    print(f"process peak RSS after (a): {rss_mib():.0f} MiB")

    es = None
    if not a.no_e2e:
        spec_s, spec_t = (dict(TINY_HUBERT, conv_stride=(16, 20), conv_kernel=(16, 20)), dict(TINY_BERT, vocab_size=30522, max_position_embeddings=256)) if a.quick else (HUBERT_LARGE, BERT_BASE)
        torch.manual_seed(a.seed)
        speech, text = build_encoder(spec_s).to(device), build_encoder(spec_t).to(device)
        print(f"\nencoders (random init): speech {type(speech).__name__} {n_params(speech):,}, text {type(text).__name__} {n_params(text):,}")
        edims = dict(d_audio=speech.config.hidden_size, d_text=text.config.hidden_size, d_model=dims['d_model'])
        models = {}
        for k, (cfg, name) in head_configs(edims).items():
            if k not in a.e2e_heads.split(','): continue
            m = build_model(name, cfg).to(device)
            m.speech, m.text_encoder = speech, text                      # the SAME encoders under every head
            m.config = cfg.replace(speech_encoder=spec_s, text_encoder=spec_t, finetune_encoders=True)
            models[k] = m
        ebatches = make_batches(warmup_plus(a.warmup, e2e_steps), 2, edims, rng, e2e=True, dur_scale=0.5 if a.quick else 1.0)
        eflops = {k: np.mean([head_flops(head_configs(edims)[k][0], *b['_shape'], batch=2)['total'] for b in ebatches]) for k in models}
        print(f"end-to-end batches: {len(ebatches)}, mean padded seconds "
              f"{np.mean([b['audio_wave'].shape[1] / 16000 for b in ebatches]):.2f}, tokens {np.mean([b['_shape'][1] for b in ebatches]):.0f}")
        st = run_section('end to end', models, ebatches, e2e_steps, a.warmup, timer, device,
                         enc_params=[*speech.parameters(), *text.parameters()], progress=not a.no_progress)
        es = report('(b) end to end, HuBERT + BERT fine-tuned with the head' + (' (tiny encoders)' if a.quick else ''), st, eflops, unit)
        med = lambda d, k, ph: float(np.median(d[k][ph]))
        for ph in ('train', 'infer'):      # what (a) predicts: the head-time difference over the measured end-to-end step
            exp = (med(st_a, 'cmgi_3', ph) - med(st_a, 'gated', ph)) / med(st, 'cmgi_3', ph)
            print(f"expected {ph} saving end to end from the head-only times of (a): {exp:.3f} (measured {es[ph]:.3f})")
        print(f"process peak RSS after (b): {rss_mib():.0f} MiB")

    nan = float('nan')
    f = lambda x: f'{x:.4f}'
    print(f"RESULT head_train_saving={f(hs['train'])} head_infer_saving={f(hs['infer'])} "
          f"e2e_train_saving={f(es['train'] if es else nan)} e2e_infer_saving={f(es['infer'] if es else nan)} "
          f"head_train_saving_vs_official={f(hs['train_off'])} head_infer_saving_vs_official={f(hs['infer_off'])} "
          f"e2e_train_saving_vs_official={f(es['train_off'] if es else nan)} e2e_infer_saving_vs_official={f(es['infer_off'] if es else nan)}")

def warmup_plus(w, n): return max(1, w + n)

if __name__ == '__main__': main()
