"""A real-browser test of the interactive widget: JupyterLab on localhost, headless Chromium driven by Playwright
opens a notebook, runs the widget cell, types an instruction, presses Enter and sees a new image in the strip.
Run with `make test-ui` (it installs JupyterLab, Playwright and Debian's chromium). Skips with the reason when a
piece is missing."""
import json, os, shutil, socket, subprocess, sys, time, urllib.request
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKPOINT = ROOT / "data" / "checkpoints" / "mnist_cpu.pt"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); return s.getsockname()[1]

@pytest.fixture
def lab(tmp_path):
    if not Path(CHROMIUM).exists(): pytest.skip("no Chromium at /usr/bin/chromium (`apt-get install chromium`)")
    pytest.importorskip("jupyterlab", reason="JupyterLab is not installed (`make test-ui` installs it)")
    if not CHECKPOINT.exists(): pytest.skip(f"no shipped checkpoint at {CHECKPOINT}")
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source":
                     f"from imi.interactive import Editor, EditorWidget\nEditorWidget(Editor(r'{CHECKPOINT}'))"}],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "ui.ipynb").write_text(json.dumps(nb))
    port = _free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt")}
    proc = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
                             "--ServerApp.token=", "--ServerApp.password=", "--allow-root",
                             f"--ServerApp.root_dir={tmp_path}"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(url + "/api/status", timeout=1); break
        except OSError: time.sleep(0.5)
    else:
        proc.kill(); pytest.fail("JupyterLab did not start:\n" + proc.stdout.read().decode()[-3000:])
    yield url
    proc.terminate()
    try: proc.wait(10)
    except subprocess.TimeoutExpired: proc.kill()

def test_widget_edits_in_a_real_browser(lab, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{lab}/lab/tree/ui.ipynb")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
        prompt = ".jp-Notebook .jp-Cell .jp-InputPrompt"
        for attempt in range(6):   # the indicator can read idle before the editor takes keys: try until the cell runs
            page.click(".jp-Notebook .jp-Cell .jp-InputArea-editor")
            page.keyboard.press("Shift+Enter")
            try: page.wait_for_function(f"!document.querySelector('{prompt}').innerText.includes('[ ]')", timeout=10_000); break
            except sync_api.TimeoutError: continue
        else: pytest.fail("the widget cell never started running after Shift+Enter, six times over a minute")
        box = page.wait_for_selector("input[placeholder^='e.g. put three']", timeout=120_000)
        strip_imgs = ".jp-OutputArea-output .widget-hbox .widget-vbox img"
        page.wait_for_function(f"document.querySelectorAll(\"{strip_imgs}\").length == 1", timeout=30_000)
        box.fill("put three on the middle")
        box.press("Enter")
        page.wait_for_function(f"document.querySelectorAll(\"{strip_imgs}\").length == 2", timeout=60_000)
        assert "applied" in page.inner_text(".jp-OutputArea-output")
        box.fill("put three on the moon")
        box.press("Enter")
        page.wait_for_function("document.querySelector('.jp-OutputArea-output').innerText.includes('moon')", timeout=30_000)
        assert page.locator(strip_imgs).count() == 2     # a bad instruction changes nothing
        shot = ROOT / "figures" / "executed" / "ui_test.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot))
        browser.close()
