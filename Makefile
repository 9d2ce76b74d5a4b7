# JianGuan: the two commands are `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-suite lint bench install migrate seed clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput -v0

seed: migrate
	$(PY) manage.py seed_demo --if-empty

run: seed
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py serve

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint test-suite

# The pytest suite alone (CI lints once, then runs it on both databases side by side).
test-suite: $(STAMP)
	TESTING=1 $(PY) -m pytest

bench: $(STAMP)
	@for f in bench/[!_]*.py; do TESTING=1 $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) data
