# `make html` builds the site, `make test` runs the tests, `make serve` rebuilds on each save
# (http://127.0.0.1:8000), `make dist` builds the rnn_notes wheel, `make bench` times the
# build, `make pdf` prints the built site as PDFs (_build/pdf/), `make lock` rewrites the lock (requirements.txt); all set up .venv/ first.
PYTHON ?= python3
# An extra package index for pip, not a default. On Linux, pip's torch is the CUDA build (GBs);
# the CPU-only one: make TORCH_INDEX=https://download.pytorch.org/whl/cpu html
TORCH_INDEX ?=
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
KERNEL_CONFIG := $(VENV)/etc/ipython/ipython_kernel_config.py
SPHINXOPTS ?=

.PHONY: html test serve dist bench pdf lock clean clean-cache python-matches-venv

# -j auto: notebooks execute in parallel, one worker per core.
SPHINX_HTML = $(BIN)/sphinx-build -j auto -c . -b html -nW --keep-going $(SPHINXOPTS) docs _build/html
html: $(STAMP) $(KERNEL_CONFIG)
	$(SPHINX_HTML)

# Two phases, each announced and timed: the site build (`make html`), then the tests on every core
# (pytest-xdist; `pytest -m unit` alone needs no workers). The tests start slowest kind first
# (slow, browser, site, unit: tests/conftest.py) and keep that order (--no-loadscope-reorder);
# each kind says when it starts and ends, with a status line at least every 30 s
# (tests/phases.py). loadgroup runs each page's browser tests on one worker, which opens the
# page once for all of them.
# PYTESTFLAGS: more pytest options, e.g. make test PYTESTFLAGS="-m 'unit or site'".
PYTEST_CORES = -n auto --dist loadgroup --no-loadscope-reorder
PYTESTFLAGS ?=
NOW = date +%s
test: $(STAMP) $(KERNEL_CONFIG)
	@echo "make test, 1 of 2: building the site like make html (seconds if nothing changed, minutes if notebooks run)"
	@start=$$($(NOW)); $(SPHINX_HTML) && echo "make test, 1 of 2: site built in $$(( $$($(NOW)) - start )) s"
	@echo "make test, 2 of 2: the tests, slowest kind first (each kind of test says when it starts and ends)"
	@start=$$($(NOW)); $(BIN)/python -m pytest $(PYTEST_CORES) $(PYTESTFLAGS); status=$$?; \
	  echo "make test, 2 of 2: the tests ran in $$(( $$($(NOW)) - start )) s"; exit $$status

serve: $(STAMP) $(KERNEL_CONFIG)
	$(BIN)/sphinx-autobuild -c . -n --keep-going $(SPHINXOPTS) --watch tests/published_links.txt --watch rnn_notes docs _build/html

# --no-isolation: built with the locked setuptools in .venv/, so it needs no index.
dist: $(STAMP)
	$(BIN)/python -m build --wheel --no-isolation --outdir dist .

# Timings for this machine (not a test): builds throwaway copies, never touches _build/.
bench: $(STAMP) $(KERNEL_CONFIG)
	PYTHONPATH=_ext:tools $(BIN)/python benchmarks/bench.py

# The print edition, from the built site (run `make html` first), offline, with Debian's Chromium
# (tools/pdf_book.py): _build/pdf/rnn_notes.pdf, the whole course, and one PDF per chapter.
# SOLUTIONS=1: the instructors' edition (files named *-soluciones.pdf); PAPER=letter for US Letter.
PAPER ?= a4
SOLUTIONS ?=
pdf: $(STAMP)
	$(BIN)/python tools/pdf_book.py --paper $(PAPER) $(if $(SOLUTIONS),--solutions)

PYTHON_MISSING = { echo "error: '$(PYTHON)' not found; install Python 3.11 or run: make PYTHON=/path/to/python3.11"; exit 1; }
PY_VERSION = import sys; print(sys.version)

# (Re)install when the lock or pyproject.toml is newer than the last install: every package at
# its locked version, then rnn_notes itself (its dependencies are in the lock).
# tools/install_lock.py runs pip with its progress bars, says up front that this needs the package
# index (once; torch is the large download), is never silent for 30 s, and when the index cannot
# be reached says so and that later builds work offline. Its log: .venv/pip-install.log.
$(STAMP): requirements.txt pyproject.toml | python-matches-venv
	@command -v $(PYTHON) >/dev/null || $(PYTHON_MISSING)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "error: rnn_notes needs Python >= 3.11, '$(PYTHON)' is $$($(PYTHON) -V 2>&1); run: make PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python tools/install_lock.py $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX)) -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
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

# The lock: every package's exact version, from pyproject.toml (the package) and
# requirements/{site,test,dev}.in. pip-tools rather than uv: pip-compile resolves through pip
# and its config (find-links, extra indexes, constraints), which is where this machine's local
# CPU torch wheel is; uv ignores pip's config and would fetch the multi-GB CUDA torch.
# Pins that still fit are kept; `make lock LOCKFLAGS=--upgrade` moves everything to the newest.
# "+cpu" is dropped from torch's pin so the lock also fits the macOS and Windows wheels.
LOCKFLAGS ?=
lock: $(STAMP)
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --allow-unsafe --strip-extras \
		--no-emit-find-links --no-emit-index-url $(LOCKFLAGS) \
		-o requirements.txt pyproject.toml requirements/site.in requirements/test.in requirements/dev.in
	sed 's/^torch==\([^ ]*\)+cpu/torch==\1/' requirements.txt > requirements.txt.tmp
	mv requirements.txt.tmp requirements.txt

# Notebook kernels log errors only: their "TCP without encryption" warning is noise here.
# The notebooks' kernels log nothing below CRITICAL: a cell's errors reach the build through its
# outputs, and a kernel stopped mid-cell (a cell over nb_execution_timeout) would otherwise print
# ZMQ tracebacks about the sockets its client has already closed.
$(KERNEL_CONFIG): $(STAMP) Makefile
	mkdir -p $(@D)
	echo 'c.IPKernelApp.log_level = "CRITICAL"' > $@

# Keeps the notebook cache (.jupyter_cache/), so the next build executes nothing new.
clean:
	rm -rf _build dist build
	@echo "kept the notebook cache in .jupyter_cache/; 'make clean-cache' removes it"

clean-cache:
	rm -rf .jupyter_cache
