"""`briefing neu`: a new release from its title, and the missing briefings of a release.

The files are drafts (`entwurf: true`) with a comment on every field and `TODO` where staff
must write; `check` accepts them as drafts and `make final` refuses them until every TODO
is gone. Nothing is invented: what the tool cannot know stays TODO. Existing files are never
overwritten.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import unicodedata
from pathlib import Path

from babel.dates import format_date

from . import clock
from .doctypes import DOCTYPES
from .errors import MachineError, UsageError
from .files import cause_of
from .formatting import german_long_date
from .model import Document
from .paths import Paths

#: Letters NFKD does not take apart, spelled as German and Polish readers would.
_LETTERS = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "ae", "Ö": "oe", "Ü": "ue", "ß": "ss",
            "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "æ": "ae", "œ": "oe"}
MAX_SLUG = 60

RELEASE = """\
---
# Art des Dokuments (nicht ändern)
typ: pressemitteilung
# Überschrift; mit Doppelpunkt oder # in Anführungszeichen: "Sachsen: weltoffen"
titel: {title}
# Datum der Mitteilung (JJJJ-MM-TT)
datum: {date}
# Ort für Kopf und Ortsmarke
ort: TODO
# Nummer der Mitteilung, z. B. Nr. 123/2025 (löschen, wenn es keine gibt)
# nummer: Nr. 123/2025
# Sperrfrist: JJJJ-MM-TT HH:MM (Berliner Zeit) oder Text wie Redebeginn (sonst löschen)
# sperrfrist: {date} 10:00
# Pressekontakt (ohne Angabe der aus briefing.toml); Unterfelder eingerückt
# kontakt:
#   name: TODO
#   telefon: TODO
#   email: TODO
# Schwerpunkte, je Zeile »kennung: Titel«; danach: briefing neu --hintergruende DATEI
# prioritäten:
#   erste: TODO
# Entwurf: ENTWURF auf jeder Seite, TODO erlaubt; vor der Veröffentlichung löschen
entwurf: true
---

TODO ({long_date}) – TODO: der erste Absatz mit dem Wichtigsten.

TODO: weitere Absätze.
"""

BRIEFING = """\
---
# Art des Dokuments (nicht ändern)
typ: hintergrund
# Überschrift (vorgeschlagen: der Titel der Priorität)
titel: {title}
# Stand (JJJJ-MM-TT)
datum: {date}
# Die Pressemitteilung (Dateiname ohne .md) und die Kennung der Priorität darin
pressemitteilung: {release}
priorität: {key}
# Entwurf: ENTWURF auf jeder Seite, TODO erlaubt; vor der Veröffentlichung löschen
entwurf: true
---

## Das Wichtigste in Kürze

- TODO

## Worum es geht

