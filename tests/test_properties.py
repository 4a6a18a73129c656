"""Inputs tried by the thousand: generated instruction strings, image files, damaged state files, config values and
output paths at every boundary a user touches, for both tasks. Each bad input gets one line in words (a ValueError,
which the command-line tools print and exit 2 on), never another exception; a valid input is never refused; an image
that is no image of the task is read as "not recognised", never as a confident reading."""
import io, os, re, subprocess, sys
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings, strategies as st
from PIL import Image
from conftest import ROOT, tool

MNIST = ROOT / "data" / "checkpoints" / "mnist_cpu.pt"
AVATAR = ROOT / "data" / "checkpoints" / "avatar_sim_cpu.pt"
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

def one_line(e: BaseException) -> str:
    "The message of an error as a person reads it: one line, short, in words (no exception class, no traceback)."
    msg = str(e)
    assert "\n" not in msg and 0 < len(msg) < 400, repr(msg)
    assert "Traceback" not in msg and not any(w in msg for w in ("Error)", "Exception", "UnidentifiedImage")), msg
    return msg

@pytest.fixture(scope="module")
def tasks():
    from imi.checkpoint import load_checkpoint
    from imi.tasks import make_task
    return {"mnist": make_task("mnist", with_data=False),
            "avatar": make_task("avatar", vocab=load_checkpoint(AVATAR)["vocab"], with_data=False)}

@pytest.fixture(scope="module")
def editors():
    from imi.interactive import Editor
    return {"mnist": Editor(MNIST, start="blank"), "avatar": Editor(AVATAR)}

# ---- instructions: any unicode, control characters, very long, only punctuation

INSTRUCTIONS = st.one_of(st.text(max_size=300), st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "P"]), max_size=50),
                         st.lists(st.sampled_from(["put", "three", "on", "the", "middle", "hair", "red", "make", "blue", "a"]),
                                  max_size=40).map(" ".join))

@SETTINGS
@given(text=INSTRUCTIONS, kind=st.sampled_from(["mnist", "avatar"]))
def test_any_instruction_is_checked_or_refused_in_one_line(editors, text, kind):
    from imi.task import InstructionRefused
    ed = editors[kind]
    try: unknown = ed.task.check(text)
    except ValueError as e: one_line(e); return
    assert isinstance(unknown, list) and text.strip()
    try: ed.check(text)
    except InstructionRefused as e: one_line(e)

# ---- image files: every PIL mode and many formats, 1x1 up, truncated, empty, not an image, animated

MODES = ["1", "L", "P", "RGB", "RGBA", "LA", "I;16", "I", "F", "CMYK"]
FORMATS = {"PNG": {"1", "L", "P", "RGB", "RGBA", "LA", "I;16"}, "GIF": {"1", "L", "P"}, "TIFF": set(MODES) - {"LA"},
           "JPEG": {"L", "RGB", "CMYK"}, "BMP": {"1", "L", "P", "RGB"}, "WEBP": {"RGB", "RGBA"}}

def _image(mode, w, h, seed):
    rng = np.random.default_rng(seed)
    if mode in ("I;16", "I", "F"):
        top = {"I;16": 65535, "I": 2 ** 20, "F": 1}[mode]
        a = (rng.random((h, w)) * top).astype({"I;16": np.uint16, "I": np.int32, "F": np.float32}[mode])
        return Image.fromarray(a)            # uint16 -> I;16, int32 -> I, float32 -> F
    return Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8)).convert(mode)

@settings(max_examples=150, deadline=None)
@given(mode=st.sampled_from(MODES), fmt=st.sampled_from(list(FORMATS)), w=st.integers(1, 160), h=st.integers(1, 160),
       seed=st.integers(0, 2 ** 16), cut=st.one_of(st.none(), st.floats(0, 1)))
def test_any_image_file_is_read_or_refused_in_one_line(tasks, tmp_path_factory, mode, fmt, w, h, seed, cut):
    from imi.tasks.mnist.data import MIN_IMAGE_SIDE
    if mode not in FORMATS[fmt]: fmt = "TIFF" if mode != "LA" else "PNG"
    buf = io.BytesIO(); _image(mode, w, h, seed).save(buf, fmt)
    data = buf.getvalue()
    if cut is not None: data = data[:int(len(data) * cut)]
    path = tmp_path_factory.mktemp("img") / f"x.{fmt.lower()}"
    path.write_bytes(data)
    for name, task in tasks.items():
        try: img, state = task.start(str(path))
        except ValueError as e:
            msg = one_line(e)
            assert cut is not None or min(w, h) < MIN_IMAGE_SIDE, f"a whole {mode} {fmt} of {w} x {h} refused: {msg}"
            continue
        assert img.dtype == torch.uint8 and img.shape == (task.channels, 64, 64) and state is None

