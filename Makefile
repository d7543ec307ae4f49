# The README's two commands: `make run` and `make test`. Both build .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast screenshots lint venv clean translations

# The app and its runtime dependencies only: enough for `make run`.
$(BIN)/formaga: pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

# The developer tools (pytest, playwright, ruff, mypy …) on top, for `make test` and `make lint`.
DEV := $(VENV)/.dev-installed
$(DEV): $(BIN)/formaga
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

MO := web/translations/en/LC_MESSAGES/messages.mo

venv: $(DEV) $(MO)

$(MO): web/translations/en/LC_MESSAGES/messages.po $(BIN)/formaga
	$(BIN)/pybabel compile -d web/translations

# Developers: refresh the catalogue after changing user-facing strings (msgids are Swedish).
translations: venv
	$(BIN)/pybabel extract -F babel.cfg -k _l -o web/translations/messages.pot .
	$(BIN)/pybabel update -i web/translations/messages.pot -d web/translations
	$(BIN)/pybabel compile -d web/translations

# Where `make run` serves: make run HOST=0.0.0.0 PORT=5055
HOST ?= 127.0.0.1
PORT ?= 5000

run: $(BIN)/formaga $(MO)
	$(BIN)/formaga run --host $(HOST) --port $(PORT)   # init, then serve; stop with Ctrl+C

# Both lanes spread the test files over the machine's cores (pytest-xdist, one file per worker
# at a time, so a module-scoped fixture is built once; `loadgroup` no longer groups anything
# with pytest 9.2, pytest-xdist issue 1386).
PYTEST_JOBS ?= auto

# Everything, as CI runs it: both databases, browser, office renders.
test: venv
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -n $(PYTEST_JOBS) --dist loadfile

# The edit loop: SQLite only, no browser, no office renders.
test-fast: venv
	$(BIN)/ruff check .
	FORMAGA_TEST_DATABASES=sqlite $(BIN)/pytest -n $(PYTEST_JOBS) --dist loadfile -m "not browser and not office"

# The browser tests again, saving a full-page image of each page they visit in screenshots/.
screenshots: venv
	FORMAGA_SCREENSHOTS=1 $(BIN)/pytest tests/browser

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Removes the virtual environment and caches; never instance/ (the SQLite database and the
# session key): delete that by hand if you mean to start over.
clean:
	@echo "make clean: tar bort $(VENV) och cacher (instance/ med databasen lämnas kvar)"
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
