"""The shape of the package (issue #15): no import loops, the generic modules import no task, modules stay small."""
import ast
from pathlib import Path
from conftest import ROOT

GENERIC = ("core", "model", "losses", "sim", "metrics", "config", "accel", "checkpoint", "train", "task")

def _modules() -> dict[str, Path]:
    return {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
            for p in (ROOT / "imi").rglob("*.py") if p.name != "_modidx.py"}

def _imports(name: str, path: Path, known: set) -> set:
    "Every imi module `path` imports, at the top or inside a function (relative imports resolved)."
    pkg = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import): names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(pkg[:len(pkg) - node.level + 1] + ([node.module] if node.module else [])) if node.level else node.module
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        else: continue
        out |= {n for n in names if n in known and n != name}
    return out

def test_no_import_loops_and_generic_modules_import_no_task():
    mods = _modules(); known = set(mods)
    graph = {m: _imports(m, p, known) for m, p in mods.items()}
    for g in GENERIC:
        bad = [d for d in graph[f"imi.{g}"] if d.startswith("imi.tasks.")]
        assert not bad, f"imi.{g} imports task modules {bad}"
    state = {}
    def visit(m, stack):
        state[m] = "open"
        for d in graph[m]:
            if state.get(d) == "open": raise AssertionError(f"import loop: {' -> '.join(stack + [m, d])}")
            if d not in state: visit(d, stack + [m])
        state[m] = "done"
    for m in graph:
        if m not in state: visit(m, [])

def test_modules_stay_small():
    big = {m: n for m, p in _modules().items() if (n := len(p.read_text().splitlines())) > 330}
    assert not big, f"modules over about 300 lines: {big}"

def _definitions():
    "(module path, name, docstring) of every function and class of the package."
    for m, p in _modules().items():
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                yield m, node.name, ast.get_docstring(node, clean=False)

def test_module_docstrings_are_whole_sentences():
    "nbdev exports the first line of a notebook's summary only: a summary wrapped over two lines is cut mid-sentence."
    cut = {}
    for m, p in _modules().items():
        text = p.read_text()
        if not text.strip(): continue     # an empty __init__ that nbdev writes for a sub-package
        doc = ast.get_docstring(ast.parse(text))
        if not doc or not doc.rstrip().endswith((".", "?", "!")): cut[m] = (doc or "")[-60:]
    assert not cut, f"module docstrings missing or cut mid-sentence (write the notebook's summary on one line): {cut}"

def test_one_line_docstrings_fit_a_line():
    long = [f"{m}.{n} ({len(d)})" for m, n, d in _definitions() if d and "\n" not in d and len(d) > 120]
    assert not long, f"one-line docstrings over 120 characters (give them a short first line and a body): {long}"

def test_no_unused_imports_or_undefined_names():
    "pyflakes' checks (ruff's F rules) on the exported package: an import a notebook cell hides is caught here."
    import subprocess
    from conftest import tool
    r = subprocess.run([tool("ruff"), "check", "--select", "F", "--output-format", "concise", "imi"], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-1000:]

FRESH = """
import importlib, pathlib, numpy as np
for p in sorted(pathlib.Path("imi").rglob("*.py")):
    importlib.import_module(".".join(p.with_suffix("").parts).removesuffix(".__init__"))
from imi.tasks.avatar.experiment import per_triplet
from imi.tasks.avatar.attributes import ATTR_NAMES
n, a = 3, len(ATTR_NAMES)
pa = np.ones((n, a)); pa[0] = np.nan      # a triplet where no part shows: its means are NaN, without a warning
cols = per_triplet({"preserved_attr": pa, "success": np.array([1, 0, 1]), "preserved": np.array([1, 1, 0]),
                    "background": np.ones(n), "outside_error": np.zeros(n), "ssim": np.ones(n)})
assert np.isnan(cols["clothes_preserved"][0]) and cols["clothes_preserved"][1] == 1, cols
print("ok")
"""

def test_every_module_imports_in_a_fresh_interpreter():
    "Outside the notebooks: no module leans on an import that only a hidden notebook cell makes."
    import subprocess, sys
    r = subprocess.run([sys.executable, "-c", FRESH], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stderr[-3000:]

def test_no_references_a_reader_cannot_follow():
    "Notebooks and the README cite no issue numbers and no documents outside the repository (the spec's sections)."
    import json, re
    pat = re.compile(r"\bissue \d+|\bissue #\d+|\(#\d+\)|spec §|§9 item")
    texts = {p.name: "".join("".join(c["source"]) for c in json.loads(p.read_text())["cells"]) for p in (ROOT / "nbs").glob("*.ipynb")}
    texts["README.md"] = (ROOT / "README.md").read_text()
    found = {k: sorted(set(pat.findall(v))) for k, v in texts.items() if pat.search(v)}
    assert not found, f"references a reader of the repository cannot follow: {found}"
