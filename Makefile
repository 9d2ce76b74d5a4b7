# JianGuan: the two commands are `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-suite lint bench mutation install migrate seed clean

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
	@echo "注意：演示数据仅供体验，切勿用于真实招标。演示投标人的私钥与密封投标包同在 DATA_DIR（demo-keys），持有它们即可在开标前解密投标；真实部署请使用全新的 DATA_DIR、PostgreSQL 与 HTTPS，且不要载入演示数据。"
	@echo "Demo data is for trying the platform only; never use a demo install for real tenders."
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

# Mutation testing (issue 14): slow, not in CI. MODULES=path/to/module.py runs only those.
mutation: $(STAMP)
	nice -n 19 $(PY) tools/mutation.py $(MODULES)

clean:
	rm -rf $(VENV) data
