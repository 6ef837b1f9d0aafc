# kuanalysis: `make reports` renders every report, `make test` runs every test.
# Both create .venv and install the locked dependencies first if needed.
VENV   ?= .venv
PYTHON ?= python3
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: reports test lab data check fees lock bench clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

reports: $(STAMP)
	$(BIN)/kuanalysis render

test: $(STAMP)
	$(BIN)/pytest

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

data: $(STAMP)
	$(BIN)/kuanalysis data

check: $(STAMP)
	$(BIN)/kuanalysis check

fees: $(STAMP)
	$(BIN)/kuanalysis fees scenarios/*.yaml

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_render.py
	$(BIN)/python benchmarks/bench_fees.py

# Re-pin every dependency from pyproject.toml (run on purpose, then commit requirements.lock).
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet --disable-pip-version-check ".[test]"
	.lockenv/bin/pip freeze --exclude kuanalysis > requirements.lock
	rm -rf .lockenv

clean:
	rm -rf $(VENV) reports/*.html reports/kommunblad reports/_failed reports/_index.json
