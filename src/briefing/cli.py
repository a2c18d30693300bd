"""The `briefing` command: parses arguments, delegates, prints German lines.

Exit codes: 0 everything fine, 1 content problems, 2 usage error (wrong call, no project),
3 a fault of the machine (disk full, read-only, no permission), 4 a bug in briefing (its
report file is named), 130 interrupted.
Only light modules are imported up front: a build with nothing to do answers from the
manifest without loading the pipeline or WeasyPrint.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import signal
import sys
from pathlib import Path

from . import __version__, compat, files, store
from .errors import ContentError, MachineError, UsageError
from .paths import Paths, find_root

EXAMPLES = """\
Beispiele:
  briefing build                      geänderte Dokumente aus content/ nach output/ setzen
  briefing build --force              alle Dokumente neu setzen
  briefing build content/2025-10-29-pressemitteilung-internationale-strategie.md
                                      nur dieses Dokument setzen
  briefing build --jobs 1             ohne weitere Prozesse setzen
  briefing build --final              für die Veröffentlichung: Entwürfe und Platzhalter
                                      sind Fehler
  briefing check                      alles prüfen, nichts schreiben
  briefing neu "Sachsen und Tschechien vereinbaren …"
                                      neue Pressemitteilung als Entwurf anlegen
  briefing neu --hintergruende content/2025-10-29-pressemitteilung-….md
                                      fehlende Hintergrundinformationen anlegen
  briefing vorschau content/….md      Live-Vorschau im Browser
  briefing status                     was veraltet ist, ohne zu setzen
  briefing liste --monat 2025-10      Pressemitteilungen eines Monats
  briefing prüfen-pdf output/….pdf    PDF auf Barrierefreiheit prüfen
  briefing freigeben content/….md --name "Anna Beispiel"
                                      einen Text freigeben (Vier-Augen-Prinzip)
  briefing vergleich content/….md     was sich seit der Freigabe geändert hat
  briefing veröffentlichen --warten   jede freigegebene Mitteilung zu ihrer Zeit
                                      veröffentlichen
  briefing protokoll                  was wann veröffentlicht wurde
  briefing doctor                     Umgebung prüfen (Pango, HarfBuzz, Schriften)

