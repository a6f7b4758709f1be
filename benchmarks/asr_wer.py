"""WER and real-time factor of the offline Whisper transcribers on real read speech (LibriVox clips).

Debian's `pocketsphinx-testdata` ships five LibriVox clips of *Sense and Sensibility* (16 kHz mono, 24.7 s in all)
with reference transcripts; they are read here from the installed package, never committed:

    sudo apt-get install pocketsphinx-testdata
    python benchmarks/asr_wer.py                                # tiny.en, and base when its weights are installed
    python benchmarks/asr_wer.py --models tiny.en --beam 1      # greedy decoding

WER is corpus-level (total edits / reference words) after the library's normaliser (`normalize_text`: the
Whisper English normaliser, so "Mr." = "mister"); the references' `<s>`/`</s>` marks are dropped. The
real-time factor is processing seconds / audio seconds on `--threads` CPU threads, after one untimed
warm-up clip (model loading is not counted). Last line:
`RESULT wer_tiny=… rtf_tiny=… [wer_base=… rtf_base=…] n_clips=… audio_s=…`.
"""
import argparse, os, re, sys, time
from pathlib import Path
import numpy as np
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault('HF_HUB_OFFLINE', '1')
from mmser_nb.audio import load_audio
from mmser_nb.core import MissingExtraError
from mmser_nb.transcripts import WhisperCT2Transcriber, wer, word_edits, normalize_text

DATA = Path('/usr/share/pocketsphinx/test/data/librivox')

def read_references(folder:Path)->dict:
    "`{clip id: reference text}` from pocketsphinx's `transcription` file (`<s> words </s> (id)` per line)."
    f = folder/'transcription'
    if not f.exists(): sys.exit(f"no {f}: install Debian's pocketsphinx-testdata (apt-get install pocketsphinx-testdata) or pass --data-dir")
    refs = {}
    for line in f.read_text().splitlines():
        m = re.match(r'\s*(.*?)\s*\((\S+)\)\s*$', line)
        if m: refs[m.group(2)] = re.sub(r'</?s>', ' ', m.group(1)).strip()
    return refs

def run(model:str, clips:dict, beam:int, threads:int)->dict:
    tr = WhisperCT2Transcriber(model, beam_size=beam, cpu_threads=threads)
    first = next(iter(clips.values()))
    tr.transcribe(first['wav'])                                        # warm-up: loads the model
    hyps, secs = {}, 0.0
    for cid, c in clips.items():
        t = time.perf_counter(); hyps[cid] = tr.transcribe(c['wav']); secs += time.perf_counter() - t
    audio = sum(len(c['wav']) for c in clips.values()) / 16000
    ids = list(clips)
    return {'wer': wer([clips[i]['ref'] for i in ids], [hyps[i] for i in ids]), 'rtf': secs / audio, 'seconds': secs, 'hyps': hyps}

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--data-dir', default=str(DATA))
    ap.add_argument('--models', default='tiny.en,base', help="CTranslate2 Whisper models ('tiny.en', 'base' or a folder)")
    ap.add_argument('--beam', type=int, default=5, help='beam size (Whisper default 5; 1 = greedy)')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--save-result', action='store_true', help='write benchmarks/results/asr_wer__<model>.json')
    a = ap.parse_args()
    folder = Path(a.data_dir); refs = read_references(folder)
    clips = {cid: {'ref': r, 'wav': load_audio(folder/f'{cid}.wav', item=cid)} for cid, r in sorted(refs.items()) if (folder/f'{cid}.wav').exists()}
    if not clips: sys.exit(f'no clip of {folder/"transcription"} has its wav in {folder}')
    audio_s = sum(len(c['wav']) for c in clips.values()) / 16000
    print(f'{len(clips)} LibriVox clips, {audio_s:.1f} s of read speech, {sum(len(normalize_text(c["ref"]).split()) for c in clips.values())} reference words; '
          f'beam {a.beam}, {a.threads} threads')
    out = {}
    for model in a.models.split(','):
        try: r = run(model, clips, a.beam, a.threads)
        except (MissingExtraError, FileNotFoundError) as e: print(f'{model}: not installed ({e}); skipped'); continue
        key = 'tiny' if model == 'tiny.en' else re.sub(r'\W+', '_', Path(model).name)
        out[key] = r
        print(f'\n{model}: WER {r["wer"]:.4f}, RTF {r["rtf"]:.3f} ({r["seconds"]:.1f} s for {audio_s:.1f} s of audio)')
        for cid, h in r['hyps'].items():
            rw = normalize_text(clips[cid]['ref']).split(); e = word_edits(rw, normalize_text(h).split())
            print(f'  {cid[-4:]}  edits {sum(e)}/{len(rw)}  ref: {clips[cid]["ref"]}\n        hyp: {h}')
        if a.save_result:
            from _results import write_result
            write_result('asr_wer', command=f'python benchmarks/asr_wer.py --models {model} --beam {a.beam} --threads {a.threads}',
                         corpus='librivox_pocketsphinx', protocol='read_speech_5_clips', model=f'whisper-{model}', tag=key,
                         metrics={'wer': round(r['wer'], 4), 'rtf': round(r['rtf'], 4)}, hardware=f'{a.threads} CPU threads',
                         notes=f"{len(clips)} LibriVox clips of pocketsphinx-testdata, {audio_s:.1f} s; beam {a.beam}; WER after normalize_text")
    if 'tiny' not in out: sys.exit('tiny.en did not run: install the asr extra')
    res = ' '.join(f'wer_{k}={v["wer"]:.4f} rtf_{k}={v["rtf"]:.4f}' for k, v in out.items())
    print(f'RESULT {res} n_clips={len(clips)} audio_s={audio_s:.2f}')

if __name__ == '__main__': main()
