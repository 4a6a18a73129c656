"""The set-up files agree with each other."""
import configparser, re
import yaml
from conftest import ROOT

def _settings():
    c = configparser.ConfigParser(delimiters=["="]); c.read(ROOT / "settings.ini"); return c["DEFAULT"]

def test_environment_yml_agrees_with_settings_and_makefile():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    s = _settings()
    deps = env["dependencies"]
    assert f"python={s['min_python']}" in deps
    pip = next(d["pip"] for d in deps if isinstance(d, dict))
    torch_pin = re.search(r"^TORCH \?= (\S+)", (ROOT / "Makefile").read_text(), re.M).group(1)
    assert torch_pin in pip, f"environment.yml must pin {torch_pin} like the Makefile"
    assert "-e .[dev]" in pip  # everything else comes from settings.ini through setup.py
    assert "torch" in s["requirements"] and "nbdev==2.4.14" in s["dev_requirements"]

def test_settings_keep_papermill_tags_and_test_flags():
    s = _settings()
    assert s["allowed_cell_metadata_keys"].strip() == "tags"
    assert set(s["tst_flags"].split()) == {"slow", "gpu"}
    assert not any("#" in v for v in s.values()), "no inline comments in settings.ini"

def test_profiles_exist_with_fig_dir():
    for p in ("ci", "cpu", "paper"):
        params = yaml.safe_load((ROOT / "params" / f"{p}.yaml").read_text())
        assert "fig_dir" in params and "seed" in params
