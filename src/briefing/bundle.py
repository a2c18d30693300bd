"""The output `bundle`: a package → one ZIP with everything a journalist gets (the web
pages with their PDFs and the press kit, the e-mail, the stylesheet) and `SHA256SUMS`.
The same files give the same bytes: sorted members, fixed times."""

from __future__ import annotations

import hashlib
import io
import zipfile

from .outputs import Made
from .packages import Package
from .web import in_bundle, pages, shared_files
from .web import templates as web_templates

FOLDER = "pakete"
#: Fixed time of every member: the same files give the same bytes.
ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def templates(package: Package, context) -> list[str]:
    return web_templates(package, context)


def make(package: Package, context) -> Made:
    """The package's web pages as they stand in the ZIP (the stylesheet and fonts beside
    them, no archive to go back to), its e-mail and the files' checksums."""
    held = not context.state(package).public
    made = pages(package, context, "", in_bundle(context.config), held)
    if made.failed:
        return Made(problems=made.problems)
    members = made.files | context.files("mail", package.key) | shared_files(context.config)
    return Made({f"{FOLDER}/{package.slug}.zip": zip_of(members)})


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
