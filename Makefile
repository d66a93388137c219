# rtwpanel — set-up and the everyday commands.
#   make run    set up, then generate (if needed) -> dbt build -> gates -> analysis -> report
#   make test   set up, then every test

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DBT_PROFILES_DIR := $(CURDIR)
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: setup run test lint docs bench bench-generate clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/rtwpanel run

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests/python benchmarks
	$(BIN)/ruff format --check src tests/python benchmarks

bench-generate: $(STAMP)
	$(BIN)/python benchmarks/bench_generate.py

clean:
	rm -rf warehouse reports target logs
