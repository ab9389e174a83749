# Thin wrapper: every target only sets up the environment and calls the CLI or pytest.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
CORPUS ?= corpus
OUT    ?= extracted
ARGS   ?=

.PHONY: run test bench clean install
.DEFAULT_GOAL := run

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dask]'
	touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	$(PY) -m pipeline --corpus $(CORPUS) --out $(OUT) $(ARGS)

test: $(VENV)/.installed
	$(PY) -m pytest -q $(PYTEST_ARGS)

bench: $(VENV)/.installed
	$(PY) -m pipeline.bench --out $(OUT) $(ARGS)

clean:
	rm -rf $(VENV) $(OUT) *.egg-info
