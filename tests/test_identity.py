"""MNIST training is bit-identical to the code before the house issue (#15): a short seeded run, one thread, fp32.
The reference (tests/data/mnist_short_run.json) was recorded at commit 78fdfc1, before the trainer was split; on a
machine with the same torch build and CPU capability the weights must match bit for bit, elsewhere the logged losses
must agree to float tolerance over the first steps (kernels differ between CPU families, and a GAN's small differences
grow: on an AVX2 CPU the AVX512 run's losses are 1e-3 apart by step 9). A second reference, recorded on an AVX2 CPU from
the same code, holds the bits there, and a third one an AMD CPU with AVX512 (its kernels differ from an Intel CPU's of the
same capability, so a reference is matched by torch build, capability and CPU vendor)."""
import json, platform, subprocess, sys
from pathlib import Path
import torch
from conftest import ROOT

def cpu_vendor() -> str:
    "The CPU's vendor (GenuineIntel, AuthenticAMD) from /proc/cpuinfo, else the platform's processor string."
    info = Path("/proc/cpuinfo")
    for line in (info.read_text().splitlines() if info.exists() else []):
        if line.startswith("vendor_id"): return line.split(":", 1)[1].strip()
    return platform.processor()

def test_short_mnist_run_matches_the_recorded_reference(tmp_path):
    out = tmp_path / "run.json"
    r = subprocess.run([sys.executable, str(ROOT / "tests" / "short_run.py"), str(out)], cwd=ROOT, capture_output=True,
                       text=True, timeout=600, env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr[-3000:]
    got, ref = json.loads(out.read_text()), json.loads((ROOT / "tests" / "data" / "mnist_short_run.json").read_text())
    assert len(got["losses"]) == len(ref["losses"]) == 24
    here = (torch.__version__, torch.backends.cpu.get_cpu_capability(), cpu_vendor())
    for rec in [ref, *ref.get("others", [])]:
        if (rec["recorded"]["torch"], rec["recorded"]["cpu_capability"], rec["recorded"]["vendor"]) == here:
            assert got["weights_sha256"] == rec["weights_sha256"] and got["ema_sha256"] == rec["ema_sha256"], rec["recorded"]
            assert got["losses"] == rec["losses"]
    for a, b in zip(got["losses"][:8], ref["losses"][:8]):
        for x, y in zip(a, b): assert abs(x - y) <= 1e-3 * abs(y) + 1e-4, (a, b)