TODO
"""


#: Words a shortened name does not end on (»…-fuer-schnelles-internet-in« reads cut off):
#: the German function words, as `slug` spells them (ü → ue, ß → ss). A title that fits
#: is kept whole; only a cut one drops them, several in a row if need be.
_DANGLING = frozenset((
    # articles and determiners
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines", "einem",
    "einen", "kein", "keine", "keiner", "keines", "keinem", "keinen", "jede", "jeder", "jedes",
    "jedem", "jeden", "diese", "dieser", "dieses", "diesem", "diesen", "welche", "welcher",
    "welches", "welchem", "welchen",
    # prepositions
    "ab", "abseits", "an", "angesichts", "anhand", "anlaesslich", "anstatt", "auf", "aufgrund",
    "aus", "ausser", "ausserhalb", "bei", "bezueglich", "binnen", "bis", "dank", "durch",
    "entgegen", "entlang", "fuer", "gegen", "gegenueber", "gemaess", "hinsichtlich", "hinter",
    "in", "infolge", "inklusive", "innerhalb", "jenseits", "laut", "mangels", "mit",
    "mithilfe", "mittels", "nach", "nahe", "neben", "nebst", "ob", "oberhalb", "ohne", "per",
    "pro", "samt", "seit", "seitens", "statt", "trotz", "ueber", "um", "unter", "unterhalb",
    "unweit", "vor", "waehrend", "wegen", "zugunsten", "zu", "zufolge", "zuzueglich", "zwecks",
    "zwischen",
    # prepositions with the article
    "am", "ans", "aufs", "beim", "durchs", "fuers", "hinterm", "hinters", "im", "ins",
    "ueberm", "uebers", "ums", "unterm", "unters", "vom", "vorm", "vors", "zum", "zur",
    # conjunctions
    "und", "oder", "sowie", "als", "wie", "aber", "sondern", "denn", "doch", "noch", "weder",
    "sowohl", "bzw", "beziehungsweise", "dass", "damit", "sodass", "weil", "wenn", "falls",
    "sofern", "obwohl", "nachdem", "bevor", "ehe", "indem", "seitdem",
    # possessives (»… beschließt in ihrer«), relatives and pronouns
    "mein", "meine", "meiner", "meines", "meinem", "meinen", "dein", "deine", "deiner",
    "deines", "deinem", "deinen", "sein", "seine", "seiner", "seines", "seinem", "seinen",
    "ihr", "ihre", "ihrer", "ihres", "ihrem", "ihren", "unser", "unsere", "unserer",
    "unseres", "unserem", "unseren", "euer", "eure", "eurer", "eures", "eurem", "euren",
    "deren", "dessen", "jene", "jener", "jenes", "jenem", "jenen",
    "ich", "du", "er", "es", "sie", "wir", "man", "sich", "mich", "dich", "uns", "euch", "ihn",
    "ihm", "ihnen",
))

#: How long a name may grow to tell it from another's with more words of its title;
#: beyond, it gets a number (`-2`).
MAX_DISTINCT_SLUG = 2 * MAX_SLUG


SPEECH = """\
---
# Art des Dokuments (nicht ändern); nur für den internen Gebrauch
typ: sprechzettel
titel: {title}
datum: {date}
# Wer spricht, mit Funktion
redner: TODO
# Anlass der Rede (sonst löschen)
anlass: TODO
# Die Pressemitteilung, zu der die Rede gehört (Dateiname ohne .md; sonst löschen)
# pressemitteilung: {date}-pressemitteilung-…
entwurf: true
---

## Begrüßung

TODO

## TODO: jeder Abschnitt mit »##« wird nummeriert
"""

QUESTIONS = """\
---
# Art des Dokuments (nicht ändern); nur für den internen Gebrauch
typ: fragen-antworten
titel: {title}
datum: {date}
# Die Pressemitteilung, zu der die Fragen gehören (Dateiname ohne .md; sonst löschen)
# pressemitteilung: {date}-pressemitteilung-…
entwurf: true
---

## TODO: Jede Frage als Überschrift mit »##«?

TODO: die abgestimmte Antwort darunter.
"""

ADVISORY = """\
---
# Art des Dokuments (nicht ändern)
typ: terminhinweis
titel: {title}
# Datum des Hinweises (an dem Tag geht er hinaus)
datum: {date}
# Wann der Termin beginnt und endet (JJJJ-MM-TT HH:MM, Berliner Zeit): bitte prüfen
beginn: {date} 10:00
# ende: …
ort: TODO
adresse: TODO
# Anmeldung der Medien, Fotos, Livestream (sonst löschen)
akkreditierung: TODO
# fototermin: ab 9:45 Uhr vor dem Eingang
# livestream: https://…
entwurf: true
---

