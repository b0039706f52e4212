# Hearth — everyday commands. The real work is in scripts/; see the comments there.
#
#   make run [PORT=9000]     dev server on 127.0.0.1:PORT (default 8000; SQLite in var/, demo data, admin)
#   make test [PYTEST_ARGS='-x -m "not browser"']
#                            venv + chromium + private PostgreSQL/Redis, ruff, migrations check, pytest
#   make lint                ruff check .
#   make messages            update and compile the zh_Hans translations (needs gettext)
#   make bench               bench/run.sh
#   make cluster-test        two web nodes behind nginx, a primary and a streaming replica, workers and beat (~2 min)
#   make services-start / services-stop     the private PostgreSQL/Redis of scripts/services.sh
#   make clean               stop those services, delete var/ and staticfiles/

SHELL := /bin/bash
PORT ?= 8000
VENV ?= .venv
PYTHON := $(VENV)/bin/python
export PYTEST_ARGS

.DEFAULT_GOAL := help
.PHONY: help run test bench cluster-test lint messages services-start services-stop clean

help:
	@sed -n '3,12p' Makefile | sed 's/^# \{0,1\}//'

run:
	PORT=$(PORT) bash scripts/run.sh

# PYTEST_ARGS reaches scripts/test.sh through the environment (exported above), quotes intact.
test:
	bash scripts/test.sh

bench:
	bash bench/run.sh

cluster-test:
	bash scripts/cluster_test.sh

lint:
	@test -x $(VENV)/bin/ruff || { echo "no $(VENV)/bin/ruff yet: run 'make test' once (it creates $(VENV) with the dev tools)"; exit 1; }
	$(VENV)/bin/ruff check .

# DEBUG=1: the base settings refuse to load without SECRET_KEY otherwise.
messages:
	@command -v msgfmt >/dev/null || { echo "gettext is missing: sudo apt-get install -y --no-install-recommends gettext"; exit 1; }
	@test -x $(PYTHON) || { echo "no $(PYTHON) yet: run 'make run' or 'make test' once"; exit 1; }
	DEBUG=1 $(PYTHON) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=staticfiles
	DEBUG=1 $(PYTHON) manage.py compilemessages --ignore=.venv

services-start:
	bash scripts/services.sh start

services-stop:
	bash scripts/services.sh stop

clean:
	bash scripts/services.sh stop
	rm -rf var staticfiles
