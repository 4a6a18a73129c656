"""The dot grid as a number for the models of this comparison: `imi.metrics.grid_share` (the share of spectral power at
period 2, per mille) of their outputs on 2,000 seeded test triplets, beside the ground truth's.
Run from the repository root: python figures/upsample_full/grid_share.py (needs the runs/ checkpoints named below)."""
import subprocess
from pathlib import Path
import numpy as np, torch
from imi.core import git_sha, device_info, write_text
from imi.metrics import grid_share
from imi.checkpoint import load_checkpoint, model_from_checkpoint
from imi.model import generate_batch
from imi.tasks.mnist.data import load_mnist, make_splits

RUNS = {"transposed, seed 0 (the model shipped until git 86328d5)": "runs/transposed-s0-shipped.pt",
        "transposed, seed 1": "runs/transposed-s1/checkpoint.pt",
        "resize, seed 0 (shipped now)": "runs/resize-s0/checkpoint.pt", "resize, seed 1": "runs/resize-s1/checkpoint.pt",
        "transposed, compositional split, seed 0": "runs/compositional-s0/checkpoint.pt",
        "transposed, compositional split, seed 1": "runs/compositional-s1/checkpoint.pt"}
old = Path("runs/transposed-s0-shipped.pt")     # the transposed model as it was shipped, from git
if not old.exists(): old.write_bytes(subprocess.run(["git", "show", "86328d5:data/checkpoints/mnist_cpu.pt"], capture_output=True, check=True).stdout)
test = make_splits(load_mnist(seed=0), seed=0)["test"]
idx = torch.randperm(len(test), generator=torch.Generator().manual_seed(0))[:2000].sort().values
b = test.batch(idx)
big = b["target_label"][:, 3] * b["target_label"][:, 4] >= 4      # target boxes of 2x2 cells or more (of the 3x3 grid): large digits
share = lambda x, m=slice(None): float(np.nanmean(1e3 * grid_share(x[m]).numpy()))
rows = [("ground truth", share(b["target"]), share(b["target"], big))]
for name, path in RUNS.items():
    if not Path(path).exists(): print(f"skipped (missing): {path}"); continue
    g = generate_batch(model_from_checkpoint(load_checkpoint(path)), b["source"], b["tokens"], b["length"], seed=0)
    rows.append((name, share(g), share(g, big)))
gt = rows[0][1]
lines = [f"grid_share x 1000 (imi.metrics.grid_share) on 2,000 seeded test triplets (seed 0), {int(big.sum())} of them with a "
         f"target box of 2x2 cells or more; git {git_sha()[:12]}, {device_info()['processor']} ({device_info()['cpu_count']} cores).", "",
         "| model | grid, all | / ground truth | grid, large targets |", "|---|---|---|---|"]
lines += [f"| {n} | {a:.2f} | {a / gt:.1f} | {l:.2f} |" for n, a, l in rows]
write_text("figures/upsample_full/grid_share.md", "\n".join(lines) + "\n"); print("\n".join(lines))
