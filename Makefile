# Each target is one line; scripts/setup.sh prepares the machine on first use.
BRIEFING := .venv/bin/briefing
SETUP := .venv/.installed

.PHONY: all final check test lint clean bench doctor

all: $(SETUP)  ## build every PDF from content/ into output/
	$(BRIEFING) build

final: $(SETUP)  ## build for publication: drafts and placeholders are errors
	$(BRIEFING) build --final

check: $(SETUP)  ## validate all content, write nothing
	$(BRIEFING) check

test: $(SETUP)  ## run the test suite
	.venv/bin/python -m pytest

lint: $(SETUP)  ## static checks of the code
	.venv/bin/ruff check src tests

clean:  ## remove generated PDFs (keeps .venv)
	find output -mindepth 1 ! -name .gitkeep -delete

$(SETUP): pyproject.toml constraints.txt scripts/setup.sh
	scripts/setup.sh

bench: $(SETUP)  ## measure speed against the targets; writes bench/RESULTS.md
	.venv/bin/python bench/run.py

doctor: $(SETUP)  ## what the rendering engine finds on this machine
	$(BRIEFING) doctor