TODO ({long_date}) – TODO: was geschieht, wer spricht.
"""

#: `neu --typ`: the types `neu` writes a draft of, with its template and file-name word.
NEW_TYPES = {"pressemitteilung": (RELEASE, "pressemitteilung"),
             "terminhinweis": (ADVISORY, "terminhinweis"),
             "sprechzettel": (SPEECH, "sprechzettel"),
             "fragen-antworten": (QUESTIONS, "fragen-antworten")}


def slug(text: str) -> str:
    """A file-name part from German text: `Sächsische Straße` → `saechsische-strasse`;
    at most `MAX_SLUG` characters, cut between words, never after »in«, »der«, »für« …"""
    words = _words(text)
    return "-".join(words[:_kept(words)]) or "ohne-titel"


def _words(text: str) -> list[str]:
    """The words of a file name, spelled in ASCII, none longer than `MAX_SLUG`."""
    text = "".join(_LETTERS.get(c, c) for c in text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return [word[:MAX_SLUG] for word in re.findall(r"[a-z0-9]+", text.lower())]


def _kept(words: list[str]) -> int:
    """How many of `words` the name keeps: all that fit in `MAX_SLUG`, without the small
    words a cut would leave dangling at the end."""
    kept = 0
    while kept < len(words) and (not kept or len("-".join(words[:kept + 1])) <= MAX_SLUG):
        kept += 1
    if kept < len(words):
        while kept > 1 and words[kept - 1] in _DANGLING:
            kept -= 1
    return kept


def new_release(paths: Paths, title: str, day: str | None = None,
                kind: str = "pressemitteilung") -> tuple[Path, str | None]:
    """The new release's (or speaking notes', Q&A's: `kind`) file, named by its date
    (`day`, JJJJ-MM-TT; today without) and its title, and a note for staff when that name
    was taken by another document, so that the file got a name of its own; raises
    UsageError if the date is not one or the same title has its file already."""
    title = " ".join(title.split())
    if not title:
        raise UsageError("neu: geben Sie einen Titel an, z. B. " + as_typed(
            'briefing neu "Sachsen und Tschechien vereinbaren …"',
            'make neu TITEL="Sachsen und Tschechien vereinbaren …"'))
    day = _day(day) if day is not None else clock.today()
    template, word = NEW_TYPES[kind]
    target, taken = _free_name(paths, f"{day.isoformat()}-{word}-", title)
    text = template.format(title=_yaml_text(title), date=day.isoformat(),
                           long_date=german_long_date(day))
    _create(paths, target, text)
    notes = [_far(day, paths.show(target))] if abs((day - clock.today()).days) > 366 else []
    if taken is not None:
        note = (f"Hinweis: {paths.show(taken)} gibt es schon, mit einem anderen Titel; der "
                "neue Entwurf hat darum einen eigenen Namen, überschrieben wurde nichts.")
        if DOCTYPES[kind].heads_package:
            note += " Einen anderen Namen gibt " + as_typed(
                f"»briefing umbenennen {paths.show(target)} NEU«.",
                f"»make umbenennen ALT={paths.show(target)} NEU=…«.")
        notes.append(note)
    return target, "\n".join(notes) or None


def _far(day: dt.date, shown: str) -> str:
    """The note for a date more than a year from today (a year mistyped: 2062, 2016)."""
    when = "in der Zukunft" if day > clock.today() else "zurück"
    return (f"Hinweis: der {german_long_date(day)} liegt mehr als ein Jahr {when}; stimmt das "
            f"Datum nicht, löschen Sie {shown} und legen Sie den Entwurf neu an, z. B. mit "
            + as_typed("--datum ", "DATUM=") + f"{clock.today().isoformat()}.")


def _free_name(paths: Paths, prefix: str, title: str) -> tuple[Path, Path | None]:
    """Where the draft of `title` goes, and the file that had its name first (None if the
    name was free). A name taken by another document grows by the words of the title that
    tell the two apart, else it gets a number; never an existing file."""
    words = _words(title) or ["ohne", "titel"]
    count, first = _kept(words), None
    while True:
        target = paths.content_dir / f"{prefix}{'-'.join(words[:count])}.md"
        if not target.exists():
            return target, first
        first = first or target
        _refuse_same(paths, target, title)
        # The first word in which the two titles differ, and no dangling word after it.
        theirs = _words(_title_of(target) or "")
        same = zip(words, theirs, strict=False)
        differs = next((i for i, (a, b) in enumerate(same) if a != b),
                       min(len(words), len(theirs)))
        count = max(count + 1, differs + 1)
        while count < len(words) and words[count - 1] in _DANGLING:
            count += 1
        if count > len(words) or len("-".join(words[:count])) > MAX_DISTINCT_SLUG:
            break
    base = f"{prefix}{'-'.join(words[:_kept(words)])}"
    for number in range(2, 1000):
        target = paths.content_dir / f"{base}-{number}.md"
        if not target.exists():
            return target, first
        _refuse_same(paths, target, title)
    raise UsageError(f"neu: zu viele Dateien heißen wie {paths.show(first)}; geben Sie einen "
                     "anderen Titel an")


def _refuse_same(paths: Paths, existing: Path, title: str) -> None:
    """UsageError when `existing` may be the draft of this very title: its title is the
    same, or cannot be read (then staff decide)."""
    theirs = _title_of(existing)
    if theirs is not None and theirs != title:
        return
    why = "mit diesem Titel" if theirs is not None else "ohne lesbaren »titel:«"
    raise UsageError(
        f"neu: {paths.show(existing)} gibt es schon, {why}; es wird nichts überschrieben. "
        "Bearbeiten Sie diese Datei, oder geben Sie für eine weitere Mitteilung einen "
        "anderen Titel an (" + as_typed('briefing neu "…"', 'make neu TITEL="…"') + ")")


def _title_of(path: Path) -> str | None:
    from .reader import read_meta

    title = (read_meta(path) or {}).get("titel")
    return " ".join(str(title).split()) if title is not None else None


#: Only the one form: `date.fromisoformat` also takes `20261217` and `2026-W51-3`.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _day(text: str) -> dt.date:
    value = text.strip()
    if not _DATE.fullmatch(value):
        raise UsageError(f"neu: »{text}« ist kein Datum der Form JJJJ-MM-TT; schreiben Sie "
                         "z. B. " + as_typed("--datum ", "DATUM=") + _meant(value).isoformat())
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"neu: »{text}«: diesen Tag gibt es nicht; schreiben Sie das Datum "
                         "als JJJJ-MM-TT, z. B. " + as_typed("--datum ", "DATUM=") + "2025-11-14"
                         ) from None


def _meant(text: str) -> dt.date:
    """The date a wrongly written one most likely means (`14.12.2026`, `20261217`), for the
    example in the message; else a date of the right form."""
    for form in ("%d.%m.%Y", "%d.%m.%y", "%Y%m%d", "%Y-%m-%d"):
        with contextlib.suppress(ValueError):
            return dt.datetime.strptime(text, form).date()
    with contextlib.suppress(ValueError):
        return dt.date.fromisoformat(text)
    return dt.date(2025, 11, 14)


def as_typed(command_line: str, make: str) -> str:
    """A hint in the words staff typed: the Makefile's targets `neu`, `umbenennen`,
    `uebersetzung` and `leichte-sprache` set BRIEFING_AUFRUF=make, so their messages name
    TITEL=, DATUM=, ALT=, NEU=, DATEI=, SPRACHE=, not --datum."""
    return make if os.environ.get("BRIEFING_AUFRUF") == "make" else command_line


def new_briefings(paths: Paths, release_file: Path) -> list[Path]:
    """A briefing for every priority of the release that has none yet."""
    from .project import load_project

    project = load_project(paths.root)
    try:
        release = project.named(release_file, "keine fehlerfreie Pressemitteilung")
    except UsageError as exc:
        raise UsageError(f"neu: {exc}") from None
    shown = release.display_path
    if not release.priorities:
        raise UsageError(f"neu: {shown} hat keine »prioritäten«; tragen Sie sie zuerst ein")
    covered = {d.priority.key for d in project.documents
               if d.release is not None and d.release.slug == release.slug}
    created = []
    for priority in release.priorities:
        if priority.key in covered:
            continue
        name = f"{release.date.isoformat()}-hintergrund-{priority.number}-{slug(priority.key)}.md"
        target = paths.content_dir / name
        _create(paths, target, BRIEFING.format(
            title=_yaml_text(priority.title), date=release.date.isoformat(),
            release=release.slug, key=priority.key))
        created.append(target)
    return created


EDITION = """\
---
typ: {kind}
# TODO: die Überschrift in der neuen Sprache
titel: {title}
# {language_comment}
sprache: {language}
{easy}# Das Original; Datum, Nummer, Sperrfrist und Prioritäten kommen von dort.
original: {original}
# Die Fassung des Originals, aus der übersetzt wird. Ändert sich das Original, warnt
# »make check«; nach dem Angleichen den neuen Wert hier eintragen.
fassung: {version}
{event}entwurf: true
---

