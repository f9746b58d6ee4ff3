# NetCompanion: `make run` starts the app with a demo; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
DEV    := NETCOMPANION_ENV=development NETCOMPANION_BASE_URL=http://$(HOST):$(PORT)

.PHONY: run test lint messages translations clean

run: $(VENV)/.installed translations
	$(DEV) $(BIN)/flask --app app db upgrade
	$(DEV) $(BIN)/flask --app app demo
	$(DEV) $(BIN)/flask --app app run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test translations browser node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check netcompanion tests

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

# Compiled catalogs are build output; the .po files are the source.
translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d netcompanion/translations -f

# After changing user-facing strings: refresh the catalogs, then translate what is new.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project NetCompanion -o netcompanion/translations/messages.pot .
	$(BIN)/pybabel update -i netcompanion/translations/messages.pot -d netcompanion/translations \
		--ignore-obsolete

# Test-only browser tools (axe-core for the accessibility checks), pinned by package-lock.json.
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# Browser tests drive Debian's Chromium; Playwright never downloads a browser.
browser:
	@command -v chromium > /dev/null || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null; }

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
