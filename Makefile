# The two set-up commands are `make run` and `make test`; both build .venv on their own.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bench-queue bench-imaging bench-gui screenshots clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/photojobs $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check photojobs tests benchmarks
	$(BIN)/ruff format --check photojobs tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy photojobs/core

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider

bench: bench-imaging bench-queue

bench-imaging: $(STAMP)
	$(BIN)/python benchmarks/bench_imaging.py .bench/corpus

bench-queue: $(STAMP)
	$(BIN)/python benchmarks/bench_queue.py

bench-gui: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/bench_gui.py

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshots.py docs/images

clean:
	rm -rf $(VENV) .bench build dist
