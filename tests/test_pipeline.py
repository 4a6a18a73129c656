"""The papermill pipeline: a ci-profile smoke run into a temporary folder, and a failure that names its cell."""
import json, signal, subprocess, sys, time
from pathlib import Path
import nbformat
import pytest
from conftest import ROOT
from imi.pipeline import run_pipeline, PipelineError, main

@pytest.mark.end_to_end
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
    assert sorted(p.name for p in nbs.iterdir()) == ["01_ok.ipynb", "02_bad.ipynb", "03_never.ipynb"]   # no kernel sockets

def test_log_shows_what_cells_print_not_their_text_forms(tmp_path, capsys):
    "A logged run streams what cells print and the progress bars; a displayed table or figure adds no '<... object>' line."
    nbs = tmp_path / "nbs"; nbs.mkdir()
    _notebook(nbs / "01_talk.ipynb", "fig_dir = None",
              "import sys\nfrom IPython.display import Markdown, display\nprint('hello from the cell')\n"
              "print('a warning of the cell', file=sys.stderr)\ndisplay(Markdown('**a table**'))\nMarkdown('last value')",
              "from imi.core import progress\nfor _ in progress(range(3), desc='a long loop', mininterval=0): pass")
    run_pipeline("ci", nbs_dir=nbs, out_dir=tmp_path / "out", log_output=True)
    out, err = capsys.readouterr()
    assert "hello from the cell" in out and "a warning of the cell" in err
    assert "a long loop: 100%" in err     # a text bar, not a widget's one-line text form
    assert "object>" not in out + err and "a table" not in out + err

def test_finished_kernel_is_shut_down_without_an_interrupt():
    "jupyter_client sends SIGINT before a shutdown; ours does not (ipykernel logs an error when it meets a message)."
    import asyncio
    from imi.pipeline import ipc_kernel_manager
    km = ipc_kernel_manager()()
    km.shutting_down = True
    asyncio.run(km._async_interrupt_kernel())          # no kernel and shutting down: nothing sent, nothing raised
    km.shutting_down = False                            # any other interrupt (a cell's timeout) still goes through
    with pytest.raises(RuntimeError, match="No kernel is running"): asyncio.run(km._async_interrupt_kernel())

def test_unknown_profile_and_selection_errors(capsys):
    with pytest.raises(SystemExit, match="unknown profile 'nope'.*ci"):
        main(["--profile", "nope"])
    with pytest.raises(SystemExit, match="matches none"):
        main(["--profile", "ci", "--only", "99"])

def _three_notebooks(nbs, flag):
    "01 and 03 are instant; 02 sleeps while `flag` exists, after writing `started` beside it."
    _notebook(nbs / "01_first.ipynb", "fig_dir = None", "x = 1")
    _notebook(nbs / "02_slow.ipynb", "fig_dir = None",
              f"import os, pathlib, time\nflag = pathlib.Path({str(flag)!r})\n"
              "if flag.exists():\n    (flag.parent / 'started').write_text(str(os.getpid()))\n    time.sleep(300)")
    _notebook(nbs / "03_last.ipynb", "fig_dir = None", "z = 3")

def _alive(pid: int) -> bool:
    "Whether process `pid` still runs (a zombie, dead but not yet reaped, counts as gone)."
    try: return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError): return False

@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_run_resumes(tmp_path, sig, capsys):
    nbs, out, flag = tmp_path / "nbs", tmp_path / "out", tmp_path / "slow"
    nbs.mkdir(); flag.write_text("sleep"); _three_notebooks(nbs, flag)
    code = ("import faulthandler, signal, sys\nfaulthandler.register(signal.SIGUSR1, all_threads=True)\n"
            "from imi.pipeline import run_pipeline, PipelineInterrupted\n"
            f"try: run_pipeline('ci', nbs_dir={str(nbs)!r}, out_dir={str(out)!r})\n"
            "except PipelineInterrupted as e: print(e); sys.exit(130)")
    p = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    t0 = time.time()
    while not (tmp_path / "started").exists():
        assert p.poll() is None and time.time() - t0 < 240, "the run ended (or hung) before the slow notebook began"
        time.sleep(0.2)
    p.send_signal(sig)
    try: log = p.communicate(timeout=120)[0]
    except subprocess.TimeoutExpired:              # say where it hangs: every thread's stack, then stop it
        p.send_signal(signal.SIGUSR1); time.sleep(3); p.kill()
        pytest.fail(f"the run did not stop within 120 s of {sig.name}:\n{p.communicate()[0][-6000:]}")
    assert p.returncode == 130 and "interrupted during 02_slow.ipynb" in log, log[-2000:]
    kernel = int((tmp_path / "started").read_text())       # the busy kernel did not outlive the run
    t0 = time.time()
    while time.time() - t0 < 10 and _alive(kernel): time.sleep(0.2)
    assert not _alive(kernel), f"the kernel {kernel} of the interrupted notebook still runs"
    m = json.loads((out / "manifest.json").read_text())
    assert m["status"] == "interrupted" and [e["notebook"] for e in m["notebooks"]] == ["01_first.ipynb"]
    finished = sorted(q.name for q in out.glob("[0-9]*.ipynb"))
    assert finished == ["01_first.ipynb"], finished          # the half-run 02 does not look finished
    assert (out / "incomplete" / "02_slow.ipynb").exists()
    first = (out / "01_first.ipynb").stat().st_mtime_ns
    flag.unlink()                                            # the same command again: it resumes
    m = run_pipeline("ci", nbs_dir=nbs, out_dir=out)
    assert "resuming the interrupted run" in capsys.readouterr().out
    assert m["status"] == "ok" and [e["notebook"] for e in m["notebooks"]] == ["01_first.ipynb", "02_slow.ipynb", "03_last.ipynb"]
    assert (out / "01_first.ipynb").stat().st_mtime_ns == first and (out / "03_last.ipynb").exists()
    assert not (out / "incomplete" / "02_slow.ipynb").exists()

def test_fresh_run_leaves_no_older_copy(tmp_path):
    "A finished run is not resumed: the next run starts over and removes the copies it has not redone yet."
    nbs, out = tmp_path / "nbs", tmp_path / "out"; nbs.mkdir()
    _notebook(nbs / "01_ok.ipynb", "fig_dir = None", "x = 1")
    _notebook(nbs / "02_bad.ipynb", "fig_dir = None", "y = 2")
    run_pipeline("ci", nbs_dir=nbs, out_dir=out)
    _notebook(nbs / "01_ok.ipynb", "fig_dir = None", "raise ValueError('now broken')")
    with pytest.raises(PipelineError, match="01_ok.ipynb failed"):
        run_pipeline("ci", nbs_dir=nbs, out_dir=out)
    assert not list(out.glob("[0-9]*.ipynb")), "the previous run's 02 would pass for part of this one"
