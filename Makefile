# cxanalysis: `make run` runs the main job on the bundled samples, `make test` runs every test.
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test lint clean lock realdata bench notebooks

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (Python 3.11); set PYTHON=..."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/cx read data/samples --config data/samples/cx.yml --summary
	$(VENV)/bin/cx featurize data/samples --config data/samples/cx.yml -o reports/features.csv \
		--evidence reports/evidence.csv --conversations reports/conversations.csv --redact
	$(VENV)/bin/cx score data/samples --config data/samples/cx.yml -o reports/scores.csv --redact
	$(VENV)/bin/cx report data/samples --config data/samples/cx.yml -o reports

# Notebooks run under strict nbval in their own pytest run: the kernel talks TCP on localhost.
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with notebooks/nbval_sanitize.cfg --allow-hosts=127.0.0.1,localhost

test: $(STAMP)
	$(VENV)/bin/ruff check cxanalysis tests scripts
	$(VENV)/bin/ruff format --check cxanalysis tests scripts
	$(PY) -m pytest -q
	$(PY) -m pytest -q $(NBVAL) notebooks

# The only way notebook outputs are refreshed: execute in place, strip editor metadata (keep tags).
notebooks: $(STAMP)
	cd notebooks && $(abspath $(PY)) -m jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=600 --ExecutePreprocessor.record_timing=False \
		--ClearMetadataPreprocessor.enabled=True --ClearMetadataPreprocessor.preserve_cell_metadata_mask=tags \
		--ClearMetadataPreprocessor.preserve_nb_metadata_mask=kernelspec \
		[0-9][0-9]_*.ipynb

lint: $(STAMP)
	$(VENV)/bin/ruff check cxanalysis tests scripts
	$(VENV)/bin/ruff format --check cxanalysis tests scripts

# Checks against ../shared/data (not in a user's clone): exact accounting of the real files.
realdata: $(STAMP)
	$(PY) scripts/check_real_data.py ../shared/data/twcs
	$(PY) scripts/devset_eval.py
	$(PY) scripts/marker_hit_rates.py ../shared/data/twcs/twcs_pool_all_sources.csv
	$(PY) scripts/twcs_dynamics.py ../shared/data/twcs/twcs_pool_all_sources.csv

bench: $(STAMP)
	$(VENV)/bin/cx bench --messages 200000 --json reports/bench.json

# Regenerate constraints.txt from the current environment.
lock: $(STAMP)
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