Rückgabewerte: 0 alles in Ordnung, 1 Fehler im Inhalt, 2 falscher Aufruf,
3 Fehler der Maschine (Datenträger voll, schreibgeschützt, keine Berechtigung),
4 interner Fehler von briefing (mit Fehlerbericht), 130 abgebrochen.
"""

#: argparse's own texts, in German: staff see no English (argparse looks `_` up at run time).
ARGPARSE_GERMAN = {
    "usage: ": "Aufruf: ",
    "positional arguments": "Argumente",
    "options": "Optionen",
    "optional arguments": "Optionen",
    "show this help message and exit": "diese Hilfe zeigen und beenden",
    "show program's version number and exit": "Version zeigen und beenden",
    "the following arguments are required: %s": "diese Angaben fehlen: %s",
    "unrecognized arguments: %s": "unbekannte Angaben: %s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "unbekannt: %(value)r (möglich sind: %(choices)s)",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "expected one argument": "hier fehlt ein Wert",
    "expected at least one argument": "hier fehlt mindestens ein Wert",
    "expected at most one argument": "hier ist höchstens ein Wert erlaubt",
    "not allowed with argument %s": "nicht zusammen mit %s möglich",
    "ambiguous option: %(option)s could match %(matches)s":
        "mehrdeutige Option %(option)s: gemeint sein könnte %(matches)s",
    "invalid %(type)s value: %(value)r": "ungültiger Wert: %(value)r",
    "one of the arguments %s is required": "eine dieser Angaben ist nötig: %s",
    "ignored explicit argument %r": "Wert %r wird hier nicht angenommen",
}


def _german(text: str) -> str:
    return ARGPARSE_GERMAN.get(text, text)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"briefing: Fehler: {message}\n")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"»{text}« ist keine Zahl ab 1")
    return value


def make_parser() -> argparse.ArgumentParser:
    compat.german_argparse(_german)
    parser = _Parser(
        prog="briefing",
        description="Setzt Pressemitteilungen und Hintergrundinformationen aus Markdown "
                    "als barrierefreie PDF.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter, add_help=False)
    _add_help(parser)
    parser.add_argument("--version", action="version", version=f"briefing {__version__}",
                        help="Version zeigen und beenden")
    commands = parser.add_subparsers(dest="command", metavar="BEFEHL", parser_class=_Parser)

    def command(name: str, summary: str, description: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name, add_help=False, help=summary, description=description, epilog=EXAMPLES,
            formatter_class=argparse.RawDescriptionHelpFormatter)
        _add_help(sub)
        sub.add_argument("--root", type=Path, default=None, metavar="ORDNER",
                         help="Projektordner (Standard: der Ordner mit briefing.toml ab hier "
                              "aufwärts)")
        return sub

    build = command(
        "build", "PDF setzen",
        "Setzt die PDF aller Dokumente in content/ (oder nur der genannten) nach output/. "
        "Ein PDF wird nur neu gesetzt, wenn sich etwas geändert hat, aus dem es entsteht. "
        "Dokumente mit Fehlern werden übersprungen; ihr altes PDF bleibt unverändert.")
    build.add_argument("files", nargs="*", metavar="DATEI", help="nur diese Inhaltsdateien")
    build.add_argument("--force", action="store_true", help=(
        "alles neu setzen (wird der Lauf abgebrochen, setzt der nächste ohne --force fort)"))
    build.add_argument("--alle", action="store_true", dest="channels",
                       help="auch Pressemappe, Webseiten, Archiv und Feed, E-Mail und Paket "
                            "jeder Pressemitteilung (so baut »make«); ohne: nur die PDF, "
                            "schneller beim Schreiben")
    build.add_argument("-j", "--jobs", type=_positive, default=None, metavar="N",
                       help="Anzahl paralleler Prozesse (Standard: Anzahl der CPU-Kerne; "
                            "1 = alles in diesem Prozess)")
    verbosity = build.add_mutually_exclusive_group()
    verbosity.add_argument("-q", "--quiet", action="store_true",
                           help="nur Probleme ausgeben")
    verbosity.add_argument("-v", "--verbose", action="store_true",
                           help="auch unveränderte PDF und Speicherbedarf ausgeben")
    _add_strict(build)
    _add_final(build)

    check = command("check", "alles prüfen, nichts schreiben",
                    "Prüft alle Dokumente in content/ und meldet jedes Problem als "
                    "»datei:zeile: meldung«. Schreibt keine Datei.")
    _add_strict(check)
    _add_final(check)

    command("doctor", "Umgebung prüfen",
            "Zeigt WeasyPrint-, Pango- und HarfBuzz-Version, die Schriften der Vorlagen und "
            "warnt, wenn Schriften langsam (ohne HarfBuzz-Subset) eingebettet werden.")
    _add_loop_commands(command)
    return parser


def _add_loop_commands(command) -> None:
    """The press officer's working loop: new document, preview, status, list."""
    new = command("neu", "neue Pressemitteilung oder fehlende Hintergrundinformationen anlegen",
                  "Legt in content/ eine neue Pressemitteilung als Entwurf an (Dateiname aus "
                  "ihrem Datum – heute oder --datum – und dem Titel), mit einem Kommentar zu "
                  "jedem Feld und TODO, wo etwas fehlt. Mit --hintergruende: für jede "
                  "Priorität der genannten Pressemitteilung, die noch keine hat, eine "
                  "Hintergrundinformation. Mit "
                  "--uebersetzung DATEI --sprache en-GB oder --leichte-sprache DATEI: die "
                  "Übersetzung bzw. die Fassung in Leichter Sprache, mit dem Text des Originals "
                  "zum Übersetzen. Vorhandene Dateien werden nie überschrieben.")
    new.add_argument("titel", nargs="*", metavar="TITEL", help="Überschrift der Mitteilung")
    new.add_argument("--datum", metavar="JJJJ-MM-TT",
                     help="Datum der Mitteilung (ohne: heute); auch im Dateinamen")
    new.add_argument("--typ", default="pressemitteilung",
                     choices=("pressemitteilung", "terminhinweis", "sprechzettel",
                              "fragen-antworten"),
                     help="was angelegt wird: eine Pressemitteilung (Standard), ein "
                          "Terminhinweis, ein Sprechzettel oder Fragen und Antworten (beide "
                          "intern)")
    new.add_argument("--hintergruende", "--hintergründe", metavar="DATEI",
                     help="fehlende Hintergrundinformationen dieser Pressemitteilung anlegen")
    new.add_argument("--uebersetzung", "--übersetzung", metavar="DATEI",
                     help="Übersetzung dieses Dokuments anlegen (mit --sprache)")
    new.add_argument("--sprache", metavar="SPRACHE",
                     help="Sprache der Übersetzung, z. B. en-GB, pl-PL, cs-CZ, hsb-DE")
    new.add_argument("--leichte-sprache", metavar="DATEI", dest="leichte_sprache",
                     help="Fassung dieses Dokuments in Leichter Sprache anlegen")
    rename = command("umbenennen", "eine Pressemitteilung umbenennen, mit allem, was dazugehört",
                     "Gibt einer Pressemitteilung einen neuen Dateinamen: ihre Datei, ihre "
                     "Übersetzungen und die Fassung in Leichter Sprache, jeden Verweis darauf "
                     "(»pressemitteilung:« der Hintergrundinformationen, »original:«) und ihre "
                     "Freigaben, in einem Schritt und ganz oder gar nicht. Eine veröffentlichte "
                     "Pressemitteilung behält ihren Namen; ein vorhandenes Ziel wird nie "
                     "überschrieben.")
    rename.add_argument("alt", metavar="ALT", help="die Pressemitteilung (Datei oder Name)")
    rename.add_argument("neu", metavar="NEU", help="der neue Name, z. B. "
                        "2025-11-14-pressemitteilung-grenzregion")
    preview = command("vorschau", "Live-Vorschau im Browser",
                      "Zeigt ein Dokument (oder alle) als die Seiten des PDF, das »build« "
                      "schreiben würde, auf einer Seite nur für diesen Rechner (127.0.0.1), und "
                      "setzt es neu, sobald Sie die Inhaltsdatei, eine Vorlage, print.css oder "
                      "briefing.toml speichern. Probleme erscheinen auf der Seite. Schreibt "
                      "nichts nach output/, außer mit --schreiben. Beenden mit Strg+C.")
    preview.add_argument("file", nargs="?", metavar="DATEI", help="nur diese Inhaltsdatei")
    preview.add_argument("--port", type=int, default=0, metavar="N",
                         help="Port (Standard: ein freier)")
    preview.add_argument("--schreiben", action="store_true",
                         help="jede fehlerfreie Fassung auch nach output/ schreiben")
    preview.add_argument("--ohne-browser", action="store_true",
                         help="keinen Browser öffnen, nur die Adresse ausgeben")
    command("status", "was ein Build täte, ohne zu setzen",
            "Zeigt für jede Inhaltsdatei, ob ihr PDF aktuell, veraltet (und warum), neu oder "
            "fehlerhaft ist, und PDF ohne Inhaltsdatei. Setzt nichts, schreibt nichts.")
    listing = command("liste", "Pressemitteilungen auflisten",
                      "Listet die Pressemitteilungen mit Datum, Nummer, Stand (Entwurf oder "
                      "endgültig), Sperrfrist (läuft noch oder abgelaufen), Zahl der "
                      "Hintergrundinformationen und ob ihre PDF aktuell sind.")
    listing.add_argument("--monat", metavar="JJJJ-MM", help="nur dieser Monat, z. B. 2025-10")
    audit = command("prüfen-pdf", "PDF auf Barrierefreiheit prüfen (PDF/UA-1, PDF/A-2)",
                    "Prüft eine oder mehrere PDF-Dateien – auch von anderswo – auf die maschinell "
                    "prüfbaren Punkte von PDF/UA-1 und PDF/A-2: Kennung, Sprache, Titel, Tags, "
                    "Tab-Reihenfolge, Inhalt in der Struktur oder als Artefakt, Alternativtexte, "
                    "Tabellenköpfe, Fußnoten, eingebettete Schriften. Lesereihenfolge, Qualität "
                    "der Alternativtexte und Kontrast prüft ein Mensch; zertifiziert wird mit "
                    "veraPDF oder PAC 2024.")
    audit.add_argument("pdf", nargs="+", metavar="PDF", help="die zu prüfenden PDF-Dateien")
    _add_publication_commands(command)