def test_files_that_are_no_image(tasks, tmp_path):
    frames = [Image.fromarray(np.full((32, 32), v, np.uint8)) for v in (0, 255)]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:])
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "noise.png").write_bytes(np.random.default_rng(0).bytes(5000))
    (tmp_path / "notes.png").write_text("hello")
    png = io.BytesIO(); Image.new("L", (64, 64)).save(png, "PNG")
    (tmp_path / "bomb.png").write_bytes(_huge_png(20_000, 20_000))
    (tmp_path / "folder.png").mkdir()
    for task in tasks.values():
        assert task.start(str(tmp_path / "anim.gif"))[0].shape[-1] == 64          # an animation: its first frame
        for f, why in (("empty.png", "empty (0 bytes)"), ("noise.png", "not an image file"), ("notes.png", "not an image file"),
                       ("bomb.png", "too large to open"), ("folder.png", "is a folder")):
            with pytest.raises(ValueError, match=re.escape(why)) as e: task.start(str(tmp_path / f))
            one_line(e.value)
        with pytest.raises(FileNotFoundError): task.start(str(tmp_path / "missing.png"))

def _huge_png(w, h) -> bytes:
    "A valid PNG header declaring w x h pixels (a decompression bomb to open), with one empty row of data."
    import struct, zlib
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * (w // 8 + 2))) + chunk(b"IEND", b""))

# ---- what is no image of the task is not recognised

@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2 ** 16), kind=st.sampled_from(["uniform", "gaussian", "salt"]), w=st.integers(16, 200))
def test_noise_is_not_recognised(editors, seed, kind, w):
    "Noise of any size is not recognised; salt noise from 48 pixels (blown up from fewer, a few white squares on black"
    "can look like a coarse digit to the parser)."
    if kind == "salt": w = max(w, 48)
    rng = np.random.default_rng(seed)
    a = {"uniform": lambda: rng.integers(0, 256, (w, w, 3), dtype=np.uint8),
         "gaussian": lambda: np.clip(rng.normal(128, 40, (w, w, 3)), 0, 255).astype(np.uint8),
         "salt": lambda: np.repeat((rng.random((w, w, 1)) < rng.uniform(0.02, 0.3)).astype(np.uint8) * 255, 3, -1)}[kind]()
    for ed in editors.values():
        img = ed.task.start(Image.fromarray(a))[0]
        state, why = ed.task.read_state(img, ed.reader)
        assert state is None and why.startswith("not recognised"), f"{kind} noise of {w} x {w}: {why}"

def test_the_other_task_and_photos_are_not_recognised(editors):
    from imi.tasks.avatar.attributes import random_avatar, render_avatar
    import skimage.data
    mnist, avatar = editors["mnist"], editors["avatar"]
    av = render_avatar(random_avatar(np.random.default_rng(1)))
    canvas = mnist.task.start("test", seed=3)[0][0].numpy()
    assert mnist.task.read_state(mnist.task.start(av)[0], mnist.reader)[1].startswith("not recognised as a digit canvas")
    assert avatar.task.read_state(avatar.task.start(np.repeat(canvas[..., None], 3, -1))[0], avatar.reader)[1].startswith(
        "not recognised as an avatar: it is grey")
    for ed in editors.values():
        state, why = ed.task.read_state(ed.task.start(skimage.data.astronaut())[0], ed.reader)
        assert state is None and why.startswith("not recognised"), why
    assert mnist.task.read_state(mnist.task.start("test", seed=3)[0], mnist.reader)[0] is not None   # its own images are read
    assert avatar.task.read_state(avatar.task.to_image(av), avatar.reader)[0] is not None

# ---- checkpoints and evaluator files: truncated anywhere, random bytes, another kind

@pytest.fixture(scope="module")
def state_files():
    return {p.name: p.read_bytes() for p in (ROOT / "data" / "checkpoints").glob("*.pt")}