{body}"""

#: An event's front matter in its Leichte-Sprache draft: what comes from the original,
#: and what may be said in easy words here.
EASY_EVENT_FIELDS = """\
# Beginn, Ende und Livestream kommen vom Original. Ort, Adresse, Anmeldung und
# Fototermin stehen im Kasten oben auf der Seite: ohne eigene Angabe mit den Worten des
# Originals; in Leichter Sprache zum Beispiel:
# akkreditierung: Melden Sie sich bis Donnerstag an.
"""


def new_edition(paths: Paths, original_file: Path, language: str | None,
                easy: bool = False) -> Path:
    """A translation (or the Leichte-Sprache edition) of a document, as a draft holding the
    original's text to translate; raises UsageError when it exists or cannot be."""
    from .editions import EASY, version_of
    from .project import load_project
    from .values import FieldError, parse_language

    project = load_project(paths.root)
    shown = paths.named(original_file)
    original = next((d for d in project.documents if d.display_path == shown), None)
    if original is None or original.original_ref is not None:
        raise UsageError("neu: " + (paths.missing(original_file) or _not_an_original(
            shown, original, easy)))
    if easy and not original.type.easy_edition:
        having = [t.label for t in DOCTYPES.values() if t.easy_edition]
        why = "ist nur für den internen Gebrauch" if not original.type.public else \
            "hat keine Fassung in Leichter Sprache"
        raise UsageError(
            f"neu: {shown} ({original.type.label}) {why}; eine Fassung in Leichter Sprache "
            f"gibt es nur von {' und '.join(', '.join(having).rsplit(', ', 1))}")
    if easy:
        language, mark = original.language, EASY
    else:
        other = "de-DE" if original.language.startswith("en-") else "en-GB"
        if not (language or "").strip():
            raise UsageError("neu: nennen Sie die Sprache der Übersetzung, z. B. " + as_typed(
                f"--sprache {other}", f"make uebersetzung DATEI={shown} SPRACHE={other}"))
        try:
            language = parse_language(language)
        except FieldError as exc:
            raise UsageError(f"neu: Sprache {exc}") from None
        if language == original.language:
            raise UsageError(_same_language(shown, original, other))
        mark = language.split("-")[0].lower()
    target = paths.content_dir / f"{original.slug}.{mark}.md"
    body = original.source.read_text(encoding="utf-8").split("---", 2)[2].lstrip("\n")
    event = easy and original.type.calendar
    if event:  # what a reader must know of an event, in easy sentences, then the original
        body = easy_event(original) + "<!-- TODO: Das ist der Text des Originals. Schreiben " \
            "Sie oben in Leichter Sprache, was passiert, und löschen Sie ihn dann. -->\n\n" + body
    else:
        body = "<!-- TODO: übersetzen; das ist der Text des Originals -->\n\n" + body
    _create(paths, target, EDITION.format(
        kind=original.kind, title=_yaml_text(f"TODO {original.title}"), language=language,
        language_comment="Leichte Sprache: Regeln prüft »make check«" if easy else
        "Sprache der Übersetzung", easy="leichte-sprache: true\n" if easy else "",
        original=original.slug, version=version_of(original),
        event=EASY_EVENT_FIELDS if event else "", body=body))
    return target


