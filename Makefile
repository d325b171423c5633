# Every target installs what it needs; `make regen` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := node_modules/.installed
# The Hermes agent the provider's tests run inside, pinned. Installed without its ~60
# dependencies (web server, LLM clients, image libraries): the memory modules need only
# PyYAML, python-dotenv and rich, which the dev extra lists.
HERMES_AGENT := hermes-agent==0.19.0

.PHONY: install install-runtime regen check lint typecheck test bench fuzz node postgres clean

install: $(INSTALLED)

$(INSTALLED): pyproject.toml Makefile
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m pip install --quiet --no-deps '$(HERMES_AGENT)'
	@# bytecode now, in case the environment never writes it (PYTHONDONTWRITEBYTECODE);
	@# the templates' too, kept beside them the same way (tsmirror.render)
	$(PY) -m compileall -q codegen runtime generated bench > /dev/null
	PYTHONDONTWRITEBYTECODE= $(PY) -c 'from tsmirror.render import compile_templates; compile_templates()'
	@touch $@

# The IsoKron runtime (runtime/ and the mirrors in generated/, with asyncpg) into another
# interpreter's environment: make install-runtime PYTHON=/path/to/python
install-runtime:
	@stage=$$(mktemp -d) && trap 'rm -rf "$$stage"' EXIT && \
	cp runtime/pyproject.toml "$$stage/" && \
	cp -R runtime generated "$$stage/" && \
	$(PYTHON) -m pip install --quiet "$$stage"

# Render every mirror from examples/substrate, or from $$KORA_ISOKRON_REPO when it is set.
regen: install
	$(BIN)/tsmirror regen

# Exit 1 when the committed mirrors differ from what the current source renders.
check: install
	$(BIN)/tsmirror check

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

# Node packages (the TypeScript oracle) come from the committed lockfile.
node: $(NODE_INSTALLED)

$(NODE_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund --no-update-notifier --loglevel=error
	@touch $@

# A PostgreSQL server for the integration tests: Debian's package when none is on the machine.
postgres:
	@bash scripts/ensure-postgres.sh

test: install node postgres lint typecheck
	$(BIN)/tsmirror check
	$(BIN)/pytest

bench: install node postgres
	$(PY) -m bench

# Long fuzz campaigns against the Node oracle: mutated substrates, then random constant
# expressions and derived tables; tests/test_fuzz*.py run short ones.
FUZZ_COUNT ?= 20000
FUZZ_VALUES_COUNT ?= 50000
fuzz: install node
	$(PY) -m tests.fuzz --count $(FUZZ_COUNT) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED))
	$(PY) -m tests.fuzz_values --count $(FUZZ_VALUES_COUNT) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED))

clean:
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache
