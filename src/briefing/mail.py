"""Release → the e-mail to the distribution list: a plain-text body (UTF-8, 72 columns,
German typography kept, the embargo first) and a ready-to-open `.eml` draft with an HTML
alternative and the PDFs attached. briefing sends nothing."""

from __future__ import annotations

import hashlib
import mimetypes
import re
import textwrap
from dataclasses import dataclass
from email import policy
from email.header import Header
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from markupsafe import Markup

from . import events, formatting, web
from .clock import start_of
from .i18n import N_, gettext
from .markup import Figure
from .model import Document
from .outputs import Made
from .packages import Package
from .plaintext import CELL, blocks
from .templating import render
from .typography import NBSP, quote_style_for

WIDTH = 72
FOLDER = "e-mail"
#: What a subject starts with (translated in the mail's language).
DRAFT, CORRECTION, WITHDRAWN = N_("ENTWURF"), N_("KORREKTUR"), N_("ZURÜCKGEZOGEN")
TEMPLATE = "mail/mitteilung.html.j2"


def templates(package: Package, context) -> list[str]:
    return [TEMPLATE]


def make(package: Package, context) -> Made:
    """`e-mail/<release>.txt` (the body) and `.eml` (the draft with the PDFs attached). A
    draft's or an unapproved text's mail says ENTWURF first, a corrected release's
    KORREKTUR, a withdrawn one's is the notice of its withdrawal. The HTML part says what
    the text part says."""
    release, made = package.release, Made()
    state = context.state(package).name
    withdrawn, draft = state == "zurückgezogen", state == "entwurf"
    pdfs = {} if withdrawn else {d.slug: context.file("pdf", d.display_path, d.output_name)
                                 for d in package.documents}
    locale = release.babel_locale
    listed = [(d, f"{d.output_name}, {formatting.file_size(len(pdfs[d.slug]), locale)}")
              for d in package.members] if not withdrawn else []
    body = context.body(release)
    images = [] if withdrawn else _images(body.figures, made)
    shown = body.web
    for image in images:  # in the HTML part from the mail itself, not from this machine
        shown = shown.replace(f'src="{image.figure.path.as_uri()}"', f'src="cid:{image.cid}"')
    facts = events.facts(release) if release.type.calendar else []
    text = withdrawal_text(release) if withdrawn else \
        plain_text(release, body.web, listed, draft, images, facts)
    html = render(context.env, TEMPLATE, context.config, made.problems,
                  language=release.language, locale=locale,
                  quotes=quote_style_for(release.language, context.config.quotes),
                  doc=release, body=Markup(shown), draft=draft, withdrawn=withdrawn,
                  subject=subject(release, state), facts=facts,
                  attachments=[{"title": d.title, "file": f} for d, f in listed],
                  images=[{"name": i.name, "alt": i.figure.alt, "credit": i.figure.credit}
                          for i in images])
    if html is None:
        return made
    attachments = [(d.output_name, pdfs[d.slug]) for d in package.documents] \
        if not withdrawn else []
    if release.type.calendar:  # the event for the calendar (a cancelled one when withdrawn)
        attachments.append((events.file_name(release), web.event_file(release, context)))
    made.add(f"{FOLDER}/{release.slug}.txt", text)
    made.add(f"{FOLDER}/{release.slug}.eml",
             message(release, text, html, attachments, state, context.config, images))
    return made


@dataclass(frozen=True)
class Image:
    """An image of the release in its e-mail: shown in the HTML part (`cid:`), attached
    under `name`, listed with its credit."""

    figure: Figure
    name: str
    data: bytes
    cid: str


def _images(figures: list[Figure], made: Made) -> list[Image]:
    """Each image file of the body once, with a Content-ID from its bytes (the same input
    gives the same mail)."""
    found: dict[Path, Image] = {}
    for figure in figures:
        if figure.path not in found:
            data = figure.path.read_bytes()
            made.images.append(figure.path)
            found[figure.path] = Image(figure, figure.path.name, data,
                                       f"{hashlib.sha256(data).hexdigest()[:20]}@briefing")
    return list(found.values())