def _add_publication_commands(command) -> None:
    """Approve, compare, publish, and the record of what went out."""
    approve = command("freigeben", "einen Text freigeben (Vier-Augen-Prinzip)",
                      "Hält fest, wer welchen Text freigegeben hat: die genaue Fassung der Datei "
                      "und alles, was sie übernimmt (bei einer Hintergrundinformation auch ihre "
                      "Pressemitteilung). Gespeichert in freigaben/ neben content/, mit dem Inhalt "
                      "zu versionieren. Wer einen Text laut »autor« geschrieben hat, kann ihn "
                      "nicht freigeben. Jede spätere Änderung macht die Freigabe ungültig.")
    approve.add_argument("files", nargs="+", metavar="DATEI", help="die freizugebenden Dateien")
    approve.add_argument("--name", metavar="NAME", help="wer freigibt (Vor- und Nachname)")
    compare = command("vergleich", "zeigen, was sich seit Freigabe oder Veröffentlichung "
                      "geändert hat",
                      "Zeigt Wort für Wort, was sich an einer Datei seit ihrer Freigabe (oder, "
                      "mit --seit veröffentlichung, seit ihrer letzten Veröffentlichung) geändert "
                      "hat: im Terminal und als Seite in output/vergleich/ – für die Prüfung und "
                      "für Übersetzungen. Bei einer Übersetzung zeigt --seit fassung, was sich "
                      "am Original seit der Fassung geändert hat, aus der übersetzt wurde.")
    compare.add_argument("file", metavar="DATEI", help="die Inhaltsdatei")
    compare.add_argument("--seit", choices=["freigabe", "veröffentlichung", "fassung"],
                         help="womit verglichen wird (Standard: die Freigabe)")
    log = command("protokoll", "was wann veröffentlicht, korrigiert, zurückgezogen wurde",
                  "Zeigt das Protokoll (protokoll/protokoll.jsonl): jede Veröffentlichung, "
                  "Korrektur und Rücknahme mit Zeit, Nummer, Freigabe und Dateien.")
    log.add_argument("--dateien", action="store_true",
                     help="auch jede Datei mit ihrer SHA-256-Prüfsumme")
    publish = command("veröffentlichen", "veröffentlichen, was freigegeben und fällig ist",
                      "Baut alles und bringt jede Pressemitteilung auf die Website (Webseiten, "
                      "Archiv, Feed, JSON), die vollständig, freigegeben und fällig ist: mit "
                      "Ablauf ihrer Sperrfrist, sonst zu Beginn ihres Tages »datum« (oder zu dem "
                      "Zeitpunkt in »veröffentlichung«). Mit --warten bleibt der Befehl laufen "
                      "und veröffentlicht jede weitere zu ihrer Zeit, bis Strg+C.")
    publish.add_argument("--warten", action="store_true",
                         help="laufen bleiben und zu jeder fälligen Zeit veröffentlichen")
    publish.add_argument("-j", "--jobs", type=_positive, default=None, metavar="N",
                         help="Anzahl paralleler Prozesse")


