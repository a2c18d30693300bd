"""The output `internkit`: a public release's press kit with the internal documents about
it (speaking notes, Q&A) behind its own, marked as internal on every page, in
`output/intern/` only. The unit is the package with those documents (`run.Run.units`)."""

from __future__ import annotations

from . import kit
from .model import INTERNAL_FOLDER
from .outputs import Made
from .packages import Package

SUFFIX = "-pressemappe-intern.pdf"


def file_name(package: Package) -> str:
    return f"{INTERNAL_FOLDER}/{package.slug}{SUFFIX}"


def files(package: Package) -> list[str]:
    return [file_name(package)]


def templates(package: Package, context) -> list[str]:
    return kit.templates(package, context)


def make(package: Package, context) -> Made:
    return kit.kit(package, package.documents, context, internal=True)
