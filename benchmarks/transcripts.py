"ASR benchmark (proposed benchmarks/transcripts.py): WER, RTF, utt/s, cache speed-up of Whisper tiny.en on eSpeak NG speech."
import argparse, ctypes, os, resource, tempfile, time
from pathlib import Path
import numpy as np, pandas as pd, soundfile as sf, soxr
from mmser_nb.transcripts import WhisperCT2Transcriber, transcribe_corpus, wer_report, _HASH_MEMO

SENTS = ["I can't believe you did that to me.", "Please close the door when you leave.",
         "We are going to the beach tomorrow.", "Nobody told me the meeting was cancelled.",
         "That is the best news I have heard all year.", "Leave me alone, I do not want to talk.",
         "The train was late again this morning.", "Could you pass me the salt, please?"]

def speaker():
    import espeakng_loader as L
    lib = ctypes.CDLL(L.get_library_path()); sr = lib.espeak_Initialize(2, 0, L.get_data_path().encode(), 0); buf = []
    cb = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)(
        lambda w, n, e: (buf.append(np.ctypeslib.as_array(w, (n,)).copy()) if n > 0 else None) or 0)
    lib.espeak_SetSynthCallback(cb)
    def say(text, voice):
        assert lib.espeak_SetVoiceByName(voice.encode()) == 0; buf.clear(); b = text.encode()
        lib.espeak_Synth(b, len(b) + 1, 0, 0, 0, 0, None, None)
        return soxr.resample(np.concatenate(buf).astype(np.float32) / 32768, sr, 16000)
    say._cb = cb; return say

if __name__ == '__main__':
    ap = argparse.ArgumentParser(); ap.add_argument('--voices', default='en-us,en-us+klatt,en+f3')
    ap.add_argument('--beams', default='5,1'); ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--demo', type=int, default=0, help='also transcribe the demo corpus with this many dialogues')
    a = ap.parse_args(); say = speaker(); tmp = Path(tempfile.mkdtemp()); rows = []
    for v in a.voices.split(','):
        for i, s in enumerate(SENTS):
            p = tmp/f"{v.replace('+', '_')}_{i}.wav"; sf.write(p, say(s, v), 16000)
            rows.append(dict(id=p.stem, corpus=v, path=str(p), text=s))
    df = pd.DataFrame(rows)
    if a.demo:
        from mmser_nb.demo_corpus import build_demo_corpus
        df = pd.concat([df, build_demo_corpus(n_dialogues=a.demo)[['id', 'corpus', 'path', 'text']]], ignore_index=True)
    secs = sum(sf.info(p).duration for p in df.path)
    print(f"{len(df)} utterances, {secs:.1f} s of audio, voices {a.voices}")
    for b in map(int, a.beams.split(',')):
        tr = WhisperCT2Transcriber(beam_size=b, cpu_threads=a.threads); tr._load()   # load outside the timing
        t0 = time.perf_counter(); out = transcribe_corpus(df, tr, root=tmp/'cache', progress=False); t1 = time.perf_counter() - t0
        _HASH_MEMO.clear()      # re-hash every file, as a fresh process would
        t0 = time.perf_counter(); transcribe_corpus(df, tr, root=tmp/'cache', progress=False); t2 = time.perf_counter() - t0
        rep = wer_report(out, ref='text'); tot = rep[['sub', 'dels', 'ins']].sum().sum() / rep.ref_words.sum()
        print(f"beam {b}: WER {tot:.3f} ({' '.join(f'{g}={w:.3f}' for g, w in zip(rep.group, rep.wer))}); "
              f"{secs / t1:.2f} audio-s/s (RTF {t1 / secs:.3f}), {len(df) / t1:.2f} utt/s; cached {t2 * 1000:.1f} ms = {t1 / t2:.0f}x faster")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
