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

.PHONY: setup run test lint docs chromium bench bench-generate bench-cohort bench-rollout monte-carlo-rollout clean test-spark \
	spark-cluster-up spark-cluster-down test-spark-cluster

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/rtwpanel run

test: $(STAMP) chromium lint
	$(BIN)/python -m pytest

# SQL lint needs the project to compile: a throw-away warehouse file and target.
LINT_ENV := RTW_DUCKDB_PATH=$(CURDIR)/build/lint/rtw.duckdb DBT_TARGET_PATH=$(CURDIR)/build/lint/target DBT_LOG_PATH=$(CURDIR)/build/lint/logs

lint: $(STAMP)
	$(BIN)/ruff check src tests/python benchmarks scripts
	$(BIN)/ruff format --check src tests/python benchmarks scripts
	mkdir -p build/lint && $(LINT_ENV) $(BIN)/sqlfluff lint models tests/dbt analysis

# The dbt docs site (target/index.html and the single-file target/static_index.html).
docs: $(STAMP)
	$(BIN)/dbt docs generate --static
	@echo "docs: open target/static_index.html, or serve: $(BIN)/dbt docs serve"

# Debian's chromium for the docs-site test (as root, e.g. in CI).
chromium:
	@test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)

bench-generate: $(STAMP)
	$(BIN)/python benchmarks/bench_generate.py

clean:
	rm -rf warehouse reports target logs

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

# The cohort study (studies/rtw-predictors.yml) on 1,000,000 persons: generate, build,
# analyse, and the planted hazard ratios beside the estimates.
bench-cohort: $(STAMP)
	$(BIN)/python benchmarks/bench_cohort.py $(BENCH_ARGS)

# The regional roll-out study (studies/ipsnor.yml) on 1,000,000 persons: generate,
# build, analyse, and the planted effect beside Callaway-Sant'Anna and TWFE; then the
# roll-out redrawn where TWFE is biased (benchmarks/studies/ipsnor-twfe-bias.yml).
bench-rollout: $(STAMP)
	$(BIN)/python benchmarks/bench_rollout.py $(BENCH_ARGS)

# The size of the roll-out's tests on its own design, under the null (docs/analysis.md).
monte-carlo-rollout: $(STAMP)
	$(BIN)/python benchmarks/monte_carlo_rollout.py $(BENCH_ARGS)

# Everything on local Spark: the macros on both engines, then every model built on
# Spark and compared with DuckDB row for row (the build is outside make test: ~10 min).
test-spark: $(STAMP)
	$(BIN)/python -m pytest -n 0 -m spark

# A Spark standalone cluster on 127.0.0.1 (master, two workers, Thrift server on
# RTW_SPARK_THRIFT_PORT, default 10000) under build/spark-cluster/: docs/spark.md.
spark-cluster-up: $(STAMP)
	$(BIN)/python scripts/spark_cluster.py up

spark-cluster-down: $(STAMP)
	$(BIN)/python scripts/spark_cluster.py down

# The demo delivery built through the Thrift server and compared with DuckDB (make
# test builds the same models on local Spark; the cluster takes too long for CI).
test-spark-cluster: $(STAMP)
	RTW_SPARK_CLUSTER_DELIVERY=data/demo RTW_SPARK_CLUSTER_MACROS=1 $(BIN)/python -m pytest -n 0 -m 'cluster or spark' \
		tests/python/test_spark_cluster.py tests/python/test_spark_macros.py
