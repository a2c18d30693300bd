"""What a screen reader reads of a tagged PDF: the structure tree in its order, each
element's marked content through its font's ToUnicode map, an element's /ActualText
instead of what it covers, nothing of artifacts."""

from __future__ import annotations

import re

from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject, IndirectObject


def unicode_maps(page) -> dict:
    maps = {}
    for name, font in page["/Resources"]["/Font"].items():
        cmap = font.get_object()["/ToUnicode"].get_object().get_data()
        maps[name] = {code.decode().upper(): bytes.fromhex(text.decode()).decode("utf-16-be")
                      for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S)
                      for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>",
                                                   block)}
    return maps


def marked_content(reader: PdfReader) -> dict[tuple[int, int], str]:
    """(page index, MCID) → the text of that marked-content sequence (an /ActualText on
    it, or its glyphs)."""
    found: dict[tuple[int, int], list[str]] = {}
    for index, page in enumerate(reader.pages):
        maps, font, stack = unicode_maps(page), None, []
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                font = operands[0]
            elif operator in (b"BDC", b"BMC"):
                properties = operands[1] if len(operands) > 1 else {}
                properties = properties if hasattr(properties, "get") else {}
                mcid = properties.get("/MCID")
                actual = properties.get("/ActualText")
                owner = mcid if mcid is not None else (stack[-1][0] if stack else None)
                stack.append((owner, actual))
                if actual is not None and owner is not None:
                    found.setdefault((index, owner), []).append(str(actual))
            elif operator == b"EMC" and stack:
                stack.pop()
            elif operator == b"TJ" and stack and stack[-1][0] is not None:
                if any(actual is not None for _, actual in stack):
                    continue
                pieces = found.setdefault((index, stack[-1][0]), [])
                for item in operands[0]:
                    if isinstance(item, bytes) or hasattr(item, "original_bytes"):
                        raw = item.original_bytes if hasattr(item, "original_bytes") else item
                        hexed = raw.hex().upper()
                        pieces += [maps[font].get(hexed[i:i + 4], "")
                                   for i in range(0, len(hexed), 4)]
    return {key: "".join(value) for key, value in found.items()}


#: Elements inside a line: no separator after them.
_INLINE = {"/Span", "/Link", "/Reference", "/Lbl", "/NonStruct", "/Strong", "/Em", "/Code"}


def structure_text(path, separator: str = "") -> str:
    """The text in structure order (`separator` between leaf elements, for tests that want
    to see where one ends)."""
    reader = PdfReader(path)
    content = marked_content(reader)
    pages = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
    out: list[str] = []

    def walk(element, page: int | None) -> None:
        element = element.get_object()
        if "/Pg" in element:
            page = pages.get(element.raw_get("/Pg").idnum, page)
        if element.get("/ActualText") is not None:
            out.append(str(element["/ActualText"]))
            return
        kids = element.get("/K")
        leaf = False
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if isinstance(kid, int):
                out.append(content.get((page, int(kid)), ""))
                leaf = True
            elif isinstance(kid, IndirectObject | DictionaryObject):
                target = kid.get_object()
                if target.get("/Type") == "/MCR":
                    mcr_page = pages.get(target.raw_get("/Pg").idnum, page) \
                        if "/Pg" in target else page
                    out.append(content.get((mcr_page, int(target["/MCID"])), ""))
                    leaf = True
                elif target.get("/Type") != "/OBJR":
                    walk(target, page)
        if leaf and separator and element.get("/S") not in _INLINE:
            out.append(separator)

    walk(reader.trailer["/Root"]["/StructTreeRoot"], None)
    return "".join(out)
