"""The editor refuses what cannot apply, says plainly what it did to its inputs, and never loses or mislabels output
(issue #18): one test per class of probe, through the Python API where that is enough and the command line where the
exit status and the files written are the point."""
import subprocess, sys
import numpy as np
import pytest
import torch
from conftest import ROOT, tool

SHIPPED = ROOT / "data" / "checkpoints" / "mnist_cpu.pt"
AVATAR = ROOT / "data" / "checkpoints" / "avatar_sim_cpu.pt"
pytestmark = pytest.mark.skipif(not SHIPPED.exists(), reason="no shipped checkpoint")

def _edit(*args, cwd=ROOT):
    return subprocess.run([tool("imi-edit"), *args], cwd=cwd, capture_output=True, text=True, timeout=300)

@pytest.fixture(scope="module")
def editor():
    from imi.interactive import Editor
    return Editor(SHIPPED)

@pytest.mark.parametrize("chain, refused, why", [
    (["put three on the middle"], "remove five", "names five, but the canvas holds three"),        # another digit
    ([], "move three to the left", "the canvas is empty"),                                         # an empty canvas
    (["put three on the middle"], "put five on the middle", "needs an empty canvas"),              # a full canvas
    (["put three on the top left"], "compress three to the left", "below one cell"),               # too small to shrink
    (["put three on the top"], "expand three to the top", "off the 3x3 grid")])                    # off the grid
def test_instructions_that_cannot_apply_are_refused_with_what_would(editor, chain, refused, why):
    from imi.task import InstructionRefused
    editor.reset("blank")
    for text in chain: editor.edit(text)
    n = len(editor.history)
    with pytest.raises(InstructionRefused, match=why) as e: editor.edit(refused)
    assert "takes:" in str(e.value) and len(editor.history) == n          # nothing generated, the canvas kept
    editor.edit(refused, force=True)                                       # force: generated, and said so
    assert len(editor.history) == n + 1 and any("force" in note for note in editor.history[-1].notes)

def test_a_test_start_is_known_and_a_drawing_is_inverted_and_read(editor):
    from imi.task import InstructionRefused
    editor.reset("test")
    label = editor.history[0].state
    assert label is not None and not label.empty
    other = "five" if label.digit != 5 else "six"
    with pytest.raises(InstructionRefused, match="but the canvas holds"): editor.edit(f"remove {other}")
    paper = np.full((60, 60), 255, np.uint8); paper[10:50, 27:33] = 0    # a dark stroke on white paper
    editor.reset(paper)
    assert editor.current[0, 0, 0] == 0 and any("inverted" in n for n in editor.history[0].notes)

def test_long_instructions_and_tiny_images_get_short_errors():
    from imi.tasks import make_task
    from imi.tasks.avatar.text import Vocab
    mnist = make_task("mnist", with_data=False)
    avatar = make_task("avatar", vocab=Vocab.build(["make the hair red"]).itos, with_data=False)
    for task, limit in ((mnist, 6), (avatar, 24)):
        with pytest.raises(ValueError, match=f"at most {limit} words") as e: task.check(" ".join(["hair"] * 2000))
        assert len(str(e.value)) < 300
        with pytest.raises(ValueError, match="at least 8"): task.start(np.zeros((1, 1, 3), np.uint8) if task is avatar else np.zeros((1, 1)))

def test_avatar_instructions_are_checked_against_the_avatar():
    from imi.task import InstructionRefused
    from imi.tasks import make_task
    from imi.tasks.avatar.attributes import random_avatar
    task = make_task("avatar", vocab=["<pad>", "<unk>"], with_data=False)
    av = {**random_avatar(np.random.default_rng(0)), "top": "bob", "hair_color": "red", "accessory": "none"}
    for text, why in (("make the hair red", "already red"), ("remove the glasses", "nothing to remove")):
        with pytest.raises(InstructionRefused, match=why): task.applies(av, text)
    assert task.applies(av, "dye her hair black")["hair_color"] == "black"

def test_cli_refuses_with_exit_2_and_writes_nothing(tmp_path):
    r = _edit("put three on the middle", "remove five", "-o", str(tmp_path / "x.png"))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "step 2 'remove five'" in r.stderr
    assert not list(tmp_path.iterdir())

def test_outputs_follow_their_suffix(tmp_path):
    for name, files in (("x.gif", ["x.gif"]), ("y.jpg", ["y.jpg"]), ("z.png", ["z.gif", "z.png"])):
        r = _edit("put three on the middle", "-o", str(tmp_path / name))
        assert r.returncode == 0, r.stderr
    from PIL import Image
    assert Image.open(tmp_path / "x.gif").format == "GIF" and Image.open(tmp_path / "y.jpg").format == "JPEG"
    (tmp_path / "out").mkdir()
    assert _edit("put three on the middle", "-o", str(tmp_path / "out")).returncode == 0 and (tmp_path / "out" / "chain.png").exists()
    for bad, why in (("x.bmp", "unknown image format"), ("notes.txt/x.png", "is not a folder")):
        (tmp_path / "notes.txt").write_text("a file")
        r = _edit("put three on the middle", "-o", str(tmp_path / bad))
        assert r.returncode == 2 and why in r.stderr and str(tmp_path / bad) in r.stderr and r.stderr.count("\n") == 1

def test_bad_checkpoints_get_one_sentence(tmp_path):
    (tmp_path / "trunc.pt").write_bytes(SHIPPED.read_bytes()[:4000])
    (tmp_path / "notes.txt").write_text("hello")
    for f, why in (("trunc.pt", "truncated or damaged"), ("notes.txt", "not a readable imi checkpoint"),
                   (str(ROOT / "data" / "checkpoints" / "parser.pt"), "another kind (imi-parser-1)")):
        r = _edit("--checkpoint", str(tmp_path / f), "put three on the middle")
        assert r.returncode == 2 and why in r.stderr and r.stderr.count("\n") == 1, r.stderr

@pytest.mark.skipif(not AVATAR.exists(), reason="no shipped avatar model")
def test_avatar_edits_print_no_warnings(tmp_path):
    r = _edit("--checkpoint", str(AVATAR), "make the background blue", "-o", str(tmp_path / "a.png"))
    assert r.returncode == 0 and "Warning" not in r.stderr, r.stderr

def test_help_does_not_import_torch():
    code = "import sys, imi.cli\ntry: imi.cli.main(['--help'])\nexcept SystemExit: pass\nassert 'torch' not in sys.modules, 'torch imported'"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "white strokes on black" in r.stdout, r.stderr
