"""nbs/ is the source of truth: notebooks must be clean, and imi/ must be exactly what nbdev_export makes of nbs/.
Both checks run on a copy, so they never touch the working tree."""
import filecmp, shutil, subprocess
from pathlib import Path
from conftest import ROOT, tool

def _copy_project(dst: Path) -> None:
    for f in ("settings.ini", "setup.py", "pyproject.toml"):
        if (ROOT / f).exists(): shutil.copy(ROOT / f, dst / f)
    shutil.copytree(ROOT / "nbs", dst / "nbs", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(ROOT / "imi", dst / "imi", ignore=shutil.ignore_patterns("__pycache__"))

def _files(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}

def test_notebooks_are_clean(tmp_path):
    _copy_project(tmp_path)
    subprocess.run([tool("nbdev_clean")], cwd=tmp_path, check=True, capture_output=True)
    before, after = _files(ROOT / "nbs"), _files(tmp_path / "nbs")
    dirty = sorted(k for k in before if before[k] != after.get(k))
    assert not dirty, f"nbdev_clean changes {dirty}: run `make clean-nbs` (nbdev_clean) and commit"

def test_imi_is_exported_from_nbs(tmp_path):
    _copy_project(tmp_path)
    shutil.rmtree(tmp_path / "imi"); (tmp_path / "imi").mkdir()
    shutil.copy(ROOT / "imi" / "__init__.py", tmp_path / "imi" / "__init__.py")
    subprocess.run([tool("nbdev_export")], cwd=tmp_path, check=True, capture_output=True)
    have, want = _files(ROOT / "imi"), _files(tmp_path / "imi")
    missing = sorted(set(want) - set(have)); extra = sorted(set(have) - set(want))
    changed = sorted(k for k in set(have) & set(want) if have[k] != want[k])
    assert not (missing or extra or changed), (
        f"imi/ differs from nbdev_export of nbs/: missing {missing}, not exported by any notebook {extra}, "
        f"changed {changed}. Edit the notebook, run `make export`, commit both.")