#: Commands whose work lives in a module of their own: (module, function(root, args)).
HANDLERS = {
    "doctor": ("doctor", "run_doctor"),
    "neu": ("scaffold", "run"),
    "vorschau": ("preview", "run"),
    "status": ("status", "run_status"),
    "liste": ("status", "run_list"),
    "prüfen-pdf": ("audit", "run"),
    "freigeben": ("publishing", "run_approve"),
    "vergleich": ("publishing", "run_compare"),
    "protokoll": ("publishing", "run_log"),
    "veröffentlichen": ("publishing", "run_publish"),
    "umbenennen": ("renaming", "run"),
}


def _add_help(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-h", "--help", action="help", help="diese Hilfe zeigen und beenden")


def _add_strict(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--strict", action="store_true",
                        help="auch Warnungen als Fehler werten (Rückgabewert 1)")


def _add_final(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--final", action="store_true",
                        help="für die Veröffentlichung: Entwürfe und Platzhalter sind Fehler")


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    # `kill` ends a build like Ctrl-C: temporary files are removed, finished PDFs recorded.
    signal.signal(signal.SIGTERM, _interrupt)
    if args.command is None:
        parser.print_help()
        return 2
    if argv is None and args.command != "vorschau":  # this process ends with the command
        files.one_shot()
        code = _command(args)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BrokenPipeError:  # a reader gone (`briefing liste | head`)
                pass
            except OSError as exc:  # a full disk under `briefing liste > datei`
                with contextlib.suppress(OSError):
                    print(f"briefing: Ausgabe nicht geschrieben: {files.cause_of(exc)}",
                          file=sys.stderr, flush=True)
                code = code or 3
        # Everything is written and closed: the interpreter's own end would only free
        # what it read, object by object (0.12 s after a correction at 5,000 releases).
        # Not while a child process of this one lives on (it is waited for then).
        if "multiprocessing" not in sys.modules or \
                not sys.modules["multiprocessing"].active_children():
            files.remove_temp_folders()
            os._exit(code)
        return code
    try:
        return _command(args)
    finally:
        store.close_all()


def _command(args) -> int:
    if args.command != "doctor" and (wrong := compat.version_problems()):
        for line in wrong:
            print(f"briefing: {line}", file=sys.stderr)
        return 3
    try:
        root = find_root((args.root or Path.cwd()).resolve())
        if args.command in HANDLERS:
            module, function = HANDLERS[args.command]
            return getattr(importlib.import_module(f".{module}", __package__), function)(
                root, args)
        from .build import build, check

        if args.command == "check":
            report = check(root, final=args.final)
        else:
            report = build(root, args.files, jobs=args.jobs, force=args.force,
                           channels=args.channels,
                           final=args.final, on_wait=_print_wait,
                           on_outcome=lambda o: _print_outcome(o, root, args),
                           on_progress=_Progress(args),
                           warm=files.may_fork_early() and args.jobs != 1)
    except UsageError as exc:
        print(f"briefing: {exc}", file=sys.stderr)
        return 2
    except ContentError as exc:  # the project configuration itself is broken
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except MachineError as exc:
        print(f"briefing: {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("briefing: abgebrochen", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`briefing status | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:  # a bug in briefing: one German line and a report file
        from . import bugs

        print(f"briefing: {bugs.line(exc, bugs.write_report(exc))}", file=sys.stderr)
        return 4
    _print_report(report, args)
    return report.exit_code(args.strict)


def _print_wait() -> None:
    print("Ein anderer briefing-Lauf schreibt gerade nach output/; warte, bis er fertig ist …",
          file=sys.stderr, flush=True)


def _seconds(value: float) -> str:
    return f"{value:.2f} s".replace(".", ",")


def _summary(errors: int, warnings: int) -> str:
    return f"{errors} Fehler, {warnings} Warnung{'en' if warnings != 1 else ''}"


class _Progress:
    """Now and then, in a long build: how far it is and how long the rest will take."""

    EVERY = 10.0

    def __init__(self, args):
        import time

        self.quiet = args.quiet
        self.last = time.perf_counter()

    def __call__(self, progress) -> None:
        import time

        now = time.perf_counter()
        if self.quiet or now - self.last < self.EVERY or not progress.total:
            return
        self.last = now
        rest = progress.remaining_seconds()
        if rest is None:
            estimate = ""
        elif rest < 90:
            estimate = f", noch etwa {max(round(rest / 10) * 10, 10)} s"
        else:
            estimate = f", noch etwa {round(rest / 60)} min"
        share = progress.done * 100 // progress.total
        done, total = (f"{n:,}".replace(",", ".") for n in (progress.done, progress.total))
        print(f"Stand: {done} von {total} Einheiten ({share} %){estimate}; abbrechen mit "
              "Strg+C, »make« setzt später fort", flush=True)


def _print_outcome(outcome, root: Path, args) -> None:
    if args.quiet or (outcome.unchanged and not args.verbose):
        return
    show = Paths(root).show
    name = show(outcome.output) if outcome.output else ""
    if outcome.unchanged:
        if args.verbose:
            print(f"aktuell   {name}", flush=True)
    elif outcome.ok:
        pages = "1 Seite" if outcome.pages == 1 else f"{outcome.pages} Seiten"
        print(f"erstellt  {name}  ({pages}, {_seconds(outcome.seconds)})", flush=True)
    elif outcome.withdrawn:
        print(f"FEHLER    {outcome.display_path}: {outcome.missing}; das PDF eines früheren "
              f"Laufs ({show(outcome.withdrawn)}) wurde entfernt", flush=True)
    elif outcome.stale:
        print(f"FEHLER    {outcome.display_path}: {outcome.missing}; "
              f"{show(outcome.stale)} ist veraltet (vom letzten erfolgreichen "
              "Lauf)", flush=True)
    else:
        print(f"FEHLER    {outcome.display_path}: {outcome.missing}", flush=True)


def _print_report(report, args) -> None:
    for problem in report.problems:
        print(problem, file=sys.stderr)
    summary = _summary(len(report.errors), len(report.warnings))
    if args.command == "check":
        verdict = "in Ordnung" if report.exit_code(args.strict) == 0 else "nicht in Ordnung"
        print(f"Prüfung: {verdict}; {summary}; {_seconds(report.seconds)}")
        return
    if args.quiet:
        return
    if report.noop:
        failed = report.count("failed")
        failed_note = f", {failed} fehlgeschlagen" if failed else ""
        print(f"Fertig: nichts geändert, {report.count('unchanged')} PDF aktuell{failed_note}; "
              f"{summary} (vom letzten Lauf); {_seconds(report.seconds)}")
        return
    for removed, why in report.removed:
        if why != "nicht mehr erzeugt" or args.verbose:
            print(f"entfernt  {removed}  ({why})")
    for folder, why in report.published:
        verb = "zurückgezogen" if why.endswith("zurückgezogen") else "veröffentlicht"
        print(f"{verb}  {folder}  ({why.removesuffix(', zurückgezogen')})")
    if args.verbose and report.peak_rss_kb:
        peaks = ", ".join(f"{kb // 1024} MB" for kb in report.peak_rss_kb.values())
        print(f"Speicher je setzendem Prozess (Spitze): {peaks}")
    if args.verbose and report.part_peaks_kb:
        import resource

        parts = ", ".join(f"{named} {kb // 1024} MB" for named, kb in report.part_peaks_kb)
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(f"Speicher je Prozess des Builds in Teilen (Spitze): {parts}; der Build "
              f"selbst {own} MB")
    stale = sum(1 for o in report.outcomes if o.stale)
    stale_note = f" ({stale} PDF veraltet)" if stale else ""
    if report.channel_written or report.channel_unchanged:
        if args.verbose:
            for name in report.channel_written:
                print(f"erstellt  {name}")
        print(f"Pressemappe, Webseiten, E-Mail, Paket: {len(report.channel_written)} Dateien "
              f"geschrieben, {report.channel_unchanged} unverändert (output/web, "
              "output/e-mail, output/pakete)")
    print(f"Fertig: {report.count('built')} PDF erstellt, {report.count('failed')} "
          f"fehlgeschlagen{stale_note}, {report.count('unchanged')} unverändert; {summary}; "
          f"{_seconds(report.seconds)}")


if __name__ == "__main__":
    sys.exit(main())