def withdrawal_text(release: Document) -> str:
    language, locale = release.language, release.babel_locale
    label = release.label + (f" {release.number}" if release.number else "")
    lines = [f"{gettext(language, WITHDRAWN)}: {release.title}", "",
             *wrap(f"{release.withdrawal_notice} "
                   f"({label}, {formatting.numeric_date(release.date, locale)})"),
             "", *wrap(f"{gettext(language, 'Grund')}: {release.withdrawn.reason}")]
    return "\n".join(lines) + "\n"


def subject(release: Document, state: str = "öffentlich") -> str:
    language = release.language
    title = release.title.replace(NBSP, " ")
    if release.easy:
        title = f"{title} (Leichte Sprache)"
    if state == "zurückgezogen":
        return f"{gettext(language, WITHDRAWN)}: {title}"
    if release.embargo:
        when = formatting.embargo(release.embargo, release.babel_locale).replace(NBSP, " ")
        title = f"{gettext(language, 'Sperrfrist').upper()} {when}: {title}"
    if release.corrections:
        title = f"{gettext(language, CORRECTION)}: {title}"
    if state == "entwurf":
        title = f"{gettext(language, DRAFT)}: {title}"
    return title


def plain_text(release: Document, body_html: str, attachments: list[tuple[Document, str]],
               draft: bool = False, images: list[Image] = (),
               facts: list[tuple[str, str]] = ()) -> str:
    """The mail body. `body_html`: the release body with its notes at the end (web form);
    `attachments`: each briefing with its file name and size (`datei.pdf, 52 kB`);
    `images`: attached, each listed with its credit (where one stood, the text names it
    with its alt text); `facts`: an advisory's event (when, where, …) before the text."""
    language, locale = release.language, release.babel_locale
    out: list[str] = []
    if draft:
        out += [*wrap(gettext(language, "ENTWURF – nicht versenden: noch nicht freigegeben "
                                         "oder als Entwurf markiert")), ""]
    for correction in release.corrections:
        said = gettext(language, "Korrigierte Fassung vom %(date)s",
                       date=formatting.long_date(correction.date, locale))
        out += [*wrap(f"{said}: {correction.text}"), ""]
    if release.outdated and release.earlier_version:  # as the PDF and the page say it
        out += [*wrap(gettext(language, "Übersetzung einer früheren Fassung; maßgeblich ist "
                              "das Original vom %(date)s.",
                              date=formatting.long_date(release.date, locale))), ""]
    if release.embargo:
        out += [f"{gettext(language, 'Sperrfrist').upper()}: "
                f"{formatting.embargo(release.embargo, locale)}", ""]
    label = release.label.upper() + (f" {release.number}" if release.number else "")
    out += [f"{label} · {release.publisher.name}",
            f"{release.place + ', ' if release.place else ''}"
            f"{formatting.numeric_date(release.date, locale)}", ""]
    out += [release.title, "=" * min(WIDTH, len(release.title))]
    if release.subtitle:
        out += wrap(release.subtitle)
    out.append("")
    for label, value in facts:  # »Wann: …«; a question asks without a colon (»Wann? …«)
        out += wrap(f"{label} {value}" if label.endswith("?") else f"{label}: {value}",
                    indent="  ")
    if facts:
        out.append("")
    out += text_of(body_html, gettext(language, "Bild"))
    if attachments:
        out += ["", gettext(language, "Hintergrundinformationen (als PDF im Anhang):")]
        for document, file in attachments:
            out += wrap(f"– {document.title} ({file})", indent="  ")
    if images:
        out += ["", gettext(language, "Bilder (im Anhang):")]
        for image in images:
            credit = image.figure.credit or gettext(language, "ohne Bildnachweis")
            out += wrap(f"– {image.name}: {image.figure.alt} ({credit})", indent="  ")
    contact = release.contact
    if contact:
        out += ["", gettext(language, "Pressekontakt")]
        out += [line for line in (contact.office, contact.name,
                                  contact.phone and
                                  f"{gettext(language, 'Telefon')}: {contact.phone}",
                                  contact.email and
                                  f"{gettext(language, 'E-Mail')}: {contact.email}",
                                  contact.address) if line]
    return "\n".join(out).rstrip() + "\n"


