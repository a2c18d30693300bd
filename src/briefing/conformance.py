"""PDF/A-2a and PDF/UA-1 at once: what WeasyPrint 70 leaves out when asked for both.

WeasyPrint writes one variant at a time. Asked for `pdf/a-2u` with tags, it keeps the
PDF/UA catalogue entries (`/Lang`, `/MarkInfo`, `DisplayDocTitle`, the structure tree) and
adds the sRGB OutputIntent and `pdfaid`, but not `pdfuaid` (Kozea/WeasyPrint#2783). This
finisher, run by `write_pdf` before the file is written, adds to the one XMP packet:
`pdfuaid:part=1` and the PDF/A extension schema that describes that property (PDF/A allows
only described properties); `/Tabs /S` (tab order follows the structure) on every page;
the running header, footer and page numbers as pagination artifacts; `/Scope` on table
headers; the space a line break replaced, and automatic hyphens hidden from the text; one
structure element for an HTML element broken across pages; footnotes as `Note` with `/ID`
and a `Lbl`, their calls as `Reference` holding a link to the note.
The bytes stay reproducible: nothing here depends on time or chance.
"""

from __future__ import annotations

import re
from itertools import pairwise

import pydyf
from weasyprint.formatting_structure import boxes

from .compat import page_box, recording_structure
from .i18n import gettext

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
    _join_split_elements(pdf)
    _notes(pdf)
    _link_descriptions(pdf)
    for item in pdf.objects:  # our marks from _remember_elements: not part of the PDF
        if isinstance(item, dict):
            for key in ("BriefingKey", "BriefingNote", "BriefingInline", "BriefingText"):
                item.pop(key, None)


# --- which HTML element a structure element stands for ---------------------------------
# WeasyPrint builds one structure element per box; an HTML element broken across a page
# (main, a list, a paragraph) becomes several (Kozea/WeasyPrint#2482). While `write` runs,
# every structure element is marked with its HTML element (compat.recording_structure), so
# they can be joined.

def _remember_element(box, element, pdf) -> None:
    html = getattr(box, "element", None)
    if "BriefingKey" in element or html is None:
        return
    keys = pdf.__dict__.setdefault("_briefing_keys", {})
    tag = str(getattr(box, "element_tag", ""))
    element["BriefingKey"] = keys.setdefault((id(html), tag), len(keys))
    if isinstance(box, boxes.InlineBox):  # <strong>, <a>, <sup>: inside a line
        element["BriefingInline"] = 1
    # A link's words, for its annotation's description (`_link_descriptions`).
    if tag == "a":
        element["BriefingText"] = " ".join("".join(html.itertext()).split())
    # Words in another language (`[…]{lang=de}`, dialect.py) are spoken in it.
    if tag == "span" and html.get("lang"):
        element["Lang"] = pydyf.String(html.get("lang"))
    # A deletion is read out as one (markup.py says how, in the document's language).
    if html.get("data-vorlesen") and tag == "del":
        element["S"] = "/Span"
        element["ActualText"] = pydyf.String(html.get("data-vorlesen"))
    # The note (markup.py gives it the class), its number, and the calls to it.
    classes = (html.get("class") or "").split()
    if "footnote" in classes:
        element["BriefingNote"] = {"span": "note", "span::footnote-marker": "label",
                                   "span::footnote-call": "empty"}.get(tag, "")
    elif tag == "sup" and {"footnote-call", "footnote-again"} & set(classes):
        element["BriefingNote"] = "call"


def _join_split_elements(pdf) -> None:
    """Sibling structure elements of one HTML element become one (their content kept in
    order; marked content from another page keeps its page through an /MCR)."""
    replaced: dict[bytes, bytes] = {}
    todo = [_object(pdf, _object(pdf, pdf.catalog["StructTreeRoot"])["K"][0])]
    while todo:
        element = todo.pop()
        kids = element.get("K")
        if not isinstance(kids, list):
            continue
        first: dict[int, bytes] = {}
        kept = []
        for kid in kids:
            child = _object(pdf, kid) if isinstance(kid, bytes) else None
            key = child.get("BriefingKey") if isinstance(child, dict) else None
            if key is not None and key in first:
                _move_into(pdf, child, _object(pdf, first[key]), first[key])
                replaced[_ref(kid)] = first[key]
                continue
            if key is not None:
                first[key] = _ref(kid)
            kept.append(kid)
        element["K"] = pydyf.Array(kept)
        todo += [_object(pdf, k) for k in kept if isinstance(k, bytes)
                 and isinstance(_object(pdf, k), dict) and "S" in _object(pdf, k)]
    if replaced:
        nums = _object(pdf, _object(pdf, pdf.catalog["StructTreeRoot"])["ParentTree"])["Nums"]
        for index, value in enumerate(nums):
            if isinstance(value, list):
                nums[index] = pydyf.Array(replaced.get(_ref(v), v) if isinstance(v, bytes)
                                          else v for v in value)
            elif isinstance(value, bytes):
                nums[index] = replaced.get(_ref(value), value)


