# The two commands of the README: `make run` and `make test`. Only Python 3.11+ and make are needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test messages bench clean

run: $(STAMP)
	@# Spoken announcements on the waiting-room display use Debian's espeak-ng (offline); optional.
	@command -v espeak-ng >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends espeak-ng >/dev/null 2>&1; } || true
	$(BIN)/antre serve $(ARGS)

test: $(STAMP)
	$(BIN)/python scripts/run_tests.py

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Refresh the English catalogue after changing user-facing text (needs GNU gettext).
messages: $(STAMP)
	cd antre && ../$(BIN)/django-admin makemessages -l en --settings=antre.settings --pythonpath=.. -i "*/tests/*" --no-obsolete
	cd antre && ../$(BIN)/django-admin compilemessages --settings=antre.settings --pythonpath=..

clean:
	rm -rf $(VENV) build *.egg-info
