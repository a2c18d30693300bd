"""PDF/A-2u and PDF/UA-1 at once: what WeasyPrint 70 leaves out when asked for both.

WeasyPrint writes one variant at a time. Asked for `pdf/a-2u` with tags, it keeps the
PDF/UA catalogue entries (`/Lang`, `/MarkInfo`, `DisplayDocTitle`, the structure tree) and
adds the sRGB OutputIntent and `pdfaid`, but not `pdfuaid` (Kozea/WeasyPrint#2783). This
finisher, run by `write_pdf` before the file is written, adds to the one XMP packet:
`pdfuaid:part=1` and the PDF/A extension schema that describes that property (PDF/A allows
only described properties); `/Tabs /S` (tab order follows the structure) on every page;
the running header, footer and page numbers as pagination artifacts; `/Scope` on table
headers; the space a line break replaced, and automatic hyphens hidden from the text. The
bytes stay reproducible: nothing here depends on time or chance.

Still open: footnotes are not `Note`s, and an element split across pages becomes two
structure elements; both need the HTML element behind each structure element.
"""

from __future__ import annotations

import re
from itertools import pairwise

import pydyf

#: Declares the pdfuaid namespace to PDF/A validators (ISO 19005-2, 6.6.2.3.2).
EXTENSION = b"""<rdf:Description rdf:about="" \
xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" \
xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" \
xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#"><pdfaExtension:schemas><rdf:Bag>\
<rdf:li rdf:parseType="Resource">\
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix><pdfaSchema:property><rdf:Seq>\
<rdf:li rdf:parseType="Resource"><pdfaProperty:name>part</pdfaProperty:name>\
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>\
<pdfaProperty:category>internal</pdfaProperty:category>\
<pdfaProperty:description>Part of ISO 14289 the document conforms to</pdfaProperty:description>\
</rdf:li></rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas>\
</rdf:Description>\
<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" \
pdfuaid:part="1"/>"""

#: What `write_pdf` is asked for: PDF/A-2u, tagged (the PDF/UA structure), stable /ID.
OPTIONS = {"pdf_variant": "pdf/a-2u", "pdf_tags": True, "pdf_identifier": True}


def finish(document, pdf) -> None:
    """Add what PDF/UA-1 needs on top of WeasyPrint's PDF/A-2u (a `write_pdf` finisher)."""
    _identify(pdf)
    claimed = _pagination_artifacts(pdf)
    _header_scope(pdf)
    _line_ends(pdf, document, claimed)


def _identify(pdf) -> None:
    metadata = _object(pdf, pdf.catalog["Metadata"])
    packet = b"".join(part if isinstance(part, bytes) else str(part).encode()
                      for part in metadata.stream)
    end = packet.rindex(b"</rdf:RDF>")
    metadata.stream = [packet[:end] + EXTENSION + packet[end:]]
    for item in pdf.objects:
        if isinstance(item, dict) and item.get("Type") == "/Page":
            item["Tabs"] = "/S"