def wrap(text: str, indent: str = "", first: str | None = None) -> list[str]:
    """`text` in lines of at most `WIDTH` columns (`indent` for the lines after the first)."""
    # No-break spaces stay unbroken (textwrap breaks only at ASCII whitespace); words and
    # hyphenated compounds are never cut.
    return textwrap.wrap(" ".join(text.split(" ")), WIDTH, initial_indent=first or "",
                         subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False) or [""]


def text_of(body_html: str, image: str | None = None) -> list[str]:
    """The body as lines of at most `WIDTH` columns; a line break stays one (Leichte
    Sprache: one sentence a line), a table is aligned or, too wide, a list; an image is
    `[image: its alt text]` with its credit (`image`: the word for it)."""
    lines: list[str] = []
    previous = None
    found = blocks(body_html, image)
    index = 0
    while index < len(found):
        kind, text = found[index]
        if lines and (kind != "li" or previous != "li"):  # a blank line between blocks
            lines.append("")
        if kind in ("th", "tr"):
            rows = []
            while index < len(found) and found[index][0] in ("th", "tr"):
                rows.append((found[index][0], found[index][1].split(CELL)))
                index += 1
            lines += table(rows)
            previous = "table"
            continue
        if kind in ("h2", "h3", "h4"):
            lines += [text, ("-" if kind != "h2" else "=") * min(WIDTH, len(text))]
        elif kind == "pre":
            lines += text.splitlines()
        elif kind == "li":
            indent = " " * (len(text) - len(text.lstrip()) + text.lstrip().index(" ") + 1)
            for number, line in enumerate(text.lstrip().split("\n")):
                lines += wrap(line, indent=indent,
                               first=text[:len(text) - len(text.lstrip())] if number == 0
                               else indent)
        else:
            for line in text.split("\n"):
                lines += wrap(line)
        previous = kind
        index += 1
    return lines


#: A cell that is a figure (right-aligned in a text table).
_FIGURE = re.compile(r"^[-+−–]?[\d.,\u00a0\u202f ]+\s?(%|€|Mio\.|Mrd\.|[A-Za-z€%.]{0,6})$")


def table(rows: list[tuple[str, list[str]]]) -> list[str]:
    """A table as text: columns aligned (figures to the right) under a rule when they fit
    in `WIDTH`; otherwise each row as a list item, each cell named by its column's head."""
    columns = max(len(cells) for _, cells in rows)
    rows = [(kind, cells + [""] * (columns - len(cells))) for kind, cells in rows]
    head = rows[0][1] if rows[0][0] == "th" else None
    body = [cells for kind, cells in rows[1 if head else 0:]]
    widths = [max(len(cells[i]) for _, cells in rows) for i in range(columns)]
    if sum(widths) + 2 * (columns - 1) <= WIDTH:
        figures = [bool(body) and all(_FIGURE.match(c[i]) or not c[i] for c in body)
                   for i in range(columns)]

        def line(cells: list[str]) -> str:
            return "  ".join(c.rjust(w) if f else c.ljust(w)
                             for c, w, f in zip(cells, widths, figures, strict=True)).rstrip()

        return ([line(head), "  ".join("-" * w for w in widths)] if head else []) + \
            [line(cells) for cells in body]
    lines = []
    for first, *rest in body:
        if len(rest) == 1 and rest[0]:  # a label and its value
            lines += wrap(f"– {first}: {rest[0]}", indent="  ")
            continue
        lines += wrap(f"– {first}", indent="  ")
        for name, cell in zip(head[1:] if head else [""] * len(rest), rest, strict=True):
            if cell:
                lines += wrap(f"{name}: {cell}" if name else cell, indent="    ",
                               first="  ")
    return lines


