"""Training from the command line: DistributedDataParallel on 2 CPU processes matches one process on the same
global batch, and bad checkpoints or configs fail with a clear message."""
import os, subprocess, sys
from pathlib import Path
import torch
import pytest
from conftest import ROOT, tool
from imi.checkpoint import load_checkpoint
from imi.model import IMI, ModelConfig

TINY = ["log_every=1", "width=4", "batch_size=8", "train_samples=32", "train_per_class=1", "valid_samples=16", "precision=fp32"]

def _train(run_dir, launcher, extra=()):
    cmd = [*launcher, "-m", "imi.train", "--profile", "ci", "--set", *TINY, f"run_dir={run_dir}", *extra]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    return r

def test_ddp_two_processes_match_one(tmp_path):
    one = _train(tmp_path / "one", [sys.executable])
    assert one.returncode == 0, one.stderr[-3000:]
    two = _train(tmp_path / "two", [tool("torchrun"), "--standalone", "--nproc_per_node=2"])
    assert two.returncode == 0, two.stdout[-2000:] + two.stderr[-3000:]
    a, b = load_checkpoint(tmp_path / "one" / "checkpoint.pt"), load_checkpoint(tmp_path / "two" / "checkpoint.pt")
    assert a["step"] == b["step"] == 4
    # every step's loss terms (means over the global batch) and eq-23 decisions agree (to 3e-4: the reductions run in
    # another order, and the differences grow with the steps; 1.05e-4 at step 4 on an AVX2 CPU)...
    for ha, hb in zip(a["history"], b["history"], strict=True):
        assert ha["d_step_frac"] == hb["d_step_frac"]
        for k in ("loss_d", "loss_g", "fmatch", "label_real"):
            assert abs(ha[k] - hb[k]) <= 3e-4 * abs(ha[k]) + 1e-5, (ha["step"], k, ha[k], hb[k])
    # ...and so do the weights: their difference is small next to how far training moved them (2.0% of it on an AVX2
    # CPU, the same at the commit before the trainer became one class; below 2% on AVX-512 Xeons)
    torch.manual_seed(0)
    init = IMI(ModelConfig.from_dict(a["model_config"])).state_dict()
    flat = lambda sd: torch.cat([sd[k].float().flatten() for k in init if sd[k].is_floating_point()])
    wa, wb, w0 = flat(a["model"]), flat(b["model"]), flat(init)
    moved, differ = (wa - w0).abs().mean().item(), (wa - wb).abs().mean().item()
    assert moved > 1e-5 and differ < 0.05 * moved, (moved, differ)
    assert (tmp_path / "two" / "summary.json").exists()

def test_cli_errors(tmp_path):
    bad = tmp_path / "bad"; bad.mkdir(); (bad / "checkpoint.pt").write_bytes(b"garbage")
    r = _train(bad, [sys.executable], ["--resume"])
    assert r.returncode == 2 and "not a readable imi checkpoint" in r.stderr
    r = subprocess.run([sys.executable, "-m", "imi.train", "--profile", "ci", "--set", "widht=3"], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 2 and "unknown config key 'widht'" in r.stderr

def test_a_checkpoint_save_interrupted_midway_leaves_the_last_whole_one(tmp_path, monkeypatch):
    "Ctrl-C (or a full disk) during a save: the checkpoint on disk is the last whole one, and the run resumes from it."
    import imi.checkpoint as ckmod
    from imi.config import TrainConfig
    from imi.pipeline import load_profile
    from imi.train import Trainer
    cfg = TrainConfig.from_params({**load_profile("ci"), "train_samples": 128, "batch_size": 16, "run_dir": str(tmp_path)})
    tr = Trainer(cfg, quiet=True)
    tr.fit()
    path = tr.checkpoint()
    whole = load_checkpoint(path)["step"]
    tr.step += 1                                    # a later state, whose save is cut off halfway
    real_save = torch.save
    def half_then_interrupt(obj, f, *a, **kw):
        real_save(obj, f, *a, **kw)
        data = Path(f).read_bytes(); Path(f).write_bytes(data[:len(data) // 2])
        raise KeyboardInterrupt
    monkeypatch.setattr(ckmod.torch, "save", half_then_interrupt)
    with pytest.raises(KeyboardInterrupt): tr.checkpoint()
    monkeypatch.setattr(ckmod.torch, "save", real_save)
    assert load_checkpoint(path)["step"] == whole == cfg.steps
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [], "a half-written file was left"
    tr2 = Trainer(cfg.replace(train_samples=160), quiet=True)    # resumes from the whole one and trains on
    assert tr2.fit(resume=True)["steps"] == tr2.cfg.steps and tr2.step > whole
