# Two commands on a fresh machine with Python 3.11:  make test  |  make reproduce [PROFILE=cpu|ci|paper]
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
TORCH ?= torch==2.13.0
PROFILE ?= cpu
BIN := $(VENV)/bin
STAMP := $(VENV)/.imi-installed

.PHONY: install install-docs browser test test-ci test-ui test-docs reproduce figures compositional docs lab bench-dataset export clean-nbs

# Create .venv when missing; install torch first (a CPU wheel here; TORCH= picks another spec), then imi[dev].
$(STAMP): settings.ini setup.py
	@test -x $(BIN)/python || { echo "creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q "$(TORCH)"
	$(BIN)/python -m pip install -q -e ".[dev]"
	@touch $@

install: $(STAMP)

# Notebooks clean and imi/ in sync with nbs/ first (tests/test_sync.py), then every test but the end-to-end ones, in two
# processes (pytest-xdist; JOBS=1 for one). Every notebook runs here once, under nbdev's test runner.
JOBS ?= 2
test: install
	$(BIN)/python -m pytest -q -x tests/test_sync.py
	$(BIN)/python -m pytest -q -n $(JOBS) -m "not end_to_end" tests

# The end-to-end test CI adds (about 10 minutes on 2 cores): every numbered notebook through the papermill pipeline at
# the ci profile, training its tiny models, into a temporary folder; the manifest and every figure checked.
test-ci: install
	$(BIN)/python -m pytest -q -m end_to_end tests

# The real-browser test of the interactive widget: JupyterLab + headless Chromium (Debian's package) + Playwright.
test-ui: install browser
	$(BIN)/python -m pytest -q tests_ui/test_browser.py

# Debian's Chromium and Playwright for the browser tests (they skip with the reason when this fails).
browser: install
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
		|| echo "could not install chromium: the browser tests will skip"
	$(BIN)/python -m pip install -q playwright

reproduce: install
	$(BIN)/python -m imi.pipeline --profile $(PROFILE) $(ARGS)

# The quick path: every figure and table from the shipped checkpoints (data/checkpoints/), no training.
figures: install
	$(BIN)/python -m imi.pipeline --profile $(PROFILE) --set use_shipped=true $(ARGS)

# The compositional study (06c): two digit models on the compositional split (seeds 0 and 1, about 38 minutes each on
# 2 CPU cores; an interrupted or finished run is resumed from its checkpoint), then figures/compositional.{md,csv} and
# compositional_examples.png, with the shipped paper-split model (the same recipe) as the reference. The study of the
# recipe before (transposed convolutions) is figures/compositional_transposed.*.
compositional: install
	@for s in 0 1; do $(BIN)/python -m imi.train --profile cpu --resume --set split=compositional seed=$$s \
		run_dir=runs/compositional-s$$s || exit 1; done
	$(BIN)/python -m imi.pipeline --profile cpu --only 06c --set use_shipped=true \
		"compositional_checkpoints=[../runs/compositional-s0/checkpoint.pt, ../runs/compositional-s1/checkpoint.pt]"

# The static site (site/index.html) from the executed notebooks of the latest run of PROFILE (default cpu).
DOCS_STAMP := $(VENV)/.imi-docs-installed
$(DOCS_STAMP): $(STAMP) settings.ini
	$(BIN)/python -m pip install -q -e ".[dev,docs]"
	@touch $@
install-docs: $(DOCS_STAMP)

docs: install-docs
	$(BIN)/python -m imi.docs --profile $(PROFILE)

# The site in a real browser: headless Chromium (Debian's package) driven by Playwright; screenshots in site_screens/.
test-docs: docs browser
	$(BIN)/python -m pytest -q tests_ui/test_docs.py

# JupyterLab on the project's environment, in nbs/.
lab: install
	$(BIN)/jupyter lab --notebook-dir=nbs

bench-dataset: install
	$(BIN)/python -m imi.bench dataset

# Developer helpers: regenerate imi/ from nbs/, and strip notebook metadata/outputs.
export: install
	$(BIN)/nbdev_export

clean-nbs: install
	$(BIN)/nbdev_clean
