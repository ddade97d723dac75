# The README's quick start: `make demo` and `make test`, on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint docs bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# The example book has problems on purpose: exit 1 (findings) is the expected result.
demo: $(VENV)/.installed
	$(BIN)/doclint report examples/book
	@echo
	$(BIN)/doclint check examples/book; status=$$?; test $$status -le 1

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks docs hatch_build.py
	$(BIN)/ruff format --check src tests benchmarks docs hatch_build.py

# The documentation site, into site/ (the rule pages are generated from the code).
docs: $(VENV)/.installed-test
	$(BIN)/mkdocs build --strict

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/parse_ratio.py

clean:
	rm -rf $(VENV) build dist site .pytest_cache .ruff_cache
