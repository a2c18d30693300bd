"""The output `bundle`: a package → one ZIP with everything a journalist gets (the web
pages with their PDFs and the press kit, the e-mail, the stylesheet) and `SHA256SUMS`.
The same files give the same bytes: sorted members, fixed times."""

from __future__ import annotations

import hashlib
import io
import zipfile

from .outputs import Made
from .packages import Package
from .web import folder, stylesheet

FOLDER = "pakete"
#: Fixed time of every member: the same files give the same bytes.
ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def templates(package: Package, context) -> list[str]:
    return []


def make(package: Package, context) -> Made:
    where = folder(package, context)
    members = {name.removeprefix(f"{where}/"): data
               for name, data in context.files("web", package.key).items()}
    members |= context.files("mail", package.key)
    members["briefing.css"] = stylesheet(context.config)
    made = Made()
    made.add(f"{FOLDER}/{package.slug}.zip", zip_of(members))
    return made


def zip_of(members: dict[str, bytes]) -> bytes:
    """A ZIP of `members` and their SHA256SUMS: sorted, fixed times, same bytes each time."""
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                   for name, data in sorted(members.items()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in sorted({**members, "SHA256SUMS": sums.encode()}.items()):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if name.endswith(".pdf") \
                else zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()
