"""The companion's site, read in a real browser: `make test-docs` builds it, serves it on 127.0.0.1, and headless
Chromium (Debian's package, driven by Playwright) opens the index, follows the link to the losses section, checks that
an equation was typeset by MathJax (no raw `$$` left), that the Fig 7 image loaded, that every pipeline notebook's page
shows the outputs its executed copy has, that no display equation or table overflows its column at 1280 px, and that no request left localhost.
Screenshots go to site_screens/ (git-ignored). Skips with the reason when a piece is missing."""
import functools, http.server, os, shutil, threading
from pathlib import Path
from urllib.parse import urlparse
import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = Path(os.environ.get("IMI_SITE", ROOT / "site"))
SHOTS = ROOT / "site_screens"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

def _has_outputs(nb: str) -> bool:
    "Whether the executed copy the site was built from has any cell output (a notebook of asserts alone has none)."
    import json
    from imi.docs import executed_dir
    ex = executed_dir(ROOT, os.environ.get("IMI_PROFILE", "cpu")) / f"{nb}.ipynb"
    return not ex.exists() or any(c.get("outputs") for c in json.loads(ex.read_text())["cells"])

@pytest.fixture
def served():
    if not (SITE / "index.html").exists(): pytest.skip(f"no site at {SITE}: run `make docs` first")
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a): pass
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(SITE)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()

def test_site_reads_in_a_real_browser(served):
    if not Path(CHROMIUM).exists(): pytest.skip("no Chromium at /usr/bin/chromium (`apt-get install chromium`)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    SHOTS.mkdir(exist_ok=True)
    outside, failed = [], []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        page.on("request", lambda r: outside.append(r.url) if urlparse(r.url).hostname not in ("127.0.0.1", None) and not r.url.startswith("data:") else None)
        # a request that failed, or a file the server did not have; not about:blank frames, and not a load cut short
        # (ERR_ABORTED) because the test went on to the next page while MathJax was still fetching a font
        page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})")
                if r.url.startswith("http") and "ERR_ABORTED" not in (r.failure or "") else None)
        page.on("response", lambda r: failed.append(f"{r.url} (HTTP {r.status})")
                if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
        page.goto(served + "/index.html"); page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SHOTS / "index.png"))
        page.click("nav a:has-text('Losses')")                        # the sidebar link to the losses section
        page.wait_for_load_state("networkidle")
        assert "03_losses" in page.url
        page.wait_for_function("document.querySelectorAll('.MathJax, .MathJax_Display, mjx-container').length > 0", timeout=30_000)
        n_math = page.evaluate("document.querySelectorAll('.MathJax, .MathJax_Display, mjx-container').length")
        raw = page.evaluate("document.body.innerText.includes('$$')")
        page.screenshot(path=str(SHOTS / "losses.png"), full_page=False)
        assert n_math > 0 and not raw, f"{n_math} typeset equations, raw $$ visible: {raw}"
        page.goto(served + "/07_instruction_analysis.html"); page.wait_for_load_state("networkidle")
        imgs = page.evaluate("Array.from(document.querySelectorAll('img')).map(i => [i.alt, i.naturalWidth, i.src.slice(0, 60)])")
        page.screenshot(path=str(SHOTS / "instruction_analysis.png"))
        assert "Not executed" not in page.evaluate("document.body.innerText"), \
            "the site was built without executed notebooks (make docs runs them from the shipped checkpoints)"
        fig7 = page.evaluate("""(() => { const h = Array.from(document.querySelectorAll('h2, h3')).find(e => e.innerText.includes('Fig 7'));
            let e = h; const imgs = []; while (e && imgs.length == 0) { e = e.nextElementSibling || (e.parentElement && e.parentElement.nextElementSibling);
            if (e) imgs.push(...e.querySelectorAll('img')); } return imgs.length ? imgs[0].naturalWidth : -1; })()""")
        assert fig7 > 0, f"the Fig 7 image did not load (images on the page: {imgs})"
        page.set_viewport_size({"width": 1280, "height": 900})
        empty, wide = [], []
        for nb in sorted(p.stem for p in (ROOT / "nbs").glob("[0-9]*.ipynb") if not p.name.startswith("00")):
            page.goto(f"{served}/{nb}.html"); page.wait_for_load_state("networkidle")
            page.wait_for_timeout(300)
            if page.evaluate("document.querySelectorAll('.cell_output').length") == 0 and _has_outputs(nb): empty.append(nb)
            over = page.evaluate("""(() => { const col = document.querySelector('main, article, .bd-article'); if (!col) return [];
                const right = col.getBoundingClientRect().right + 2;
                return Array.from(document.querySelectorAll('div.math, .MathJax_Display, mjx-container[display="true"], table'))
                  .filter(e => e.getBoundingClientRect().right > right).map(e => e.innerText.slice(0, 40)); })()""")
            if over: wide.append((nb, over[:2]))
        page.goto(served + "/03_losses.html"); page.wait_for_load_state("networkidle"); page.screenshot(path=str(SHOTS / "losses_1280.png"))
        browser.close()
        assert not empty, f"notebook pages without any output: {empty}"
        assert not wide, f"display equations or tables wider than their column at 1280 px: {wide}"
    assert not outside, f"requests left localhost: {outside[:5]}"
    assert not failed, f"failed requests: {failed[:5]}"
