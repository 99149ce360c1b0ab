"""Chapters in Jupyter: saving from JupyterLab leaves them unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT

#: The kernelspec JupyterLab writes into a notebook's metadata once its kernel has started.
LAB_KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _open_and_save(root: Path, relative: str) -> None:
    """What JupyterLab does to a chapter: read it through jupytext's contents manager, start its
    kernel (which rewrites the kernelspec), and save it back."""
    contents = pytest.importorskip("jupytext.sync_contentsmanager")
    manager = contents.TextFileContentsManager(root_dir=str(root))
    model = manager.get(relative, type="notebook")
    model["content"]["metadata"]["kernelspec"] = dict(LAB_KERNELSPEC)
    manager.save({"type": "notebook", "format": "json", "content": model["content"]}, relative)


@pytest.mark.parametrize("chapter", sorted(p.name for p in (ROOT / "notebooks").glob("*.md")))
def test_saving_a_chapter_from_jupyterlab_changes_nothing(tmp_path, chapter):
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")  # jupytext reads its config there
    (tmp_path / "notebooks").mkdir()
    original = (ROOT / "notebooks" / chapter).read_bytes()
    (tmp_path / "notebooks" / chapter).write_bytes(original)
    _open_and_save(tmp_path, f"notebooks/{chapter}")
    assert (tmp_path / "notebooks" / chapter).read_bytes() == original


def test_a_new_story_is_saved_unchanged_too(tmp_path):
    from conftest import copy_repo

    from datastory.scaffold import new_story

    root = copy_repo(tmp_path / "repo")
    path = new_story(root, "07-new-story", "A new story")
    original = path.read_bytes()
    _open_and_save(root, "notebooks/07-new-story.md")
    assert path.read_bytes() == original


def _fake_python(folder: Path, version: str) -> Path:
    """An interpreter that reports ``version`` and fails any script, as an old python3 would fail the check."""
    path = folder / "python-old"
    path.write_text(f'#!/bin/sh\n[ "$1" = --version ] && {{ echo "Python {version}"; exit 0; }}\nexit 1\n')
    path.chmod(0o755)
    return path


@pytest.mark.parametrize("python", ["old", "missing"])
def test_make_says_which_python_it_needs_and_leaves_no_half_made_venv(tmp_path, python):
    import subprocess

    for name in ("Makefile", "requirements.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    interpreter = _fake_python(tmp_path, "3.10.12") if python == "old" else tmp_path / "no-such-python"
    result = subprocess.run(["make", "book", f"PYTHON={interpreter}"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode != 0
    assert "needs Python 3.11 or newer" in result.stdout
    assert ("Python 3.10.12" if python == "old" else "missing") in result.stdout
    assert "make book PYTHON=python3.11" in result.stdout
    assert not (tmp_path / ".venv").exists()


def test_make_distclean_leaves_a_fresh_clone(tmp_path):
    import subprocess

    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    made = [".venv/bin", "_build/html", ".pytest_cache", ".ruff_cache", "bench/.cache", "build/lib",
            "notebooks/.ipynb_checkpoints", "datastory/__pycache__", "datastory.egg-info"]
    for folder in made:
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "notebooks" / "01-a.md").write_text("kept\n")
    subprocess.run(["make", "distclean"], cwd=tmp_path, check=True, capture_output=True)
    assert [f for f in made if (tmp_path / f).exists()] == []
    assert (tmp_path / "notebooks" / "01-a.md").is_file()
