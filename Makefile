# Quick start: `make run` (the main experiment, figures in results/caregiving/) and `make test`.
# Both create .venv with a Python >= 3.12 and install the project on first use.

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
RUNS   ?= 100
WORKERS ?= 2
HOST   ?= 127.0.0.1
PORT   ?= 8765

.PHONY: run demo experiments test validation lint format benchmark params readme-params clean

# --overwrite: the same settings resume or reuse; after a change to the model or its parameter
# table (other settings), the results are made again instead of refused.
run: $(STAMP)
	$(VENV)/bin/attachment-sim experiment caregiving --runs $(RUNS) --workers $(WORKERS) --overwrite

# the classroom demo in the browser (HOST=0.0.0.0 shares it with the room's network)
demo: $(STAMP)
	$(VENV)/bin/attachment-sim demo --host $(HOST) --port $(PORT)

# every experiment that writes the README's figures: infancy, the life course, interventions and
# generations (about 2 minutes on 2 cores)
experiments: run $(STAMP)
	for name in life_course adult_styles couples; do \
	  $(VENV)/bin/attachment-sim experiment $$name --runs $(RUNS) --workers $(WORKERS) --overwrite \
	  || exit 1; done
	# these two at their scripts' own run counts (30 and 20: each run is a trial or 3 generations)
	for name in interventions intergenerational; do \
	  $(VENV)/bin/attachment-sim experiment $$name --workers $(WORKERS) --overwrite || exit 1; done

test: $(STAMP)
	$(PY) -m pytest

validation: $(STAMP)  ## only the slow calibration runs against the published bands
	$(PY) -m pytest -m validation

lint: $(STAMP)
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

# BENCHMARK_FLAGS=--quick leaves out the two large stored sweeps (minutes each)
benchmark: $(STAMP)
	$(PY) experiments/benchmark.py $(BENCHMARK_FLAGS)

params: $(STAMP)
	$(VENV)/bin/attachment-sim params

# Find a Python >= 3.12 by running each candidate: a name on PATH can be a pyenv shim that
# exists but fails, so only a candidate that really runs and reports 3.12+ is taken.
$(STAMP): pyproject.toml
	@set -e; found=""; \
	for c in $$PYTHON python3.13 python3.12 python3 python \
	         $$(pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin/python3 \
	         /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9] \
	         /opt/homebrew/bin/python3.1[2-9]; do \
	  if [ -n "$$c" ] && "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	    found="$$c"; break; fi; \
	done; \
	if [ -z "$$found" ]; then \
	  echo "No Python 3.12 or newer found. Install Python 3.12+ (python.org, your package manager, or 'pyenv install 3.12'), or run: make PYTHON=/path/to/python3.12" >&2; \
	  exit 1; fi; \
	if [ ! -x "$(PY)" ] || ! "$(PY)" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  echo "Creating $(VENV) with $$found ($$("$$found" -c 'import sys; print(sys.version.split()[0])'))"; \
	  rm -rf "$(VENV)"; "$$found" -m venv "$(VENV)"; fi; \
	"$(PY)" -m pip install --quiet --upgrade pip; \
	"$(PY)" -m pip install --quiet -e ".[dev]"; \
	touch "$(STAMP)"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info

readme-params: $(STAMP)  ## refresh the README's parameter table from the one source of truth
	$(PY) -c "import re, pathlib; from simulation.commands import parameter_table as t; \
	p = pathlib.Path('README.md'); s = p.read_text(); a = s.index('| name | default |'); \
	b = s.index('\n\n', a); p.write_text(s[:a] + t() + s[b:])"
