# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck unit index eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Start the assistant: Telegram bot if TELEGRAM_BOT_TOKEN is set, else the terminal chat.
run: $(STAMP)
	$(BIN)/kommpraev start

## Lint, type checks and the whole test suite.
test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check bot retrieval tests bench
	$(BIN)/ruff format --check bot retrieval tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

index: $(STAMP)
	$(BIN)/kommpraev index

eval: $(STAMP)
	$(BIN)/kommpraev eval

bench: $(STAMP)
	$(BIN)/python -m bench.answers

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
