# `make run` and `make test` set everything up on a fresh machine (Python 3.11+).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 3000

.PHONY: run test lint format bench clean system-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/sre-bot serve --host $(HOST) --port $(PORT)

test: $(STAMP) system-deps lint
	$(BIN)/pytest
	PYTEST=$(BIN)/pytest bash scripts/clock-matrix.sh

system-deps:
	@bash scripts/system-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP) system-deps
	$(BIN)/python bench/ack_latency.py
	$(BIN)/python bench/alert_storm.py
	$(BIN)/python bench/outbox_drain.py
	$(BIN)/python bench/slo_report.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/scale.py --database postgresql
	$(BIN)/python bench/memory.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