def _pagination_artifacts(pdf) -> dict[tuple[bytes, int], bytes]:
    """Running header, footer and page numbers as artifacts. WeasyPrint tags margin boxes
    but links their structure elements nowhere (Kozea/WeasyPrint#1836): a screen reader
    meets content that belongs to no element. Marked content whose MCID no element of the
    structure tree claims becomes `/Artifact <</Type /Pagination>>`."""
    claimed: dict[tuple[bytes, int], bytes] = {}  # (page, MCID) → the element's parent
    todo = [_object(pdf, _object(pdf, pdf.catalog["StructTreeRoot"])["K"][0])]
    while todo:
        element = todo.pop()
        kids = element.get("K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, int):
                claimed[(_ref(element.get("Pg")), kid)] = _ref(element.get("P"))
            elif isinstance(kid, bytes):
                todo.append(_object(pdf, kid))
    for page in (o for o in pdf.objects if isinstance(o, dict) and o.get("Type") == "/Page"):
        stream = _object(pdf, page["Contents"])
        tokens = stream.stream
        for index, token in enumerate(tokens):
            if token == b"BDC" and isinstance(tokens[index - 1], dict) and \
                    (_ref(page.reference), tokens[index - 1].get("MCID")) not in claimed:
                tokens[index - 2] = "/Artifact"
                tokens[index - 1] = pydyf.Dictionary({"Type": "/Pagination"})
    return claimed


def _header_scope(pdf) -> None:
    """`TH` with `/Scope` (Kozea/WeasyPrint#2508): a header in THead heads its column."""
    for item in pdf.objects:
        if isinstance(item, dict) and item.get("S") == "/TH":
            row = _object(pdf, item["P"])
            scope = "/Column" if _object(pdf, row["P"]).get("S") == "/THead" else "/Row"
            attributes = item.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
            attributes["Scope"] = scope


_GLYPHS = re.compile(rb"<([0-9A-Fa-f]*)>")
_FONT = re.compile(rb"/(\S+) [0-9.]+ Tf")
_CMAP_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def _line_ends(pdf, document, claimed: dict) -> None:
    """What a screen reader gets where a line ends inside a paragraph. WeasyPrint tags each
    line as its own span without the space the line break replaced (`mitPolen`), and an
    automatic hyphen is a real character (`Tsche-chien`). A line that ended at a space gets
    an (invisible) space glyph; an automatic hyphen is wrapped in an empty `/ActualText`.
    Which is which is decided against the document's own text: `Tsche` + `chien` stands
    there joined, `Wissenschafts-` + `und` with a space."""
    source = " ".join(_source_text(document).split())
    for page in (o for o in pdf.objects if isinstance(o, dict) and o.get("Type") == "/Page"):
        resources = _resolve(pdf, page["Resources"])
        fonts = {name: _to_unicode(pdf, ref)
                 for name, ref in _resolve(pdf, resources.get("Font", {})).items()}
        tokens = _object(pdf, page["Contents"]).stream
        lines = list(_lines(tokens, fonts, claimed, _ref(page.reference)))
        for (parent, end, font, text), (next_parent, _, _, following) in pairwise(lines):
            if parent != next_parent or not text or not following or text.endswith(" "):
                continue
            tail, head = text.split()[-1], following.split()[0]
            if tail.endswith("-") and tail[:-1] + head in source \
                    and tail + " " + head not in source and tail + head not in source:
                tokens[end] = _hide_last_glyph(tokens[end])
            elif tail + " " + head in source and tail + head not in source:
                space = fonts[font][1]
                if space:
                    tokens[end] = tokens[end].replace(b"] TJ", b"<" + space + b">0] TJ")


def _lines(tokens: list, fonts: dict, claimed: dict, page: bytes):
    """(parent element, index of its last TJ, font, text) of each tagged text span."""
    font, current = None, None
    for index, token in enumerate(tokens):
        if token == b"BDC" and isinstance(tokens[index - 1], dict) \
                and "MCID" in tokens[index - 1]:
            parent = claimed.get((page, tokens[index - 1]["MCID"]))
            current = [parent, None, None, ""]
        elif isinstance(token, bytes) and token.endswith(b" Tf"):
            match = _FONT.match(token)
            font = match[1].decode() if match else font
        elif isinstance(token, bytes) and token.endswith(b"] TJ") and current is not None:
            glyphs = fonts.get(font, ({}, None))[0]
            for group in _GLYPHS.findall(token):
                for at in range(0, len(group), 4):
                    current[3] += glyphs.get(group[at:at + 4].upper(), "")
            current[1], current[2] = index, font
        elif token == b"EMC" and current is not None:
            if current[1] is not None:
                yield tuple(current)
            current = None


def _to_unicode(pdf, reference) -> tuple[dict[bytes, str], bytes | None]:
    """A font's glyph code → text map, and the code of its space (if it has one)."""
    font = _object(pdf, reference)
    if "ToUnicode" not in font:
        return {}, None
    cmap = b"\n".join(t if isinstance(t, bytes) else str(t).encode()
                      for t in _object(pdf, font["ToUnicode"]).stream)
    glyphs = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in _CMAP_PAIR.findall(block):
            glyphs[code.upper()] = bytes.fromhex(text.decode()).decode("utf-16-be", "replace")
    space = next((code for code, text in glyphs.items() if text == " "), None)
    return glyphs, space


def _hide_last_glyph(token: bytes) -> bytes:
    """`[…<0010>0] TJ` → `[…] TJ /Span <</ActualText ()>> BDC [<0010>] TJ EMC`."""
    last = list(_GLYPHS.finditer(token))[-1]
    code = last[1][-4:]
    head = token[:last.start()] + b"<" + last[1][:-4] + b">" + token[last.end():]
    head = head.replace(b"<>0] TJ", b"] TJ")
    return head + b"\n/Span <</ActualText <FEFF>>> BDC [<" + code + b">] TJ EMC"


def _source_text(document) -> str:
    """The text of the HTML the document was laid out from."""
    for page in document.pages:
        for box in page._page_box.children:
            if getattr(box, "element_tag", None) == "html":
                return " ".join(box.element.itertext())
    return ""


def _resolve(pdf, value):
    """A direct value, or the object a reference points to."""
    return _object(pdf, value) if isinstance(value, bytes) and value.endswith(b" R") else value


def _ref(reference) -> bytes:
    return reference if isinstance(reference, bytes) else str(reference).encode()


def _object(pdf, reference):
    """The pydyf object a reference (`b"12 0 R"`) points to."""
    text = reference.decode() if isinstance(reference, bytes) else str(reference)
    return pdf.objects[int(text.split()[0])]


def write(document) -> bytes:
    return document.write_pdf(finisher=finish, **OPTIONS)
