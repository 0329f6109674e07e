# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
# Each creates or updates .venv itself (a stamp file tracks pyproject.toml).
# A Python 3.12 or newer, found by tools/find-python (python3 is 3.11 on some machines, with 3.12 and
# 3.13 installed by pyenv off PATH); `make PYTHON=...` picks one by hand.
PYTHON ?= $(shell tools/find-python)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-steps lint lock bench bundle bundle-check clean

# The tested set of every runtime and test dependency, pinned (requirements.lock, from `make lock`):
# the byte-identical PDFs, and the SHA-256 in every chart note, depend on exact reportlab and font
# versions. `pip check` then fails if pyproject.toml wants something the lock does not hold.
$(STAMP): pyproject.toml requirements.lock
	@test -n "$(PYTHON)" || { tools/find-python; exit 1; }
	@# A venv left by an older Python (3.11) is made again on the one found.
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null || rm -rf $(VENV)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

# Refresh the lock: resolve pyproject.toml's ranges afresh in a scratch venv and pin what was installed.
lock:
	@test -n "$(PYTHON)" || { tools/find-python; exit 1; }
	rm -rf build/lock-venv
	$(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/python -m pip install --quiet --upgrade pip
	build/lock-venv/bin/python -m pip install --quiet '.[test]'
	{ echo "# The tested set: make lock writes this from pyproject.toml's ranges (resolved on"; \
	  echo "# $$(build/lock-venv/bin/python -c 'import platform; print(platform.python_implementation(), platform.python_version(), platform.system(), platform.machine())'))."; \
	  build/lock-venv/bin/python -m pip freeze --exclude-editable | grep -v -i '^ldn[-_]aid'; } > requirements.lock
	rm -rf build/lock-venv

# First check that Qt's platform plugin loads here; if not, it prints the system packages to install.
run: $(STAMP)
	$(BIN)/python -m ldn_aid.ui.platform_check
	$(BIN)/ldn-aid

lint: $(STAMP)
	$(BIN)/ruff check ldn_aid tests bench
	$(BIN)/ruff format --check ldn_aid tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# The bundle is built and its own --self-test run before the suite; then the coverage figure (with its
# floor, in pyproject.toml) and the whole run's time close the output.
test:
	@start=$$(date +%s); status=0; \
	$(MAKE) --no-print-directory test-steps || status=$$?; \
	echo "make test took $$(( $$(date +%s) - start )) s (exit $$status)"; \
	exit $$status

test-steps: lint bundle-check
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m coverage run -m pytest
	@echo "coverage of ldn_aid: $$($(BIN)/python -m coverage report --precision=2)% (the floor is in pyproject.toml)"
	@$(BIN)/python -m coverage report >/dev/null

bundle: $(STAMP)
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller build.spec

bundle-check: $(STAMP)
	@if $(BIN)/python -c "import PyInstaller" 2>/dev/null; then \
		$(MAKE) --no-print-directory bundle && QT_QPA_PLATFORM=offscreen dist/ldn-aid/ldn-aid --self-test; \
	else \
		echo "!!!!!!!! BUNDLE NOT TESTED: PyInstaller cannot run on this machine !!!!!!!!"; \
	fi

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache build dist *.egg-info
