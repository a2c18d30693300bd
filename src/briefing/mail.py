"""Release → the e-mail to the distribution list: a plain-text body (UTF-8, 72 columns,
German typography kept, the embargo first) and a ready-to-open `.eml` draft with an HTML
alternative and the PDFs attached. briefing sends nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import textwrap
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from html.parser import HTMLParser

from . import formatting
from .i18n import gettext
from .model import Document
from .typography import NBSP

WIDTH = 72


def subject(release: Document) -> str:
    title = release.title.replace(NBSP, " ")
    if release.embargo:
        when = formatting.embargo(release.embargo, release.babel_locale).replace(NBSP, " ")
        return f"{gettext(release.language, 'Sperrfrist').upper()} {when}: {title}"
    return title


def plain_text(release: Document, body_html: str, attachments: list[tuple[Document, str]],
               ) -> str:
    """The mail body. `body_html`: the release body with its notes at the end (web form);
    `attachments`: each briefing with its file name and size (`datei.pdf, 52 kB`)."""
    language, locale = release.language, release.babel_locale
    out: list[str] = []
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


class _Text(HTMLParser):
    """A body fragment → blocks of plain text: paragraphs, headings, lists, quotes, tables,
    footnote calls as [1] and the notes at the end."""

    BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "li", "tr", "pre"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []  # (kind, text)
        self.current: list[str] = []
        self.lists: list[list] = []  # per open list: [ordered, counter]
        self.quote = 0
        self.skip = 0
        self.call = False
        self.notes = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.skip or "footnote-back" in (attrs.get("class") or ""):
            self.skip += 1
            return
        if tag in ("ul", "ol"):
            self.flush()
            self.lists.append([tag == "ol", 0])
        elif tag == "blockquote":
            self.quote += 1
        elif tag == "section" and "footnotes" in (attrs.get("class") or ""):
            self.notes = True
        elif tag == "sup":
            self.call = True
            self.current.append("[")
        elif tag in ("td", "th") and self.current:
            self.current.append(" | ")
        elif tag == "br":
            self.current.append("\n")
        elif tag in self.BLOCKS:
            self.flush()

    def handle_endtag(self, tag):
        if self.skip:
            self.skip -= 1
            return
        if tag == "sup" and self.call:
            self.current.append("]")
            self.call = False
        elif tag in ("ul", "ol") and self.lists:
            self.flush()
            self.lists.pop()
        elif tag == "blockquote":
            self.flush()
            self.quote -= 1
        elif tag in self.BLOCKS:
            self.flush(tag)

    def handle_data(self, data):
        if not self.skip:
            self.current.append(data)

    def flush(self, tag: str = "p") -> None:
        text = " ".join("".join(self.current).split(" "))
        text = re.sub(r"[ \t\r\n]+", " ", text).strip() if tag != "pre" else text.strip("\n")
        self.current = []
        if not text:
            return
        if tag == "li" and self.lists:
            ordered = self.lists[-1]
            ordered[1] += 1
            marker = f"[{ordered[1]}] " if self.notes else \
                (f"{ordered[1]}. " if ordered[0] else "– ")
            depth = "  " * (len(self.lists) - 1)
            self.blocks.append(("li", depth + marker + text))
        else:
            self.blocks.append((tag, text))


def text_of(body_html: str) -> list[str]:
    parser = _Text()
    parser.feed(body_html)
    parser.close()
    parser.flush()
    lines: list[str] = []
    previous = None
    for kind, text in parser.blocks:
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
            attachments: list[tuple[str, bytes]]) -> bytes:
    """The `.eml` draft: text and HTML alternatives and the PDFs; `Date` from the release.
    The same input gives the same bytes (boundaries derived from the content)."""
    mail = EmailMessage(policy=policy.SMTP)
    mail["Subject"] = subject(release)
    moment = dt.datetime.combine(release.date, dt.time(), formatting.BERLIN)
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
