# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck unit index eval bench clean

# The first `make run` spends minutes here; each line says so before the slow part starts
# (echo is its own process, so the line reaches a pipe or a container log at once).
$(STAMP): pyproject.toml
	@echo "Richte die Umgebung ein (einmalig, einige Minuten) …"
	@echo "  Python-Umgebung $(VENV) anlegen …"
	@$(PYTHON) -m venv $(VENV) || { echo "Fehler: $(PYTHON) konnte keine Python-Umgebung" \
		"anlegen (Python 3.11 mit venv nötig)." >&2; exit 1; }
	@echo "  Pakete installieren (beim ersten Mal mehrere Minuten) …"
	@$(BIN)/pip install --quiet --upgrade pip && $(BIN)/pip install --quiet -e '.[dev]' \
		|| { echo "Fehler: Installation fehlgeschlagen; Internetverbindung prüfen und" \
		"erneut versuchen." >&2; exit 1; }
	@touch $(STAMP)
	@echo "Umgebung bereit."

## Start the assistant: Telegram bot if TELEGRAM_BOT_TOKEN is set, else the terminal chat.
run: $(STAMP)
	@echo "KommPräv-Lotse startet …"
	@$(BIN)/kommpraev start

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
