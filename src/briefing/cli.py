"""The `briefing` command: parses arguments, delegates to `build`, prints German lines.

Exit codes: 0 everything fine, 1 content problems, 2 usage error (wrong call, no project).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .build import Outcome, Report, build, check, relative
from .config import find_root
from .errors import ContentError, UsageError
from .formatting import number

EXAMPLES = """\
Beispiele:
  briefing build                      alle PDF aus content/ nach output/ erzeugen
  briefing build content/2025-10-29-pressemitteilung-internationale-strategie.md
                                      nur dieses Dokument erzeugen
  briefing check                      alles prüfen, nichts schreiben

Rückgabewerte: 0 alles in Ordnung, 1 Fehler im Inhalt, 2 falscher Aufruf.
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"briefing: Fehler: {message}\n")


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="briefing",
        description="Setzt Pressemitteilungen und Hintergrundinformationen aus Markdown "
                    "als barrierefreie PDF.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=False,
    )
    _add_help(parser)
    commands = parser.add_subparsers(dest="command", metavar="BEFEHL", parser_class=_Parser)

    build_parser = commands.add_parser(
        "build", add_help=False, help="PDF erzeugen",
        description="Erzeugt die PDF aller Dokumente in content/ (oder nur der genannten) "
                    "in output/. Dokumente mit Fehlern werden übersprungen; ihr altes PDF "
                    "bleibt unverändert.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_help(build_parser)
    build_parser.add_argument("files", nargs="*", metavar="DATEI",
                              help="nur diese Inhaltsdateien erzeugen")
    _add_common(build_parser)

    check_parser = commands.add_parser(
        "check", add_help=False, help="alles prüfen, nichts schreiben",
        description="Prüft alle Dokumente in content/ und meldet jedes Problem als "
                    "»datei:zeile: meldung«. Schreibt keine Datei.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_help(check_parser)
    _add_common(check_parser)
    return parser


def _add_help(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-h", "--help", action="help", help="diese Hilfe zeigen und beenden")


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--strict", action="store_true",
                        help="auch Warnungen als Fehler werten (Rückgabewert 1)")
    parser.add_argument("--root", type=Path, default=None, metavar="ORDNER",
                        help="Projektordner (Standard: der Ordner mit briefing.toml ab hier "
                             "aufwärts)")


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        root = find_root((args.root or Path.cwd()).resolve())
        if args.command == "check":
            report = check(root)
        else:
            report = build(root, args.files, on_outcome=lambda o: _print_outcome(o, root))
    except UsageError as exc:
        print(f"briefing: {exc}", file=sys.stderr)
        return 2
    except ContentError as exc:  # the project configuration itself is broken
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("briefing: abgebrochen", file=sys.stderr)
        return 130
    _print_report(report, args.command, args.strict)
    return report.exit_code(args.strict)


def _seconds(value: float) -> str:
    return f"{number(value, 'de_DE', 2)} s"


def _print_outcome(outcome: Outcome, root: Path) -> None:
    if outcome.ok:
        pages = "1 Seite" if outcome.pages == 1 else f"{outcome.pages} Seiten"
        print(f"erstellt  {relative(outcome.output, root)}  ({pages}, "
              f"{_seconds(outcome.seconds)})", flush=True)
    else:
        print(f"FEHLER    {outcome.display_path}: kein PDF erzeugt", flush=True)


def _print_report(report: Report, command: str, strict: bool) -> None:
    for problem in report.problems:
        print(problem, file=sys.stderr)
    errors, warnings = len(report.errors), len(report.warnings)
    summary = f"{errors} Fehler, {warnings} Warnung{'en' if warnings != 1 else ''}"
    if command == "build":
        built = sum(1 for o in report.outcomes if o.ok)
        failed = sum(1 for o in report.outcomes if not o.ok)
        print(f"Fertig: {built} PDF erstellt, {failed} fehlgeschlagen; {summary}; "
              f"{_seconds(report.seconds)}")
    else:
        verdict = "in Ordnung" if report.exit_code(strict) == 0 else "nicht in Ordnung"
        print(f"Prüfung: {verdict}; {summary}; {_seconds(report.seconds)}")


if __name__ == "__main__":
    sys.exit(main())
