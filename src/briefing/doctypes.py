"""The document types, declared once: one row per type says everything the pipeline
decides by type.

Schema, model, the README's field table, `status`/`liste`, editions, the channels and the
preview read this table; no other module compares a type's name. A new type is one row
here, its templates and its catalog entries (the label).
"""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import N_

#: The Leichte-Sprache page of any type (larger type, no hyphenation): its body part is
#: the type's own `body` template.
EASY_TEMPLATE = "leichte-sprache.html.j2"
#: The web page of a document, for any type (its body part is the type's `body`).
WEB_TEMPLATE = "web/dokument.html.j2"

#: Every output a public package goes to (outputs.py declares how each is made).
ALL_OUTPUTS = ("pdf", "kit", "web", "mail", "bundle", "site", "json", "terminpdf",
               "termine")


@dataclass(frozen=True)
class DocType:
    #: What staff write in `typ:`.
    name: str
    #: Printed on the page and in messages (German; `Document.label` translates it).
    label: str
    #: The README field table's column heading.
    column: str
    #: Front-matter fields a document of this type must and may have (besides `typ`).
    required: tuple[str, ...]
    optional: tuple[str, ...]
    #: Its own page template (PDF) and the part of the page that is the document itself,
    #: shared by its PDF, the Leichte-Sprache page, the press kit and the web page.
    page_template: str
    body_template: str
    #: The outputs its documents appear in (names from `outputs.OUTPUTS`).
    outputs: tuple[str, ...] = ALL_OUTPUTS
    #: It heads a package (a release): its own press kit, web pages, e-mail and bundle,
    #: with the documents that belong to it.
    heads_package: bool = False
    #: The type of package it belongs to, claiming one of the package's priorities.
    part_of: str | None = None
    #: The type of document it may be about (`pressemitteilung:`), without belonging to
    #: its package: speaking notes and Q&A name their release.
    refers_to: str | None = None
    #: How messages name one of them (accusative) and refer to it again (German).
    this: str = "diese Pressemitteilung"
    it: str = "sie"
    #: Each `##` heading of its body is numbered with this label (translated, with
    #: `%(number)s`), as text of the heading: printed and read out in the document's
    #: language (markup.py).
    numbered: str | None = None
    #: The notice where a withdrawn one stood: page, e-mail, feed, calendar (translated;
    #: `model.withdrawal_notice`).
    withdrawal: str = N_("Diese Pressemitteilung wurde am %(date)s zurückgezogen.")
    #: An event for the journalist's calendar: an `.ics` beside its web page and with its
    #: e-mail (events.py).
    calendar: bool = False
    #: Public: may reach journalists and the web. Internal types never do: their PDFs go
    #: to `output/intern/` only, marked on every page (so does `intern: true` on any
    #: document).
    public: bool = True

    def fields(self) -> tuple[str, ...]:
        return ("typ", *self.required, *self.optional)

    @property
    def easy_edition(self) -> bool:
        """It may have an edition in Leichte Sprache (public types; `neu --leichte-sprache`)."""
        return "leichte-sprache" in self.fields()


#: What every type may have.
_COMMON = ("untertitel", "nummer", "herausgeber", "kontakt", "sprache", "schlagwörter",
           "entwurf", "original", "fassung", "frühere-fassung", "leichte-sprache", "autor",
           "intern")
#: What an internal type has: no number of its own (it shows its release's, named as
#: such) and no Leichte Sprache (an edition for the public).
_INTERNAL = tuple(f for f in _COMMON if f not in ("nummer", "leichte-sprache"))
#: What a package's head (a release) has for its publication.
PUBLICATION = ("veröffentlichung", "korrekturen", "zurückgezogen")

DOCTYPES: dict[str, DocType] = {}


def register(doctype: DocType) -> DocType:
    """Add a row (the table below; tests add a fixture type the same way)."""
    DOCTYPES[doctype.name] = doctype
    return doctype


def unregister(name: str) -> None:
    DOCTYPES.pop(name, None)


RELEASE = register(DocType(
    "pressemitteilung", N_("Pressemitteilung"), "Pressemitteilung",
    required=("titel", "datum", "ort"),
    optional=(*_COMMON, "sperrfrist", "prioritäten", *PUBLICATION),
    page_template="pressemitteilung.html.j2",
    body_template="partials/release-body.html.j2",
    heads_package=True))

BRIEFING = register(DocType(
    "hintergrund", N_("Hintergrundinformation"), "Hintergrund",
    required=("titel", "datum", "pressemitteilung", "priorität"),
    optional=_COMMON,
    page_template="hintergrund.html.j2",
    body_template="partials/briefing-body.html.j2",
    outputs=("pdf", "kit", "web", "mail", "bundle"),
    part_of="pressemitteilung",
    withdrawal=N_("Diese Hintergrundinformation wurde am %(date)s zurückgezogen.")))


ADVISORY = register(DocType(
    "terminhinweis", N_("Terminhinweis"), "Terminhinweis",
    required=("titel", "datum", "beginn", "ort"),
    optional=(*_COMMON, "ende", "adresse", "akkreditierung", "fototermin", "livestream",
              "sperrfrist", *PUBLICATION),
    page_template="terminhinweis.html.j2",
    body_template="partials/terminhinweis-body.html.j2",
    outputs=("pdf", "web", "mail", "bundle", "site", "json"),
    heads_package=True, calendar=True, this="diesen Terminhinweis", it="er",
    withdrawal=N_("Dieser Terminhinweis wurde am %(date)s zurückgezogen.")))

SPEAKING_NOTES = register(DocType(
    "sprechzettel", N_("Sprechzettel"), "Sprechzettel",
    required=("titel", "datum", "redner"),
    optional=(*_INTERNAL, "anlass", "ort", "pressemitteilung"),
    page_template="sprechzettel.html.j2",
    body_template="partials/sprechzettel-body.html.j2",
    outputs=("pdf",), refers_to="pressemitteilung", public=False,
    numbered=N_("%(number)s.")))

QUESTIONS = register(DocType(
    "fragen-antworten", N_("Fragen und Antworten"), "Fragen und Antworten",
    required=("titel", "datum"),
    optional=(*_INTERNAL, "pressemitteilung"),
    page_template="fragen-antworten.html.j2",
    body_template="partials/fragen-antworten-body.html.j2",
    outputs=("pdf",), refers_to="pressemitteilung", public=False,
    numbered=N_("Frage %(number)s:")))


def doctype(name: str) -> DocType:
    """The row of a type a validated document has (KeyError is a bug: validation checks
    `typ` against this table first)."""
    return DOCTYPES[name]


def package_types() -> list[DocType]:
    return [t for t in DOCTYPES.values() if t.heads_package]
