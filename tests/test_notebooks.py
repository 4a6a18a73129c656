"""Every notebook runs through nbdev's test runner (cells flagged slow or gpu are skipped)."""
import subprocess
import pytest
from conftest import ROOT, tool

NOTEBOOKS = sorted(p.name for p in (ROOT / "nbs").glob("*.ipynb"))

@pytest.mark.parametrize("nb", NOTEBOOKS)
def test_notebook(nb):
    r = subprocess.run([tool("nbdev_test"), "--path", f"nbs/{nb}", "--do_print"], cwd=ROOT,
                       capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, f"{nb} failed under nbdev_test:\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}"
