"""The papermill pipeline: a ci-profile smoke run into a temporary folder, and a failure that names its cell."""
import json, subprocess, sys
import nbformat
import pytest
from conftest import ROOT
from imi.pipeline import run_pipeline, PipelineError, main

def test_ci_profile_runs_every_notebook(tmp_path):
    out, figs = tmp_path / "out", tmp_path / "figs"
    r = subprocess.run([sys.executable, "-m", "imi.pipeline", "--profile", "ci", "--out", str(out),
                        "--fig-dir", str(figs)], cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    m = json.loads((out / "manifest.json").read_text())
    numbered = sorted(p.name for p in (ROOT / "nbs").glob("[0-9]*.ipynb"))
    assert m["status"] == "ok" and [n["notebook"] for n in m["notebooks"]] == numbered
    assert {"git_sha", "parameters", "packages", "device"} <= set(m) and m["parameters"]["fig_dir"] == str(figs)
    assert all((out / n).exists() for n in numbered)
    for f in ("fig5_construction.png", "mnist_counts.csv", "train_curves.png", "train_samples.png", "train_l1.md",
              "parser_audit.md", "mnist_results.md", "fig6.png", "multiturn.png", "fig7_instruction_similarity.png",
              "fig8_move_block.png", "fig9_variance.png", "instruction_claims.md", "interactive_session.png",
              "parser_artefacts.png", "mnist_goals.md", "fig10_avatar_triplets.png", "avatar_reader_audit.md",
              "avatar_counts.md", "fig12_validation_fm.png", "fig13_ssim.png", "fig14_ab.png", "fig15_examples.png",
              "fig16_opposites.png", "aimi_results.md", "aimi_claims.md", "avatar_session.png"):
        assert (figs / f).exists(), f"the ci run did not write {f}"

def _notebook(path, *cells):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "python3", "language": "python"}
    nbformat.write(nb, path)

def test_failure_names_notebook_and_cell(tmp_path):
    nbs = tmp_path / "nbs"; nbs.mkdir()
    _notebook(nbs / "01_ok.ipynb", "fig_dir = None", "x = 1")
    _notebook(nbs / "02_bad.ipynb", "fig_dir = None", "y = 2", "raise ValueError('boom in cell two')")
    _notebook(nbs / "03_never.ipynb", "fig_dir = None")
    with pytest.raises(PipelineError, match=r"02_bad.ipynb failed at cell \d+: ValueError: boom in cell two"):
        run_pipeline("ci", nbs_dir=nbs, out_dir=tmp_path / "out")
    m = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert m["status"] == "failed" and [n["status"] for n in m["notebooks"]] == ["ok", "failed"]
    assert not (tmp_path / "out" / "03_never.ipynb").exists()

def test_unknown_profile_and_selection_errors(capsys):
    with pytest.raises(SystemExit, match="unknown profile 'nope'.*ci"):
        main(["--profile", "nope"])
    with pytest.raises(SystemExit, match="matches none"):
        main(["--profile", "ci", "--only", "99"])
