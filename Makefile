# `make html` builds the site, `make test` runs the tests, `make serve` rebuilds on each save
# (http://127.0.0.1:8000), `make dist` builds the rnn_notes wheel; all set up .venv/ first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPHINXOPTS ?=

.PHONY: html test serve dist clean

# -T prints the full traceback, so a failed check is named in the output (page, cell, assertion).
html: $(STAMP)
	$(BIN)/sphinx-build -c . -b html -nW --keep-going -T $(SPHINXOPTS) docs _build/html

test: html
	$(BIN)/python -m pytest

serve: $(STAMP)
	$(BIN)/sphinx-autobuild -c . -n --keep-going $(SPHINXOPTS) --watch tests/published_links.txt docs _build/html

dist: $(STAMP)
	$(BIN)/python -m build --wheel --outdir dist .

# (Re)install when requirements.txt or pyproject.toml is newer than the last install.
$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: '$(PYTHON)' not found; install Python 3.11 or run: make PYTHON=/path/to/python3.11"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "error: rnn_notes needs Python >= 3.11, '$(PYTHON)' is $$($(PYTHON) -V 2>&1); run: make PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -r requirements.txt -e .
	touch $@

clean:
	rm -rf _build dist