def message(release: Document, text: str, html: str, attachments: list[tuple[str, bytes]],
            state: str = "öffentlich", config=None, images: list[Image] = ()) -> bytes:
    """The `.eml` draft: text and HTML alternatives (the HTML with its `images` beside it,
    multipart/related) and the PDFs. `From`/`Reply-To` from
    `[e-mail]` in briefing.toml (else the contact's address), `Date` from the release, a
    `Message-ID` from the content: the same input gives the same bytes. The subject is
    encoded by hand (RFC 2047, whole encoded words): Python's folding loses or doubles
    spaces next to encoded words)."""
    mail = EmailMessage(policy=_POLICY)
    title = subject(release, state)
    mail.set_raw("Subject", _encoded(title, "Subject"))
    mail["Date"] = format_datetime(start_of(release.date))
    sender = config and config.mail_from
    contact = release.contact
    if sender:
        mail["From"] = sender
    elif contact and contact.email:
        mail["From"] = Address((contact.office or release.publisher.name).replace(NBSP, " "),
                               addr_spec=contact.email)
    if config and config.mail_reply_to:
        mail["Reply-To"] = config.mail_reply_to
    mail["X-Unsent"] = "1"  # mail clients open it as a draft to send
    mail.set_content(text, cte="quoted-printable")
    mail.add_alternative(html, subtype="html", cte="quoted-printable")
    if images:
        html_part = mail.get_payload()[1]
        for image in images:
            kind = (mimetypes.guess_type(image.name)[0] or "application/octet-stream")
            html_part.add_related(image.data, *kind.split("/"), cid=f"<{image.cid}>",
                                  disposition="inline", filename=image.name)
            html_part.get_payload()[-1].set_param("name", image.name)
    for name, data in attachments:
        kind = ("text", "calendar") if name.endswith(".ics") else ("application", "pdf")
        mail.add_attachment(data, maintype=kind[0], subtype=kind[1], filename=name)
        part = mail.get_payload()[-1]
        part.set_param("name", name)
    seed = hashlib.sha256(title.encode() + text.encode() + html.encode()
                          + b"".join(d for _, d in attachments)
                          + b"".join(i.data for i in images)).hexdigest()
    mail["Content-Language"] = release.language  # after the parts: set_content clears it
    domain = _domain(str(mail["From"] or ""))
    mail["Message-ID"] = f"<{seed[:32]}.{release.slug}@{domain}>"
    for number, part in enumerate(p for p in mail.walk() if p.is_multipart()):
        part.set_boundary(f"=_briefing_{number}_{seed[:24]}")
    for part in mail.walk():
        if part is not mail:
            del part["MIME-Version"]  # once, in the message's head (RFC 2045)
    return mail.as_bytes()


class _HeaderClasses(HeaderRegistry):
    """Python's header factory, making each header's class once: Python's makes a new
    class for every header it parses, which only the cyclic garbage collector frees. A
    full re-render of thousands of releases left tens of thousands of them waiting (9 MB
    at 300 releases), and making them cost time."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        found = self._classes.get(key)
        if found is None:
            found = self._classes[key] = super().__getitem__(name)
        return found


#: Lines of at most 78 characters; a header set whole (the subject) is kept as set.
_POLICY = policy.SMTP.clone(refold_source="none", header_factory=_HeaderClasses())


def _encoded(value: str, name: str) -> str:
    """`value` as a header: plain when ASCII, else UTF-8 encoded words that each hold
    whole characters and the spaces between words, folded to 76 columns."""
    if value.isascii():
        return Header(value, "us-ascii", header_name=name).encode(linesep="\n")
    return Header(value, "utf-8", header_name=name).encode(linesep="\n")


def _domain(sender: str) -> str:
    """The domain for Message-IDs: the sender's, or a reserved one for a draft without."""
    match = re.search(r"@([A-Za-z0-9.-]+)>?\s*$", sender)
    return match[1].lower() if match else "briefing.invalid"
