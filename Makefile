# The two commands users need: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test lint typecheck unit e2e js-sdk demo bench mutate clean test-airflow2

$(STAMP): pyproject.toml emulator/pyproject.toml requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# The pins (runtime and development, with what they pull in) and the PEP 735 group `dev` of pyproject.toml
	# (`--group` needs pip >= 25.1, hence the upgrade above); pip fails if the two disagree.
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt --group dev
	$(BIN)/python -m pip install --quiet --no-deps -e ./emulator -e .
	@touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check airflow_provider_notion emulator tests example_dags benchmarks scripts
	$(BIN)/ruff format --check airflow_provider_notion emulator tests example_dags benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

PYTEST := $(BIN)/python -m pytest -q -p no:cacheprovider

# The official JavaScript SDK for the emulator's conformance check (skipped, with its reason, without node/npm).
JS_SDK := emulator/tests/conformance/js/node_modules/.package-lock.json
$(JS_SDK): emulator/tests/conformance/js/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd emulator/tests/conformance/js && npm ci --no-audit --no-fund --loglevel=error \
			|| echo "npm ci failed: the JavaScript SDK conformance check will be skipped"; \
	else echo "npm not found: the JavaScript SDK conformance check will be skipped"; fi

js-sdk: $(JS_SDK)

# Fast: everything but the Airflow end-to-end tests (marked `e2e`).
unit: $(STAMP) js-sdk
	$(PYTEST) -m "not e2e"

# Airflow end to end against the emulator: `airflow dags test`, the CLI, real Airflow processes.
e2e: $(STAMP)
	$(PYTEST) -m e2e

test: lint typecheck unit e2e

demo: $(STAMP)
	$(BIN)/python scripts/demo.py

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt --group bench
	$(BIN)/python -m benchmarks

# Mutation testing of the rules and jobs listed under [tool.mutmut] in pyproject.toml, against the fast tests
# selected there (docs/contributing.md). Slow (minutes per module) and not part of `make test`; niced, two workers.
# `make mutate MUTANTS='airflow_provider_notion.rules.query_window*'` runs one module; results are cached in
# mutants/ (delete it to start afresh).
MUTANTS ?=
mutate: $(STAMP)
	nice -n 10 $(BIN)/mutmut run --max-children 2 $(MUTANTS)
	$(BIN)/python scripts/mutation_report.py --survivors

clean:
	rm -rf $(VENV) .airflow .demo .pytest_cache .mypy_cache .ruff_cache mutants

# Optional: the hook, operator and input tests on Airflow 2.11 (not part of `make test`; downloads Airflow 2.11).
AF2 := .venv-airflow2
test-airflow2:
	@test -x $(AF2)/bin/python || $(PYTHON) -m venv $(AF2)
	$(AF2)/bin/python -m pip install --quiet "apache-airflow==2.11.0" "apache-airflow-providers-common-compat>=1.10.1" \
		"httpx>=0.27" pytest requests-mock
	$(AF2)/bin/python -m pip install --quiet --no-deps -e .
	AIRFLOW_HOME=$$(mktemp -d) $(AF2)/bin/python -m pytest -q -p no:cacheprovider \
		tests/hooks tests/operators tests/test_ids.py tests/test_ratelimit.py tests/sensors/test_query_window.py \
		--deselect tests/operators/test_templating.py::test_xcomarg_inputs_wire_tasks_and_resolve_at_run_time \
		--deselect tests/operators/test_list_operators.py::test_output_path_object_storage_url
