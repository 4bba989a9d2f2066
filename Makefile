# peerkit: `make serve` and `make test` set everything up from uv.lock on a fresh machine.
PYTHON ?= python3
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
UV_VERSION := 0.13.9
ADDR ?= 127.0.0.1:8000
# Sizes (numbers of modules) `make bench` measures: SIZES=8,100,500,1000 for the whole table.
SIZES ?= 8,100
# Modules in the site bench/frontend.py measures in Chromium (search, nav, browse pages).
FRONTEND_SIZE ?= 1000
# Test processes (pytest-xdist): one per core. `make test JOBS=0` runs them in one process.
JOBS ?= auto

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export NO_MKDOCS_2_WARNING := 1

# Debian packages for building packs (WeasyPrint's Pango and a font) and for the tests
# (Chromium for browser tests, poppler's pdftotext and pdftoppm to read the PDFs back, and
# nginx to serve a site the way the new-site README shows).
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core chromium poppler-utils \
	nginx-light
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup system-deps serve build offline check schema lint test test-fast fuzz bench previews run-previews look clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

# Browser files the site serves itself (the iframe-worker shim that runs search from file://),
# pinned with their sha512 in package-lock.json. No Node needed.
node_modules/.fetched: package-lock.json | $(VENV)/.synced
	$(VENV)/bin/peerkit npm-install .
	@touch $@

setup: $(VENV)/.synced node_modules/.fetched ## Install the pinned Python and npm dependencies

system-deps: ## Install the Debian packages that packs and tests need, when missing
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing $$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

serve: setup ## Serve the reference site on http://127.0.0.1:8000, rebuilding on change (no PDFs)
	$(VENV)/bin/peerkit serve --dev-addr $(ADDR)

build: setup system-deps ## Build the site and its PDF packs into site/; on any error the last good site/ stays
	$(VENV)/bin/peerkit build

offline: setup system-deps ## Build, then pack the site into a zip that works from a folder with no network
	$(VENV)/bin/peerkit build --offline

check: setup ## Check every module in modules/
	$(VENV)/bin/peerkit check modules

schema: setup ## Regenerate the JSON Schemas in schema/ from the model
	$(VENV)/bin/peerkit schema module -o schema/module.schema.json
	$(VENV)/bin/peerkit schema session -o schema/session.schema.json
	$(VENV)/bin/peerkit schema self-care-ideas -o schema/self-care-ideas.schema.json

lint: setup
	$(VENV)/bin/ruff check src tests bench tools macros.py hatch_build.py
	$(VENV)/bin/ruff format --check src tests bench tools macros.py hatch_build.py
	$(VENV)/bin/mypy

test: setup system-deps lint ## Run every test (all layers: unit, build, browser, network) on every core
	$(VENV)/bin/pytest -n $(JOBS)

test-fast: setup ## Run the unit layer only: no site builds, PDFs or browser
	$(VENV)/bin/pytest -m unit

fuzz: setup ## Feed 10,000 generated module and plan files each to the loader and checker
	HYPOTHESIS_PROFILE=fuzz $(VENV)/bin/pytest tests/test_fuzz.py -q

PREVIEWS := docs/assets/pack-previews
previews: build ## Render first pages of some packs to PNG for the docs' visual check
	mkdir -p $(PREVIEWS)
	for page in 1 2 4 11; do pdftoppm -png -r 40 -f $$page -l $$page -singlefile \
		site/packs/modules/boundaries-facilitator-pack.pdf $(PREVIEWS)/facilitator-$$page; done
	pdftoppm -png -r 40 -f 5 -l 5 -singlefile \
		site/packs/modules/boundaries-show-sheets.pdf $(PREVIEWS)/show-5
	pdftoppm -png -r 40 -f 1 -l 1 -singlefile \
		site/packs/modules/boundaries-paperwork.pdf $(PREVIEWS)/paperwork-1
	pdftoppm -png -r 40 -f 2 -l 2 -singlefile \
		site/packs/modules/boundaries-paperwork.pdf $(PREVIEWS)/paperwork-2
	pdftoppm -png -r 40 -f 1 -l 1 -singlefile \
		site/packs/modules/boundaries-large-print-pack.pdf $(PREVIEWS)/large-print-1
	for page in 1 8; do pdftoppm -png -r 40 -f $$page -l $$page -singlefile \
		site/packs/modules/boundaries-participant-pack.pdf $(PREVIEWS)/participant-$$page; done
	for page in 1 3; do pdftoppm -png -r 40 -f $$page -l $$page -singlefile \
		site/packs/modules/boundaries-cards.pdf $(PREVIEWS)/cards-$$page; done

run-previews: build ## Screenshots of run mode, the presenter view and a slide for docs/run-mode.md
	$(VENV)/bin/python tools/runmode_previews.py --site site --out docs/assets/facilitate

bench: setup system-deps ## Time builds, checks and PDF packs against baselines (ratios, same run)
	$(VENV)/bin/python bench/run.py --sizes $(SIZES) --repeat 3 --compile --json bench/results.json --write docs/benchmarks.md
	$(VENV)/bin/python bench/packs.py --write docs/benchmarks.md
	CHROME_PATH=/usr/bin/chromium $(VENV)/bin/python bench/lighthouse.py --repeat 3
	$(VENV)/bin/python bench/frontend.py --size $(FRONTEND_SIZE) --repeat 3 --markdown docs/benchmarks.md --json bench/frontend-$(FRONTEND_SIZE).json

look: build ## Every page of every pack as small PNGs, and a contact sheet per pack, in look/
	$(VENV)/bin/python tools/look.py site/packs --out look

clean:
	rm -rf site look .site-* *-offline.zip .pytest_cache .ruff_cache .mypy_cache .hypothesis
