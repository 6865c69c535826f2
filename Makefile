# The two set-up commands are `make run` and `make test`; both build .venv on their own.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bench-import bench-queue bench-imaging bench-gui bench-scale bench-metadata screenshots clean package package-test

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
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider -n auto

# One table from one run: the real derivative path, sharp and naive Pillow on the same
# 24 MP files (120 and 24 photos, and the RAW path), with ratios and the load average.
# sharp installs from npm into .bench/sharp (benchmark only); without node the table says so.
# BENCH_ARGS="--before main" adds a row for the code at another commit.
SHARP_DIR := .bench/sharp
SHARP_VERSION ?= 0.35

bench: $(STAMP)
	@if command -v npm >/dev/null 2>&1; then \
		test -d $(SHARP_DIR)/node_modules/sharp || { mkdir -p $(SHARP_DIR) && \
		cd $(SHARP_DIR) && echo '{"private": true}' > package.json && \
		npm install --silent --no-audit --no-fund sharp@$(SHARP_VERSION); } || \
		echo "sharp could not be installed: the table says so"; \
	else echo "node/npm not found: the table says so"; fi
	$(BIN)/python benchmarks/bench_derivatives.py $(BENCH_ARGS)

# The real path: import task -> worker loop -> files on disk, when each photo's thumbnail and
# preview land, beside naive Pillow. BENCH_ARGS="--before main" adds the code at another
# commit, taking turns; "--card-mbps 90" reads the card at a card reader's speed.
bench-import: $(STAMP)
	$(BIN)/python benchmarks/bench_import.py .bench/import-corpus $(BENCH_ARGS)

bench-imaging: $(STAMP)
	$(BIN)/python benchmarks/bench_imaging.py .bench/corpus

bench-queue: $(STAMP)
	$(BIN)/python benchmarks/bench_queue.py

# A SCALE_PHOTOS-photo project (hard links) beside its floors on the same disk; minutes.
SCALE_PHOTOS ?= 100000
bench-scale: $(STAMP)
	SCALE_PHOTOS=$(SCALE_PHOTOS) QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/bench_scale.py --dir .bench/scale

# Agreement with ExifTool (needs exiftool) over METADATA_SAMPLES, e.g. exiftool's t/images.
METADATA_SAMPLES ?= .bench/metadata-samples
bench-metadata: $(STAMP)
	$(BIN)/python benchmarks/metadata_agreement.py $(METADATA_SAMPLES)

bench-gui: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/bench_gui.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/bench_gui_processes.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/bench_gui_viewer.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/bench_grid_scale.py

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshots.py docs/images
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshots_processes.py docs/images
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshots_window.py docs/images

# Packaging (not part of `make test`): the PyInstaller folder dist/PhotoJobs, then the .deb.
PACKAGE_STAMP := $(VENV)/.installed-package

$(PACKAGE_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,package]'
	touch $(PACKAGE_STAMP)

package: $(PACKAGE_STAMP)
	rm -rf build/icons build/stripped dist/PhotoJobs dist/photojobs_*.deb
	$(BIN)/python packaging/make_icons.py build/icons
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist \
		--workpath build/pyinstaller packaging/photojobs.spec
	QT_QPA_PLATFORM=offscreen dist/PhotoJobs/PhotoJobs --self-test
	packaging/linux/build_deb.sh
	du -sh dist/PhotoJobs dist/photojobs_*.deb

# Installs the built .deb on this machine (root), runs the installed self-test, removes it.
package-test:
	packaging/linux/test_deb.sh

clean:
	rm -rf $(VENV) .bench build dist