def _move_into(pdf, child: dict, target: dict, target_ref: bytes) -> None:
    page = child.get("Pg")
    for kid in child.get("K", []):
        if isinstance(kid, int) and _ref(page) != _ref(target.get("Pg")):
            kid = pydyf.Dictionary({"Type": "/MCR", "MCID": kid, "Pg": page})
        elif isinstance(kid, bytes):
            moved = _object(pdf, kid)
            if isinstance(moved, dict) and "S" in moved:
                moved["P"] = target_ref
        target["K"].append(kid)


def _notes(pdf) -> None:
    """Footnote bodies as `Note` with the `/ID` PDF/UA asks for and their number as `Lbl`;
    each call to a note as a `Reference` (a citation of content elsewhere) holding the link
    to the note, whose annotation says in words where it leads."""
    number = 0
    language = getattr(pdf.catalog.get("Lang"), "string", "de")
    for item in pdf.objects:
        role = item.get("BriefingNote") if isinstance(item, dict) else None
        if role == "note":
            number += 1
            item["S"] = "/Note"
            item["ID"] = pydyf.String(f"fussnote-{number}")
        elif role == "label":
            item["S"] = "/Lbl"
        elif role == "call":
            item["S"] = "/Reference"
        elif role == "empty":  # WeasyPrint's own call, switched off in print.css
            parent = _object(pdf, item["P"])
            parent["K"] = pydyf.Array(k for k in parent["K"] if _ref(k) != _ref(item.reference))
        elif isinstance(item, dict) and item.get("Subtype") == "/Link":
            target = re.search(r"(?:^|-)note-(\d+)$", getattr(item.get("Dest"), "string", ""))
            if target:
                item["Contents"] = pydyf.String(gettext(language, "Fußnote %(number)s",
                                                        number=target[1]))
            rect = item.get("Rect")
            if rect and rect[1] == rect[3]:  # a raised call set with line-height 0
                rect[3] = rect[1] + 7


def _link_descriptions(pdf) -> None:
    """A link inside the document is described by its words (»Kabinett beschließt …«), not
    by the name of the anchor it leads to (»teil-1«), which WeasyPrint puts there. Links
    to footnotes keep »Fußnote N«, links out keep their address."""
    nums = _object(pdf, _object(pdf, pdf.catalog["StructTreeRoot"])["ParentTree"])["Nums"]
    owner = {int(nums[i]): nums[i + 1] for i in range(0, len(nums) - 1, 2)
             if isinstance(nums[i + 1], bytes)}
    for item in pdf.objects:
        if not (isinstance(item, dict) and item.get("Subtype") == "/Link"):
            continue
        described = getattr(item.get("Contents"), "string", "")
        dest = getattr(item.get("Dest"), "string", None)
        if dest is None or dest != described or "StructParent" not in item:
            continue
        element = owner.get(int(item["StructParent"]))
        text = _object(pdf, element).get("BriefingText") if element else None
        if text:
            item["Contents"] = pydyf.String(text)


