"""The code fingerprint covers the model folder by itself: any change to any file there (or a
new file) changes it."""

import shutil

import pytest

from simulation import storage


@pytest.fixture
def model_copy(tmp_path, monkeypatch):
    copy = tmp_path / "model"
    shutil.copytree(storage.MODEL_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(storage, "MODEL_DIR", copy)
    return copy


def test_every_model_file_changes_the_fingerprint(model_copy):
    files = sorted(model_copy.rglob("*.py"))
    assert len(files) >= 10  # the plain-function modules, the components and the Mesa model
    before = storage.code_fingerprint()
    for path in files:
        text = path.read_text()
        path.write_text(text + "\n# changed\n")
        assert storage.code_fingerprint() != before, path.name
        path.write_text(text)
    assert storage.code_fingerprint() == before


def test_a_new_model_file_changes_the_fingerprint(model_copy):
    before = storage.code_fingerprint()
    (model_copy / "new_mechanism.py").write_text("RATE = 0.1\n")
    assert storage.code_fingerprint() != before
