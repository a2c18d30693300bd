# Each target is one line; scripts/setup.sh prepares the machine on first use.
# DATEI=content/x.md limits `make`, `make final` and `make vorschau` to that file.
BRIEFING := .venv/bin/briefing
SETUP := .venv/.compiled
INSTALLED := .venv/.installed
DATEI ?=
TITEL ?=
MONAT ?=
SPRACHE ?=
NAME ?=
# Passed through the environment, so quotes and backticks in a title stay as typed.
export DATEI TITEL MONAT SPRACHE NAME

.PHONY: all pdf final check kataloge uebersetzung leichte-sprache test test-schnell lint freigeben vergleich veroeffentlichen protokoll clean bench doctor golden neu umbenennen hintergruende vorschau status liste pruefen

all: $(SETUP)  ## build everything into output/: PDFs, press kits, web, e-mail, bundles (or only DATEI's PDF)
	$(BRIEFING) build $(if $(DATEI),$(DATEI),--alle)

pdf: $(SETUP)  ## only the PDFs (the quick loop while writing)
	$(BRIEFING) build $(DATEI)

final: $(SETUP)  ## build for publication: drafts and placeholders are errors
	$(BRIEFING) build --final $(if $(DATEI),$(DATEI),--alle)

kataloge: $(SETUP)  ## texts of templates and code into the language catalogs (src/briefing/locale), then compile them
	.venv/bin/pybabel extract -F babel.cfg -k gettext:2 -k N_ --no-location --sort-output --omit-header -o src/briefing/locale/briefing.pot .
	.venv/bin/pybabel update -i src/briefing/locale/briefing.pot -d src/briefing/locale -D briefing --no-wrap
	for l in de en pl cs hsb; do .venv/bin/pybabel compile --statistics -l $$l -i src/briefing/locale/$$l/LC_MESSAGES/briefing.po -o /dev/null || exit 1; done

check: $(SETUP)  ## validate all content, write nothing
	$(BRIEFING) check

neu: $(SETUP)  ## a new release as a draft: make neu TITEL="…" [DATUM=JJJJ-MM-TT] [TYP=terminhinweis|sprechzettel|fragen-antworten]
	BRIEFING_AUFRUF=make $(BRIEFING) neu "$$TITEL" $(if $(DATUM),--datum "$(DATUM)") $(if $(TYP),--typ "$(TYP)")

umbenennen: $(SETUP)  ## rename a release with its editions, links and approvals: make umbenennen ALT=… NEU=…
	BRIEFING_AUFRUF=make $(BRIEFING) umbenennen "$$ALT" "$$NEU"

hintergruende: $(SETUP)  ## the missing briefings of a release: make hintergruende DATEI=…
	$(BRIEFING) neu --hintergruende "$$DATEI"

uebersetzung: $(SETUP)  ## a translation as a draft: make uebersetzung DATEI=… SPRACHE=en-GB
	BRIEFING_AUFRUF=make $(BRIEFING) neu --uebersetzung "$$DATEI" --sprache "$$SPRACHE"

leichte-sprache: $(SETUP)  ## the Leichte-Sprache edition as a draft: make leichte-sprache DATEI=…
	BRIEFING_AUFRUF=make $(BRIEFING) neu --leichte-sprache "$$DATEI"

freigeben: $(SETUP)  ## approve a text (four eyes): make freigeben DATEI=… NAME="…"
	$(BRIEFING) freigeben $$DATEI --name "$$NAME"

vergleich: $(SETUP)  ## what changed since approval: make vergleich DATEI=… [SEIT=veröffentlichung|fassung]
	$(BRIEFING) vergleich "$$DATEI" $(if $(SEIT),--seit "$(SEIT)")

veroeffentlichen: $(SETUP)  ## publish what is approved and due (once)
	$(BRIEFING) veröffentlichen

protokoll: $(SETUP)  ## what was published, corrected, withdrawn, when
	$(BRIEFING) protokoll

vorschau: $(SETUP)  ## live preview in the browser (127.0.0.1), of DATEI or of everything
	$(BRIEFING) vorschau $(DATEI)

status: $(SETUP)  ## what a build would do, without doing it
	$(BRIEFING) status

liste: $(SETUP)  ## the releases (of MONAT=JJJJ-MM) with embargo, state and PDFs
	$(BRIEFING) liste $(if $(MONAT),--monat $(MONAT))

pruefen: $(SETUP)  ## check PDFs for PDF/UA-1 and PDF/A-2: make pruefen [PDF=…], default all in output/
	$(BRIEFING) prüfen-pdf $(or $(PDF),$(wildcard output/*.pdf))

test: $(SETUP) .venv/.browser  ## run the test suite
	.venv/bin/python -m pytest

test-schnell: $(SETUP)  ## the quick subset while working: every module, no real browser or processes (< 60 s)
	.venv/bin/python -m pytest -q -m "not langsam"

golden: $(SETUP)  ## after an intended template or typography change: rewrite tests/golden/
	BRIEFING_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_golden.py

lint: $(SETUP)  ## static checks of the code
	.venv/bin/ruff check src tests

clean:  ## remove generated PDFs (keeps .venv)
	find output -mindepth 1 ! -name .gitkeep -delete

$(INSTALLED): pyproject.toml constraints.txt scripts/setup.sh
	scripts/setup.sh

# Compiled once here (pip does so for the libraries, not for an editable install): where
# PYTHONDONTWRITEBYTECODE is set, every command would compile briefing again (0.12 s).
$(SETUP): $(INSTALLED) $(wildcard src/briefing/*.py)
	.venv/bin/python -m compileall -q src/briefing && touch $@

.venv/.browser: $(SETUP)
	scripts/setup.sh browser && touch $@ || true

bench: $(SETUP)  ## measure speed against the targets; writes bench/RESULTS.md
	.venv/bin/python bench/run.py

doctor: $(SETUP)  ## what the rendering engine finds on this machine
	$(BRIEFING) doctor