@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(["mnist_cpu.pt", "avatar_sim_cpu.pt", "parser.pt", "avatar_reader.pt"]), cut=st.floats(0, 0.999),
       noise=st.booleans())
def test_damaged_state_files_get_one_sentence(state_files, tmp_path_factory, name, cut, noise):
    from imi.checkpoint import load_checkpoint
    from imi.tasks.avatar.reader import load_reader
    from imi.tasks.mnist.parser import load_parser
    data = state_files[name]
    data = np.random.default_rng(int(cut * 1e6)).bytes(max(1, int(len(data) * cut))) if noise else data[:int(len(data) * cut)]
    path = tmp_path_factory.mktemp("state") / name
    path.write_bytes(data)
    for load in (load_checkpoint, load_parser, load_reader):
        with pytest.raises(ValueError) as e: load(path)
        one_line(e.value)

def test_another_kind_of_imi_file_is_named(state_files, tmp_path):
    from imi.checkpoint import load_checkpoint
    from imi.tasks.mnist.parser import load_parser
    with pytest.raises(ValueError, match="another kind"): load_checkpoint(ROOT / "data" / "checkpoints" / "parser.pt")
    with pytest.raises(ValueError, match="another kind"): load_parser(ROOT / "data" / "checkpoints" / "avatar_reader.pt")
    with pytest.raises(ValueError, match="avatar task, not of the mnist task"): load_checkpoint(AVATAR, task="mnist")

# ---- `--set`: values of the wrong type, unknown keys

VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10 ** 12, 10 ** 12), st.floats(allow_nan=True), st.text(max_size=20),
                   st.lists(st.integers(-5, 5), max_size=4), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))

@settings(max_examples=400, deadline=None)
@given(key=st.sampled_from(sorted(__import__("imi.config", fromlist=["FLAT"]).FLAT) + ["seed", "task_options", "nope"]),
       value=VALUES)
def test_any_config_value_builds_or_is_refused_in_one_line(key, value):
    from imi.config import TrainConfig
    try: cfg = TrainConfig.flat(**{key: value})
    except ValueError as e:
        msg = one_line(e)
        assert key.split(".")[-1] in msg, msg
        return
    if isinstance(value, dict) and key in ("model", "loss", "optim", "schedule", "run"): return   # a stored part, built
    got = cfg.flat_dict()[key]
    if key == "sim" and isinstance(value, bool): assert got == ("paper" if value else "none"); return   # older configs
    assert got == value or (isinstance(value, list) and tuple(value) == got) or float(got) == float(value)

@pytest.mark.parametrize("kv, why", [("width=abc", "model.width takes a whole number"), ("widht=3", "unknown config key"),
                                     ("lr=[", "not a YAML value"), ("batch_size=-1", "must be a positive number")])
def test_train_refuses_bad_settings_before_any_work(kv, why, tmp_path):
    r = subprocess.run([sys.executable, "-m", "imi.train", "--profile", "ci", "--set", kv, f"run_dir={tmp_path}"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and why in r.stderr and r.stderr.count("\n") == 1, r.stderr
    assert not list(tmp_path.iterdir())

# ---- output paths

@settings(max_examples=200, deadline=None)
@given(name=st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00/"), min_size=1, max_size=30),
       suffix=st.sampled_from(["", ".png", ".gif", ".jpg", ".JPEG", ".bmp", ".txt"]))
def test_any_output_name_is_taken_or_refused_in_one_line(tmp_path_factory, name, suffix):
    from imi.cli import FORMATS, output_path
    d = tmp_path_factory.mktemp("out")
    try: p = output_path(str(d / (name + suffix)))
    except ValueError as e: one_line(e); assert (d / (name + suffix)).suffix.lower() not in FORMATS; return
    assert p.suffix.lower() in FORMATS and not list(d.iterdir())

def test_unwritable_output_gets_one_line(tmp_path):
    locked = tmp_path / "locked"; locked.mkdir(); locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK): pytest.skip("running as a user who may write anywhere (root): no permission to deny")
        r = subprocess.run([tool("imi-edit"), "put three on the middle", "-o", str(locked / "x.png")], cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 2 and r.stderr.count("\n") == 1 and "cannot write" in r.stderr, r.stderr
    finally: locked.chmod(0o700)
