import os, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the venv's bin: nbdev_* console scripts live beside python

@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT

def tool(name: str) -> str:
    "Path of a console script of the running environment."
    p = BIN / name
    return str(p) if p.exists() else name