def _not_an_original(shown: str, document: Document | None, easy: bool) -> str:
    """Why `neu --uebersetzung`/`--leichte-sprache` cannot start from `shown`: no document
    without errors, or an edition (then its original is named)."""
    what = "eine Fassung in Leichter Sprache" if easy else "eine Übersetzung"
    source = document.original if document is not None else None
    if source is None:
        return (f"{shown} ist kein fehlerfreies Original in content/ ({what} wird aus dem "
                "Original angelegt)")
    edition = "die Fassung in Leichter Sprache" if document.easy else "eine Übersetzung"
    command = as_typed(
        f"briefing neu --leichte-sprache {source.display_path}" if easy else
        f"briefing neu --uebersetzung {source.display_path} --sprache …",
        f"make leichte-sprache DATEI={source.display_path}" if easy else
        f"make uebersetzung DATEI={source.display_path} SPRACHE=…")
    return (f"{shown} ist {edition} von {source.display_path}; {what} wird aus dem Original "
            f"angelegt: »{command}«")


def _same_language(shown: str, original: Document, other: str) -> str:
    """The advice `check` gives for a translation in the original's language, in the
    words of the command line."""
    advice = "neu: Übersetzung in derselben Sprache wie das Original " \
        f"({original.language}); nennen Sie eine andere Sprache, z. B. " + as_typed(
            f"»--sprache {other}«", f"»SPRACHE={other}«")
    if original.type.easy_edition:
        advice += ", oder für Leichte Sprache " + as_typed(
            f"»briefing neu --leichte-sprache {shown}«", f"»make leichte-sprache DATEI={shown}«")
    return advice


