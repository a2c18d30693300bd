"""Release → the e-mail to the distribution list: a plain-text body (UTF-8, 72 columns,
German typography kept, the embargo first) and a ready-to-open `.eml` draft with an HTML
alternative and the PDFs attached. briefing sends nothing."""

from __future__ import annotations

import hashlib
import re
import textwrap
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from . import formatting, web
from .clock import start_of
from .i18n import N_, gettext
from .model import Document
from .outputs import Made
from .packages import Package
from .plaintext import blocks
from .typography import NBSP

WIDTH = 72
FOLDER = "e-mail"
#: What a subject starts with (translated in the mail's language).
DRAFT, CORRECTION, WITHDRAWN = N_("ENTWURF"), N_("KORREKTUR"), N_("ZURÜCKGEZOGEN")


def templates(package: Package, context) -> list[str]:
    return []  # the text is made here; the HTML part is the release's web page


def make(package: Package, context) -> Made:
    """`e-mail/<release>.txt` (the body) and `.eml` (the draft with the PDFs attached). A
    draft's or an unapproved text's mail says ENTWURF first, a corrected release's
    KORREKTUR, a withdrawn one's is the notice of its withdrawal."""
    release, made = package.release, Made()
    state = context.state(package).name
    folder = web.folder(package, context)
    page = context.file("web", package.key, f"{folder}/{release.slug}.html")
    html = _inline_style(page.decode(), web.stylesheet(context.config))
    if state == "zurückgezogen":
        text = withdrawal_text(release)
        attachments = []
    else:
        pdfs = {d.slug: context.file("pdf", d.display_path, d.output_name)
                for d in package.documents}
        locale = release.babel_locale
        text = plain_text(release, context.body(release).web, [
            (d, f"{d.output_name}, {formatting.file_size(len(pdfs[d.slug]), locale)}")
            for d in package.members], draft=state == "entwurf")
        attachments = [(d.output_name, pdfs[d.slug]) for d in package.documents]
    made.add(f"{FOLDER}/{release.slug}.txt", text)
    made.add(f"{FOLDER}/{release.slug}.eml",
             message(release, text, html, attachments, state))
    return made


def withdrawal_text(release: Document) -> str:
    language, locale = release.language, release.babel_locale
    label = release.label + (f" {release.number}" if release.number else "")
    lines = [f"{gettext(language, WITHDRAWN)}: {release.title}", "",
             *_wrap(gettext(language, "Diese Pressemitteilung wurde am %(date)s zurückgezogen.",
                            date=formatting.long_date(release.withdrawn.date, locale))
                    + f" ({label}, {formatting.numeric_date(release.date, locale)})"),
             "", *_wrap(f"{gettext(language, 'Grund')}: {release.withdrawn.reason}")]
    return "\n".join(lines) + "\n"


def _inline_style(html: str, stylesheet: bytes) -> str:
    """The release's web page as the mail's HTML part: the stylesheet inline (without the
    web fonts), no links to files the mail does not carry."""
    css = re.sub(r"@font-face\s*{[^}]*}\s*", "", stylesheet.decode())
    html = re.sub(r'<link rel="stylesheet"[^>]*>', f"<style>{css}</style>", html)
    html = re.sub(r'<link rel="alternate"[^>]*>', "", html)
    return re.sub(r'<nav class="doc-links".*?</nav>', "", html, flags=re.S)


def subject(release: Document, state: str = "öffentlich") -> str:
    language = release.language
    title = release.title.replace(NBSP, " ")
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
               draft: bool = False) -> str:
    """The mail body. `body_html`: the release body with its notes at the end (web form);
    `attachments`: each briefing with its file name and size (`datei.pdf, 52 kB`)."""
    language, locale = release.language, release.babel_locale
    out: list[str] = []
    if draft:
        out += [*_wrap(gettext(language, "ENTWURF – nicht versenden: noch nicht freigegeben "
                                         "oder als Entwurf markiert")), ""]
    for correction in release.corrections:
        said = gettext(language, "Korrigierte Fassung vom %(date)s",
                       date=formatting.long_date(correction.date, locale))
        out += [*_wrap(f"{said}: {correction.text}"), ""]
    if release.embargo:
        out += [f"{gettext(language, 'Sperrfrist').upper()}: "
                f"{formatting.embargo(release.embargo, locale)}", ""]
    label = release.label.upper() + (f" {release.number}" if release.number else "")
    out += [f"{label} · {release.publisher.name}",
            f"{release.place + ', ' if release.place else ''}"
            f"{formatting.numeric_date(release.date, locale)}", ""]
    out += [release.title, "=" * min(WIDTH, len(release.title))]
    if release.subtitle:
        out += _wrap(release.subtitle)
    out.append("")
    out += text_of(body_html)
    if attachments:
        out += ["", gettext(language, "Hintergrundinformationen (als PDF im Anhang):")]
        for document, file in attachments:
            out += _wrap(f"– {document.title} ({file})", indent="  ")
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


def _wrap(text: str, indent: str = "", first: str | None = None) -> list[str]:
    # No-break spaces stay unbroken (textwrap breaks only at ASCII whitespace); words and
    # hyphenated compounds are never cut.
    return textwrap.wrap(" ".join(text.split(" ")), WIDTH, initial_indent=first or "",
                         subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False) or [""]


def text_of(body_html: str) -> list[str]:
    """The body as lines of at most `WIDTH` columns."""
    lines: list[str] = []
    previous = None
    for kind, text in blocks(body_html):
        if lines and (kind != "li" or previous != "li"):  # a blank line between blocks
            lines.append("")
        if kind in ("h2", "h3", "h4"):
            lines += [text, ("-" if kind != "h2" else "=") * min(WIDTH, len(text))]
        elif kind == "pre":
            lines += text.splitlines()
        elif kind == "li":
            indent = " " * (len(text) - len(text.lstrip()) + text.lstrip().index(" ") + 1)
            lines += _wrap(text.lstrip(), indent=indent, first=text[:len(text) -
                                                                    len(text.lstrip())])
        else:
            lines += _wrap(text)
        previous = kind
    return lines


def message(release: Document, text: str, html: str,
            attachments: list[tuple[str, bytes]], state: str = "öffentlich") -> bytes:
    """The `.eml` draft: text and HTML alternatives and the PDFs; `Date` from the release.
    The same input gives the same bytes (boundaries derived from the content)."""
    mail = EmailMessage(policy=policy.SMTP)
    mail["Subject"] = subject(release, state)
    moment = start_of(release.date)
    mail["Date"] = format_datetime(moment)
    contact = release.contact
    if contact and contact.email:
        mail["From"] = Address((contact.office or release.publisher.name).replace(NBSP, " "),
                               addr_spec=contact.email)
    mail["X-Unsent"] = "1"  # mail clients open it as a draft to send
    mail.set_content(text, cte="quoted-printable")
    mail.add_alternative(html, subtype="html", cte="quoted-printable")
    for name, data in attachments:
        mail.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    seed = hashlib.sha256(text.encode() + b"".join(d for _, d in attachments)).hexdigest()
    for number, part in enumerate(p for p in mail.walk() if p.is_multipart()):
        part.set_boundary(f"=_briefing_{number}_{seed[:24]}")
    return mail.as_bytes()
