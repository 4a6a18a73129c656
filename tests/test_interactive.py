"""The imi-edit command line, run as a user would, from a subprocess."""
import subprocess
from pathlib import Path
import pytest
from conftest import ROOT, tool

SHIPPED = ROOT / "data" / "checkpoints" / "mnist_cpu.pt"

def _edit(*args, cwd=ROOT):
    return subprocess.run([tool("imi-edit"), *args], cwd=cwd, capture_output=True, text=True, timeout=300)

@pytest.mark.skipif(not SHIPPED.exists(), reason="no shipped checkpoint")
def test_chain_to_png(tmp_path):
    out = tmp_path / "chain.png"
    r = _edit("--start", "blank", "put three on the middle", "expand three to the bottom right",
              "move three to the left", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[:3] == [  # each step names the change the editor read in it
        "step 1: put three on the middle  (expects an empty canvas -> a three of 1 x 1 cells at the middle)",
        "step 2: expand three to the bottom right  (expects a three of 1 x 1 cells at the middle -> a three of 2 x 2 cells from cell (x=1, y=1))",
        "step 3: move three to the left  (expects a three of 2 x 2 cells from cell (x=1, y=1) -> a three of 2 x 2 cells from cell (x=0, y=1))"]
    assert out.stat().st_size > 0 and out.with_suffix(".gif").stat().st_size > 0
    from PIL import Image
    assert Image.open(out).size[0] > 4 * 128  # four canvases side by side

def test_bad_instruction_and_missing_checkpoint(tmp_path):
    r = _edit("put three on the moon", "-o", str(tmp_path / "x.png"))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "unknown word 'moon'" in r.stderr
    assert not (tmp_path / "x.png").exists()
    r = _edit("--checkpoint", str(tmp_path / "none.pt"), "put three on the middle")
    assert r.returncode == 2 and "no checkpoint at" in r.stderr and r.stderr.count("\n") == 1