def _identify(pdf) -> None:
    """PDF/UA-1 beside PDF/A-2 in the one XMP packet; and level A, not U: the files are
    tagged and their text is Unicode (what level A adds to U), which veraPDF confirms for
    every document, edition and press kit (`tests/test_verapdf.py` where it is installed)."""
    metadata = _object(pdf, pdf.catalog["Metadata"])
    packet = b"".join(part if isinstance(part, bytes) else str(part).encode()
                      for part in metadata.stream)
    packet = packet.replace(b'pdfaid:conformance="U"', b'pdfaid:conformance="A"')
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
    lines = []  # across pages: a paragraph may go on on the next one
    for page in (o for o in pdf.objects if isinstance(o, dict) and o.get("Type") == "/Page"):
        resources = _resolve(pdf, page["Resources"])
        fonts = {name: _to_unicode(pdf, ref)
                 for name, ref in _resolve(pdf, resources.get("Font", {})).items()}
        tokens = _object(pdf, page["Contents"]).stream
        for parent, end, font, text, baseline in _lines(tokens, fonts, claimed,
                                                        _ref(page.reference)):
            owner = _block_of(pdf, parent) if parent else None
            lines.append((owner, tokens, end, fonts.get(font, ({}, None))[1], text, baseline))
    # Each span meets the next span of its own block: on the next page, that may come after
    # a footnote or the page's margins in the content stream.
    by_block: dict = {}
    for line in lines:
        if line[0] is not None:
            by_block.setdefault(line[0], []).append(line)
    for spans in by_block.values():
        for (_, tokens, end, space, text, baseline), (_, _, _, _, following, below) \
                in pairwise(spans):
            if not text or not following or text[-1].isspace() or following[0].isspace():
                continue
            tail, head = text.split()[-1], following.split()[0]
            if baseline != below and tail.endswith("-") and tail[:-1] + head in source \
                    and tail + " " + head not in source and tail + head not in source:
                tokens[end] = _hide_last_glyph(tokens[end])
            # Also within a line: the space between two links or a link and bold text is
            # a box of its own that WeasyPrint does not draw, so it would be lost.
            elif tail + " " + head in source and tail + head not in source:
                if space:
                    tokens[end] = tokens[end].replace(b"] TJ", b"<" + space + b">0] TJ")
                else:  # a font without a space (an italic word): its last letter says one
                    tokens[end] = _hide_last_glyph(tokens[end], text[-1] + " ")


def _block_of(pdf, reference: bytes):
    """The block (paragraph, list item, cell) a line of text belongs to, also when the
    line ends or begins inside an inline element such as <strong>."""
    element = _object(pdf, reference)
    while element.get("BriefingInline") and "P" in element:
        reference = _ref(element["P"])
        element = _object(pdf, reference)
    return element.get("BriefingKey", reference)


def _lines(tokens: list, fonts: dict, claimed: dict, page: bytes):
    """(parent element, index of its last TJ, font, text, baseline) of each tagged text
    span."""
    font, current, baseline = None, None, None
    for index, token in enumerate(tokens):
        if token == b"BDC" and isinstance(tokens[index - 1], dict) \
                and "MCID" in tokens[index - 1]:
            parent = claimed.get((page, tokens[index - 1]["MCID"]))
            current = [parent, None, None, "", None]
        elif isinstance(token, bytes) and token.endswith(b" Tf"):
            match = _FONT.match(token)
            font = match[1].decode() if match else font
        elif isinstance(token, bytes) and token.endswith(b" Tm"):
            baseline = token.split()[5]
        elif isinstance(token, bytes) and token.endswith(b"] TJ") and current is not None:
            glyphs = fonts.get(font, ({}, None))[0]
            for group in _GLYPHS.findall(token):
                for at in range(0, len(group), 4):
                    current[3] += glyphs.get(group[at:at + 4].upper(), "")
            current[1], current[2], current[4] = index, font, baseline
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


def _hide_last_glyph(token: bytes, read_as: str = "") -> bytes:
    """`[…<0010>0] TJ` → `[…] TJ /Span <</ActualText ()>> BDC [<0010>] TJ EMC`: the last
    glyph is read as `read_as` (nothing: an automatic hyphen)."""
    last = list(_GLYPHS.finditer(token))[-1]
    code = last[1][-4:]
    head = token[:last.start()] + b"<" + last[1][:-4] + b">" + token[last.end():]
    head = head.replace(b"<>0] TJ", b"] TJ")
    said = read_as.encode("utf-16-be").hex().upper().encode()
    return head + b"\n/Span <</ActualText <FEFF" + said + b">>> BDC [<" + code + b">] TJ EMC"


def _source_text(document) -> str:
    """The text of the HTML the document was laid out from."""
    for page in document.pages:
        for box in page_box(page).children:
            if getattr(box, "element_tag", None) == "html":
                return "".join(box.element.itertext())
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


def write(document, finisher=None) -> bytes:
    """The PDF bytes; `finisher` replaces `finish` (the benchmark times it)."""
    with recording_structure(_remember_element):
        return document.write_pdf(finisher=finisher or finish, **OPTIONS)
