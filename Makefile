# peerkit: `make serve` and `make test` set everything up from uv.lock on a fresh machine.
PYTHON ?= python3
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
UV_VERSION := 0.13.9
ADDR ?= 127.0.0.1:8000
SIZES ?= 10,50

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export NO_MKDOCS_2_WARNING := 1

# Debian packages the tests need: Chromium for browser tests and a font to render with.
DEBIAN_PACKAGES := chromium fonts-dejavu-core
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup system-deps serve build check schema lint test bench clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

setup: $(VENV)/.synced ## Install the pinned Python dependencies into .venv

system-deps: ## Install the Debian packages the tests need, when missing
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing $$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

serve: setup ## Serve the reference site on http://127.0.0.1:8000, rebuilding on change
	$(VENV)/bin/mkdocs serve --dev-addr $(ADDR)

build: setup ## Build the reference site into site/ (fails on any module error)
	$(VENV)/bin/mkdocs build --strict

check: setup ## Check every module in modules/
	$(VENV)/bin/peerkit check modules

schema: setup ## Regenerate the JSON Schemas in schema/ from the model
	$(VENV)/bin/peerkit schema module -o schema/module.schema.json
	$(VENV)/bin/peerkit schema session -o schema/session.schema.json

lint: setup
	$(VENV)/bin/ruff check src tests bench macros.py
	$(VENV)/bin/ruff format --check src tests bench macros.py
	$(VENV)/bin/mypy

test: setup system-deps lint ## Run every test
	$(VENV)/bin/pytest

bench: setup ## Time builds and checks against plain MkDocs (ratios, same run)
	$(VENV)/bin/python bench/run.py --sizes $(SIZES) --repeat 3

clean:
	rm -rf site .pytest_cache .ruff_cache .mypy_cache
