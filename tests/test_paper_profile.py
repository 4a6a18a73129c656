"""The paper profile cannot rot on machines without a GPU: a few steps of its digit model (width 64, batch 64, the
paper's recipe) train on CPU, validate and checkpoint, and the GPU benchmark says why it skips when there is no GPU."""
import torch
from conftest import ROOT
from imi.pipeline import load_profile
from imi.config import TrainConfig
from imi.train import Trainer

def test_paper_profile_model_trains_a_few_steps_on_cpu(tmp_path):
    params = {**load_profile("paper"), "train_samples": 3 * 64, "valid_samples": 64, "precision": "fp32",
              "run_dir": str(tmp_path), "log_every": 1, "train_per_class": 2}
    cfg = TrainConfig.from_params(params)
    assert (cfg.model.width, cfg.schedule.batch_size, cfg.model.output, cfg.model.normalize, cfg.optim.lr) == (64, 64, "linear", "l2", 2e-4)
    tr = Trainer(cfg, quiet=True)
    res = tr.fit()
    assert res["steps"] == 3 and len(tr.history) == 3 and (tmp_path / "checkpoint.pt").exists()
    assert tr.model.dis.features(torch.zeros(1, 1, 64, 64))[-1].shape[1:] == (512, 4, 4)   # the paper's 512 x 4 x 4

def test_gpu_benchmark_skips_with_a_reason_without_cuda():
    from imi.bench import bench_train
    r = bench_train(device="cuda", width=64, seconds=0.1)
    assert torch.cuda.is_available() or r == {"what": "train", "skipped": "no CUDA device here"}
