# kuanalysis: `make reports` renders every report, `make test` runs every test.
# Every target creates .venv and installs the locked dependencies first if needed.
VENV   ?= .venv
PYTHON ?= python3
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: help reports test quick lint format lab data check fees lock bench clean

help:  ## visa målen
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 10

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

reports: $(STAMP)  ## rendera alla rapporter till reports/ (bara de vars indata ändrats)
	$(BIN)/kuanalysis render

test: $(STAMP)  ## kör alla tester (två processer per dator med två kärnor)
	$(BIN)/pytest -n auto --dist loadfile

quick: $(STAMP)  ## snabba tester för det inre arbetet: inga renderingar, ingen webbläsare
	$(BIN)/pytest -n auto --dist loadfile -m "not slow and not browser"

lint: $(STAMP)  ## ruff (regler och format, även anteckningsböckerna), mypy och lagren (import-linter)
	$(BIN)/ruff check kuanalysis tests notebooks benchmarks tools
	$(BIN)/ruff format --check kuanalysis tests notebooks benchmarks tools
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)  ## skriv om koden i ruffs format och rätta det ruff kan rätta
	$(BIN)/ruff check --fix kuanalysis tests notebooks benchmarks tools
	$(BIN)/ruff format kuanalysis tests notebooks benchmarks tools

lab: $(STAMP)  ## öppna JupyterLab på notebooks/
	$(BIN)/jupyter lab notebooks/utforska-avgifter.ipynb

data: $(STAMP)  ## läs och validera källtabellerna, skriv data/processed/tables.csv
	$(BIN)/kuanalysis data

check: $(STAMP)  ## stäm av alla tabeller, skriv reports/avstamning.csv
	$(BIN)/kuanalysis check

fees: $(STAMP)  ## fördela avgifterna enligt scenarierna, skriv reports/avgifter.csv
	$(BIN)/kuanalysis fees scenarios/*.yaml

bench: $(STAMP)  ## hastighetsmätningar (inga tester)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

lock:  ## lås om alla beroenden från pyproject.toml (görs med flit; checka sedan in requirements.lock)
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet --disable-pip-version-check ".[test]"
	.lockenv/bin/pip freeze --exclude kuanalysis > requirements.lock
	rm -rf .lockenv

clean:  ## ta bort .venv och allt genererat i reports/
	rm -rf $(VENV) reports/*.html reports/*.xlsx reports/*.csv reports/kommunblad reports/_failed reports/_index.json
