"""A short MNIST training run whose every logged loss and final weights are recorded (bit-identity reference)."""
import hashlib, json, sys, tempfile
import torch
torch.set_num_threads(1)
try:
    from imi.config import TrainConfig
    from imi.train import Trainer
except ImportError:
    from imi.train import TrainConfig, Trainer
# the config by flat names: `TrainConfig.flat` since the config has parts, the dataclass itself before (older commits)
make = getattr(TrainConfig, "flat", TrainConfig)
has = lambda k: hasattr(TrainConfig, "flat") or k in TrainConfig.__dataclass_fields__
cfg = make(width=8, batch_size=16, train_samples=16 * 24, **({"task_options": {"train_per_class": 2}} if has("task_options") else {"train_per_class": 2}),
           valid_samples=32, precision="fp32", channels_last="yes", output="sigmoid", normalize="none", lr=5e-4, ema=0.999,
           log_every=1, run_dir=tempfile.mkdtemp(), threads=1,
           # the implementation of the recorded run (the fused Adam, the default since, gives the same numbers to float
           # rounding, tested in 05_train, but not the same bits)
           **({"adam": "foreach"} if has("adam") else {}))
tr = Trainer(cfg, quiet=True); tr.fit()
h = hashlib.sha256()
for k, v in sorted(tr.model.state_dict().items()): h.update(k.encode()); h.update(v.detach().cpu().contiguous().numpy().tobytes())
e = hashlib.sha256()
for k, v in sorted(tr.ema.shadow.items()): e.update(v.detach().cpu().contiguous().numpy().tobytes())
out = {"losses": [[r["loss_d"], r["loss_g"], r["fmatch"]] for r in tr.history], "weights_sha256": h.hexdigest(),
       "ema_sha256": e.hexdigest(), "validation_fmatch": tr.validations[-1]["fmatch"]}
json.dump(out, open(sys.argv[1], "w"), indent=1)
print(out["weights_sha256"], out["losses"][-1])
