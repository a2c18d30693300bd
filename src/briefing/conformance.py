"""PDF/A-2u and PDF/UA-1 at once: what WeasyPrint 70 leaves out when asked for both.

WeasyPrint writes one variant at a time. Asked for `pdf/a-2u` with tags, it keeps the
PDF/UA catalogue entries (`/Lang`, `/MarkInfo`, `DisplayDocTitle`, the structure tree) and
adds the sRGB OutputIntent and `pdfaid`, but not `pdfuaid` (Kozea/WeasyPrint#2783). This
finisher, run by `write_pdf` before the file is written, adds to the one XMP packet:
`pdfuaid:part=1` and the PDF/A extension schema that describes that property (PDF/A allows
only described properties); `/Tabs /S` (tab order follows the structure) on every page;
the running header, footer and page numbers as pagination artifacts; `/Scope` on table
headers. The bytes stay reproducible: nothing here depends on time or chance.

Still open (WeasyPrint 70 tags each line as its own span without the space between lines,
automatic hyphens are real characters, footnotes are not `Note`s, an element split across
pages becomes two): these need the HTML element behind each structure element.
"""

from __future__ import annotations

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
    _pagination_artifacts(pdf)
    _header_scope(pdf)


def _identify(pdf) -> None:
    metadata = _object(pdf, pdf.catalog["Metadata"])
    packet = b"".join(part if isinstance(part, bytes) else str(part).encode()
                      for part in metadata.stream)
    end = packet.rindex(b"</rdf:RDF>")
    metadata.stream = [packet[:end] + EXTENSION + packet[end:]]
    for item in pdf.objects:
        if isinstance(item, dict) and item.get("Type") == "/Page":
            item["Tabs"] = "/S"


def _pagination_artifacts(pdf) -> None:
    """Running header, footer and page numbers as artifacts. WeasyPrint tags margin boxes
    but links their structure elements nowhere (Kozea/WeasyPrint#1836): a screen reader
    meets content that belongs to no element. Marked content whose MCID no element of the
    structure tree claims becomes `/Artifact <</Type /Pagination>>`."""
    claimed: set[tuple[bytes, int]] = set()
    todo = [_object(pdf, _object(pdf, pdf.catalog["StructTreeRoot"])["K"][0])]
    while todo:
        element = todo.pop()
        kids = element.get("K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, int):
                claimed.add((_ref(element.get("Pg")), kid))
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


def _header_scope(pdf) -> None:
    """`TH` with `/Scope` (Kozea/WeasyPrint#2508): a header in THead heads its column."""
    for item in pdf.objects:
        if isinstance(item, dict) and item.get("S") == "/TH":
            row = _object(pdf, item["P"])
            scope = "/Column" if _object(pdf, row["P"]).get("S") == "/THead" else "/Row"
            attributes = item.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
            attributes["Scope"] = scope


def _ref(reference) -> bytes:
    return reference if isinstance(reference, bytes) else str(reference).encode()


def _object(pdf, reference):
    """The pydyf object a reference (`b"12 0 R"`) points to."""
    text = reference.decode() if isinstance(reference, bytes) else str(reference)
    return pdf.objects[int(text.split()[0])]


def write(document) -> bytes:
    return document.write_pdf(finisher=finish, **OPTIONS)
