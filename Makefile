# Haltung: `make run` serves the embedded default; `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
COURSE := content/social-media-presence
DEV    := DJANGO_DEBUG=true

.PHONY: run test lint install system-check test-deps messages bench bench-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# WeasyPrint needs pango from the system; say exactly what is missing instead of a traceback.
system-check: $(STAMP)
	@$(BIN)/python -c "import weasyprint" 2>/dev/null || { \
	  echo ""; \
	  echo "WeasyPrint cannot load its system libraries (pango, harfbuzz, fontconfig)."; \
	  echo "Install them, then run make again:"; \
	  echo "  Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core"; \
	  echo "  macOS (Homebrew): brew install pango"; \
	  echo "  Details: https://doc.courtbouillon.org/weasyprint/stable/first_steps.html"; \
	  exit 1; }
	@command -v msgfmt >/dev/null || { \
	  echo "msgfmt (GNU gettext) is missing: sudo apt-get install gettext  (macOS: brew install gettext)"; exit 1; }

# Tools the tests drive: qpdf and poppler (PDF checks), zbar (reads QR codes back), Chromium (browser tests).
# Debian package names; installed when missing and allowed (root, as in CI), otherwise named.
TEST_TOOLS := qpdf:qpdf pdftoppm:poppler-utils zbarimg:zbar-tools chromium:chromium
test-deps:
	@missing=""; for pair in $(TEST_TOOLS); do 	  command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; done; 	if [ -n "$$missing" ]; then 	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then 	    echo "Installing$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; 	  else echo "The tests need these Debian packages:$$missing  (sudo apt-get install$$missing)"; exit 1; fi; 	fi

# axe-core for the accessibility scans, pinned in package-lock.json.
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --silent

# The reference Open Badges verifier (Digital Bazaar's Data Integrity suite) checks our credentials in a test.
VERIFIER_JS := tests/certificates/js
$(VERIFIER_JS)/node_modules/.package-lock.json: $(VERIFIER_JS)/package-lock.json
	npm ci --prefix $(VERIFIER_JS) --no-audit --no-fund --silent

messages: $(STAMP)
	$(DEV) $(BIN)/python manage.py compilemessages --ignore=.venv -v0

run: system-check messages
	$(DEV) $(BIN)/python manage.py migrate --noinput -v0
	$(DEV) $(BIN)/python manage.py import_course $(COURSE)
	@$(DEV) $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Haltung runs on http://127.0.0.1:8000  (log in as learner@example.org, orgadmin@example.org or the chamber's kammer@example.org, password haltung-demo; the admins' second factor is printed above)"
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: system-check test-deps node_modules/.package-lock.json $(VERIFIER_JS)/node_modules/.package-lock.json messages
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEV) $(BIN)/mypy
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run

# The benchmark (docs/PERFORMANCE.md): needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 running;
# uses only its own database (haltung_bench) and Redis database 5. wrk is installed like the test tools.
BENCH_TOOLS := wrk:wrk
bench-deps:
	@missing=""; for pair in $(BENCH_TOOLS); do \
	  command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "The benchmark needs these Debian packages:$$missing  (sudo apt-get install$$missing)"; exit 1; fi; \
	fi

bench: system-check messages bench-deps
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
