# thaireport — set-up and everyday commands. `make run` and `make test` work on a fresh
# Debian 12 machine with Python 3.11: they install the system packages (as root, or via sudo),
# a virtual environment with pinned versions, then do their job.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := tesseract-ocr tesseract-ocr-tha tesseract-ocr-eng tesseract-ocr-osd poppler-utils \
                fonts-thai-tlwg-ttf fonts-noto-core fontconfig python3-venv chromium \
                libreoffice-writer-nogui libreoffice-calc-nogui
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
OUT ?= out

.PHONY: run test lint fuzz bench bench-quick system venv clean

system: .stamps/system
.stamps/system:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@mkdir -p .stamps && touch $@

venv: .stamps/venv
.stamps/venv: pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev,distributed,serve]'
	# img2table and camelot (baselines in the benchmark) and augraphy (a scan producer of the
	# fixtures) without their own builds of OpenCV
	$(BIN)/pip install -q -c constraints.txt --no-deps img2table camelot-py augraphy
	$(BIN)/python -c "import augraphy"
	@mkdir -p .stamps && touch $@

run: system venv
	$(BIN)/thaireport extract examples/*.txt examples/*.pdf -o $(OUT) --format jsonl,csv,review
	@echo "records written to $(abspath $(OUT))/records.jsonl and $(abspath $(OUT))/records.csv;"
	@echo "a review page per document: $(abspath $(OUT))/*.review.html"

# Two test processes (pytest-xdist): the suite waits on subprocesses and Tesseract as much as
# it computes, so two keep both cores busy (measured: 7.5 min against 11 min in one).
TEST_JOBS ?= 2
test: system venv
	$(BIN)/pytest -q -n $(TEST_JOBS)

# Longer fuzzing than `make test` does: FUZZ_CASES times more damaged copies of the examples,
# from a new seed every run (printed, to reproduce), and thousands of property examples.
FUZZ_CASES ?= 10
fuzz: system venv
	@seed=$${FUZZ_SEED:-$$RANDOM}; echo "fuzz seed $$seed"; \
	THAIREPORT_FUZZ_CASES=$(FUZZ_CASES) THAIREPORT_FUZZ_SEED=$$seed HYPOTHESIS_PROFILE=thorough \
	  $(BIN)/pytest -q tests/test_fuzz.py tests/normalize/test_properties.py

bench: system venv
	$(BIN)/python -m bench.run --out bench/results.json

bench-quick: system venv
	$(BIN)/python -m bench.run --quick --out bench-results-quick.json

LINTED := thaireport pipeline ocr extract output tests bench tools
lint: venv
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	@# mypy cannot follow setuptools' folder-to-package mapping: it checks a tree of links
	@# laid out as the package installs (thaireport/{pipeline,ocr,extract,output} -> ../X)
	@rm -rf build/typecheck && mkdir -p build/typecheck/thaireport
	@for f in thaireport/*; do ln -s "$(CURDIR)/$$f" build/typecheck/thaireport/; done
	@for d in pipeline ocr extract output; do ln -s "$(CURDIR)/$$d" build/typecheck/thaireport/$$d; done
	@ln -s "$(CURDIR)/bench" build/typecheck/bench && ln -s "$(CURDIR)/tests" build/typecheck/tests && ln -s "$(CURDIR)/tools" build/typecheck/tools
	cd build/typecheck && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml

clean:
	rm -rf $(VENV) .stamps out .pytest_cache .mypy_cache .ruff_cache
