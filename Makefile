# kuanalysis: `make reports` renders every report, `make test` runs every test.
# Every target creates .venv and installs the locked dependencies first if needed.
VENV   ?= .venv
PYTHON ?= python3
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: help reports test quick lint format lab utforska gitfilter data check fees lock bench clean

help:  ## visa målen
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 10

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-*
	@$(MAKE) --no-print-directory gitfilter
	touch $@

reports: $(STAMP)  ## rendera alla rapporter till reports/ (bara de vars indata ändrats)
	$(BIN)/kuanalysis render

test: $(STAMP)  ## kör alla tester (två processer per dator med två kärnor)
	$(BIN)/pytest -n auto --dist loadfile --no-loadscope-reorder

quick: $(STAMP)  ## snabba tester för det inre arbetet: inga renderingar, ingen webbläsare
	$(BIN)/pytest -n auto --dist loadfile --no-loadscope-reorder -m "not slow and not browser"

lint: $(STAMP)  ## ruff (regler och format, även anteckningsböckerna), mypy och lagren (import-linter)
	$(BIN)/ruff check kuanalysis tests notebooks benchmarks tools
	$(BIN)/ruff format --check kuanalysis tests notebooks benchmarks tools
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)  ## skriv om koden i ruffs format och rätta det ruff kan rätta
	$(BIN)/ruff check --fix kuanalysis tests notebooks benchmarks tools
	$(BIN)/ruff format kuanalysis tests notebooks benchmarks tools

lab: $(STAMP)  ## öppna JupyterLab på notebooks/ (sparar anteckningsböckerna utan utdata)
	$(BIN)/jupyter lab notebooks/utforska-avgifter.ipynb \
	  --ContentsManager.pre_save_hook=kuanalysis.notebookfiles.pre_save_hook

utforska: $(STAMP)  ## öppna utforskaren av avgifterna som app i webbläsaren (Voilà, ingen kod)
	$(BIN)/voila notebooks/utforska-avgifter.ipynb $(VOILA_FLAGS) --Voila.open_browser=True

# Voilà bound to this machine, no code shown, the project folder as its root so that the
# Publicera button can link the rendered reports (served under voila/files/reports/).
VOILA_FLAGS = --Voila.ip=127.0.0.1 --Voila.root_dir=. --strip_sources=True \
	--show_tracebacks=False "--VoilaConfiguration.file_allowlist=['reports/.*[.](html|xlsx)']"

# nbstripout as the git filter of *.ipynb (.gitattributes): outputs never reach git, so
# exploring in JupyterLab or Voilà leaves `git status` clean. The command is relative to the
# work tree's top (where git runs filters), so every clone and work tree uses its own .venv.
# cell ids are kept (they are stable here); the kernel's language details a run adds are not
NBSTRIPOUT = $(BIN)/python -m nbstripout --keep-id --extra-keys metadata.language_info

gitfilter:  ## låt git ta bort utdata ur anteckningsböckerna (nbstripout som filter)
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	  git config filter.nbstripout.clean '$(NBSTRIPOUT)' && \
	  git config filter.nbstripout.smudge cat && \
	  git config diff.ipynb.textconv '$(NBSTRIPOUT) -t' && \
	  echo "nbstripout är git-filter för *.ipynb"; \
	else \
	  echo "ingen git-utcheckning: nbstripout installeras inte som git-filter"; \
	fi

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
