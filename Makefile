# Two entry points for a fresh machine: `make demo` and `make test`.
# Both create .venv and install the pinned set from constraints.txt first.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: demo test lint install browser bench bench-l

$(BIN)/chiso: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(BIN)/chiso

install: $(BIN)/chiso

demo: install
	$(BIN)/chiso demo

# Debian's Chromium and its driver, for the scorecard's browser test.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null)

test: install browser
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

# The performance benchmark (benchmarks/, docs/PERFORMANCE.md): chiso against dlt and the
# floor on the simulator, sizes S and M (BENCH_SIZES=L, or `make bench-l`, for a
# province-year). dlt comes only with the `bench` extra.
BENCH_SIZES ?= S,M

bench: install
	$(BIN)/pip install --quiet -c constraints.txt -c constraints-bench.txt -e '.[test,bench]'
	$(BIN)/python -m benchmarks run --sizes $(BENCH_SIZES)
	$(BIN)/python -m benchmarks report

bench-l:
	$(MAKE) bench BENCH_SIZES=L
