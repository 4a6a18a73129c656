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
