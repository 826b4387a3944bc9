# `make html` builds the site, `make test` runs the tests, `make serve` rebuilds on each save
# (http://127.0.0.1:8000), `make dist` builds the rnn_notes wheel, `make bench` times the
# build; all set up .venv/ first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
KERNEL_CONFIG := $(VENV)/etc/ipython/ipython_kernel_config.py
SPHINXOPTS ?=

.PHONY: html test serve dist bench clean clean-cache python-matches-venv

# -j auto: notebooks execute in parallel, one worker per core.
html: $(STAMP) $(KERNEL_CONFIG)
	$(BIN)/sphinx-build -j auto -c . -b html -nW --keep-going $(SPHINXOPTS) docs _build/html

test: html
	$(BIN)/python -m pytest

serve: $(STAMP) $(KERNEL_CONFIG)
	$(BIN)/sphinx-autobuild -c . -n --keep-going $(SPHINXOPTS) --watch tests/published_links.txt --watch rnn_notes docs _build/html

dist: $(STAMP)
	$(BIN)/python -m build --wheel --outdir dist .

# Timings for this machine (not a test): builds throwaway copies, never touches _build/.
bench: $(STAMP) $(KERNEL_CONFIG)
	$(BIN)/python benchmarks/bench.py

PYTHON_MISSING = { echo "error: '$(PYTHON)' not found; install Python 3.11 or run: make PYTHON=/path/to/python3.11"; exit 1; }
PY_VERSION = import sys; print(sys.version)

# (Re)install when requirements.txt or pyproject.toml is newer than the last install.
$(STAMP): requirements.txt pyproject.toml | python-matches-venv
	@command -v $(PYTHON) >/dev/null || $(PYTHON_MISSING)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "error: rnn_notes needs Python >= 3.11, '$(PYTHON)' is $$($(PYTHON) -V 2>&1); run: make PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -r requirements.txt -e .
	touch $@

# A PYTHON given to make must be the interpreter .venv/ was made with; otherwise say how to switch.
python-matches-venv:
ifneq ($(origin PYTHON),file)
	@if [ -x $(BIN)/python ]; then \
	  command -v $(PYTHON) >/dev/null || $(PYTHON_MISSING); \
	  wanted=$$($(PYTHON) -c '$(PY_VERSION)' 2>/dev/null) || { echo "error: '$(PYTHON)' does not run; give its full path: make PYTHON=/path/to/python3.11"; exit 1; }; \
	  if [ "$$wanted" != "$$($(BIN)/python -c '$(PY_VERSION)')" ]; then \
	    echo "error: $(VENV)/ was made with Python $$($(BIN)/python -V 2>&1 | cut -d' ' -f2), not with '$(PYTHON)' (Python $${wanted%% *}); to switch, run: rm -rf $(VENV) && make PYTHON=$(PYTHON) $(MAKECMDGOALS)"; \
	    exit 1; \
	  fi; \
	fi
endif

# Notebook kernels log errors only: their "TCP without encryption" warning is noise here.
$(KERNEL_CONFIG): $(STAMP)
	mkdir -p $(@D)
	echo 'c.IPKernelApp.log_level = "ERROR"' > $@

# Keeps the notebook cache (.jupyter_cache/), so the next build executes nothing new.
clean:
	rm -rf _build dist build
	@echo "kept the notebook cache in .jupyter_cache/; 'make clean-cache' removes it"

clean-cache:
	rm -rf .jupyter_cache