def easy_event(event: Document) -> str:
    """The Leichte-Sprache draft of a media advisory: what happens, when, where, who may
    come, how to register, photos and livestream; the facts filled in from the original
    in short sentences, one a line, and TODO where only staff know the answer."""
    starts = event.starts.astimezone(clock.BERLIN)
    ends = event.ends.astimezone(clock.BERLIN) if event.ends else None

    def day(moment: dt.datetime) -> str:  # »Freitag, 14. November 2025«
        return format_date(moment.date(), "full", locale="de_DE")

    when = [f"Am {day(starts)}.", f"Der Termin beginnt um {_clock(starts)}."]
    if ends and ends.date() == starts.date():
        when.append(f"Der Termin endet um {_clock(ends)}.")
    elif ends:
        when.append(f"Der Termin endet am {day(ends)} um {_clock(ends)}.")
    where = [f"In {event.place}."] if event.place else ["TODO: In welcher Stadt?"]
    if event.address:
        where.append(f"Die Adresse ist: {event.address}.")
    register = ["TODO: Bis wann und wo melden Sie sich an?"]
    if event.accreditation:
        register.append(f"<!-- Im Original: {event.accreditation} -->")
    else:
        register = ["TODO: Müssen Sie sich anmelden?",
                    "Wenn nicht: Löschen Sie diesen Abschnitt."]
    sections = [("Was passiert?", ["TODO: Was passiert bei dem Termin?",
                                   "TODO: Wer spricht?"]),
                ("Wann ist der Termin?", when),
                ("Wo ist der Termin?", where),
                ("Wer darf kommen?", ["Journalistinnen und Journalisten dürfen kommen.",
                                      "TODO: Dürfen auch andere Menschen kommen?"]),
                ("Wie melden Sie sich an?", register)]
    if event.photo_call:
        sections.append(("Dürfen Sie Fotos machen?", [
            "Ja.", "TODO: Wann und wo dürfen Sie Fotos machen?",
            f"<!-- Im Original: {event.photo_call} -->"]))
    if event.livestream:
        sections.append(("Können Sie den Termin im Internet sehen?", [
            "Ja.", "Auf dieser Internet·seite:", event.livestream]))
    return "".join(f"## {heading}\n\n" + "\n".join(lines) + "\n\n"
                   for heading, lines in sections)


def _clock(moment: dt.datetime) -> str:
    """`10 Uhr`, `9:45 Uhr`: a time as Leichte Sprache writes it."""
    return f"{moment.hour} Uhr" if not moment.minute else f"{moment.hour}:{moment.minute:02d} Uhr"


def _create(paths: Paths, target: Path, text: str) -> None:
    try:
        with open(target, "x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        raise UsageError(f"neu: {paths.show(target)} gibt es schon; es wird nichts "
                         "überschrieben") from None
    except OSError as exc:
        raise MachineError(f"{paths.show(target)}: kann nicht angelegt werden: "
                           f"{cause_of(exc)}") from None


def _yaml_text(text: str) -> str:
    """The title as a YAML value that keeps every character (quoted when needed)."""
    if re.search(r"[:#\"'\[\]{}&*!|>%@`]|^[-?]", text):
        return "'" + text.replace("'", "''") + "'"
    return text


def _name_the_original(easy: bool, language: str | None) -> str:
    """What to give when the original is left out (`make uebersetzung` without DATEI=)."""
    example = "content/2025-10-29-pressemitteilung-….md"
    if easy:
        return "neu: nennen Sie das Original, z. B. " + as_typed(
            f"briefing neu --leichte-sprache {example}", f"make leichte-sprache DATEI={example}")
    what = "das Original" if (language or "").strip() else \
        "das Original und die Sprache der Übersetzung"
    return f"neu: nennen Sie {what}, z. B. " + as_typed(
        f"briefing neu --uebersetzung {example} --sprache en-GB",
        f"make uebersetzung DATEI={example} SPRACHE=en-GB")


def run(root: Path, args) -> int:
    paths, note = Paths(root), None
    if args.uebersetzung is not None or args.leichte_sprache is not None:
        easy = args.leichte_sprache is not None
        original = args.leichte_sprache if easy else args.uebersetzung
        if not original.strip():
            raise UsageError(_name_the_original(easy, args.sprache))
        created = [new_edition(paths, Path(original), args.sprache, easy=easy)]
    elif args.hintergruende is not None:
        if not args.hintergruende.strip():
            raise UsageError("neu: nennen Sie die Pressemitteilung, z. B. make hintergruende "
                             "DATEI=content/2025-10-29-pressemitteilung-….md")
        created = new_briefings(paths, Path(args.hintergruende))
        if not created:
            print("Jede Priorität hat schon ihre Hintergrundinformation.")
    else:
        target, note = new_release(paths, " ".join(args.titel), args.datum, args.typ)
        created = [target]
    for path in created:
        print(f"angelegt  {paths.show(path)}")
    if note:
        print(note)
    if created:
        print("Nächste Schritte: Datei bearbeiten (jedes TODO ersetzen), ansehen mit "
              "»make vorschau DATEI=…«, prüfen mit »make check«.")
    return 0
