"""The outputs briefing makes of each document, listed in one place.

An output is a file per document made from a page template by a stage module. The stage
module offers `settings_for(project)` (what every process needs, picklable) and
`produce(pages, settings, workers)`, which turns (key, (display path, HTML)) pairs into
(key, `Produced`) pairs. Which outputs are stale, the atomic write and the reporting are
the build's, the same for every output: a new output is a stage module, its templates and
one line in `OUTPUTS`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from .model import BRIEFING, RELEASE, Document


@dataclass(frozen=True)
class Output:
    #: Short name, as in the manifest and messages.
    name: str
    suffix: str
    #: The page template for each document type.
    templates: dict[str, str]
    #: The module that turns pages into files (imported only when something is stale).
    stage: str

    #: The page template of a Leichte-Sprache edition, for either type.
    easy_template: str | None = None

    def template_for(self, document: Document) -> str:
        if document.easy and self.easy_template:
            return self.easy_template
        return self.templates[document.kind]

    def file_name(self, document: Document) -> str:
        return f"{document.slug}{self.suffix}"

    def load_stage(self) -> ModuleType:
        return importlib.import_module(self.stage)


PDF = Output("pdf", ".pdf", {RELEASE: "pressemitteilung.html.j2",
                             BRIEFING: "hintergrund.html.j2"}, "briefing.pdf",
             "leichte-sprache.html.j2")

OUTPUTS = (PDF,)
