"""What changed since the last build: fingerprints of inputs and the manifest in output/.

The manifest (`output/.briefing-manifest.json`) records, per content file, the hash of
everything its PDF was made from and the hash of the PDF. A document is rebuilt only when
one of its inputs changed: its content file, its release (for a briefing), the templates
it uses, the shared template assets (CSS, fonts, mark), its images, `briefing.toml`, the
hyphenation exceptions, briefing's own code and the versions of the libraries that shape
the output.

A project-wide fingerprint lets a build with no change at all finish without parsing any
content or importing WeasyPrint. This module imports nothing heavy on purpose.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .project import Paths

FORMAT = 1
#: Libraries whose version can change the bytes of a PDF.
SHAPING_LIBRARIES = ("weasyprint", "pyphen", "pydyf", "tinycss2", "fonttools", "markdown",
                     "jinja2", "babel", "pyyaml", "tinyhtml5", "cssselect2")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Digests:
    """File hashes, each file read once per run."""

    def __init__(self):
        self._cache: dict[Path, str] = {}

    def file(self, path: Path) -> str:
        if path not in self._cache:
            try:
                self._cache[path] = digest(path.read_bytes())
            except OSError:
                self._cache[path] = "fehlt"
        return self._cache[path]

    def combine(self, *parts: str) -> str:
        return digest("\n".join(parts).encode())


def library_versions() -> list[str]:
    """`name==version` of each shaping library, read from the names of the installed
    `*.dist-info` folders (importlib.metadata would cost a third of a no-op build)."""
    wanted = {name.replace("-", "_") for name in SHAPING_LIBRARIES}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                dist, _, version = name.removesuffix(".dist-info").partition("-")
                key = dist.replace("-", "_").replace(".", "_").lower()
                if key in wanted:
                    found.setdefault(key, version)
    return [f"{name}=={found.get(name, 'fehlt')}" for name in sorted(wanted)]


def tool_fingerprint(digests: Digests) -> str:
    """briefing's own code and the versions of the libraries that shape the output."""
    package = Path(__file__).resolve().parent
    parts = [f"{p.name}:{digests.file(p)}" for p in sorted(package.glob("*.py"))]
    return digests.combine(*parts, *library_versions())


def _files_under(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file())


def project_fingerprint(paths: Paths, digests: Digests) -> str:
    """Everything any document could depend on, in one hash."""
    parts = [tool_fingerprint(digests), digests.file(paths.config_file)]
    for folder in (paths.content_dir, paths.templates_dir):
        parts += [f"{p.relative_to(paths.root)}:{digests.file(p)}" for p in _files_under(folder)]
    return digests.combine(*parts)


def shared_assets_fingerprint(paths: Paths, digests: Digests) -> str:
    """Template files every document uses that Jinja does not load: CSS, fonts, the mark."""
    return digests.combine(*(
        f"{p.relative_to(paths.root)}:{digests.file(p)}"
        for p in _files_under(paths.templates_dir) if p.suffix != ".j2"))


@dataclass
class Entry:
    inputs: str
    output: str
    sha256: str
    pages: int
    #: Images the document used (relative to the project): while its content file is
    #: unchanged they are the same, so an unchanged document is recognised unparsed.
    images: list[str] = field(default_factory=list)
    #: Its warnings and notes from that build, as (line, message, severity), to report
    #: again when it is not rendered again.
    problems: list[list] = field(default_factory=list)


@dataclass
class Manifest:
    project: str | None = None
    errors: int = 0
    warnings: int = 0
    problems: list[str] = field(default_factory=list)
    documents: dict[str, Entry] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """The last build's manifest; an empty one when missing or unreadable."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return cls()
            return cls(data["project"], data["errors"], data["warnings"], data["problems"],
                       {k: Entry(**v) for k, v in data["documents"].items()})
        except (OSError, ValueError, KeyError, TypeError):
            return cls()

    def save(self, path: Path) -> None:
        data = {"format": FORMAT, "project": self.project, "errors": self.errors,
                "warnings": self.warnings, "problems": self.problems,
                "documents": {k: vars(v) for k, v in sorted(self.documents.items())}}
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=".manifest.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(data, file, ensure_ascii=False, indent=1)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def output_intact(self, paths: Paths, digests: Digests, entry: Entry) -> bool:
        return digests.file(paths.output_dir / entry.output) == entry.sha256


def unchanged_project(paths: Paths) -> Manifest | None:
    """The manifest, if nothing at all changed since it was written and every PDF it lists
    is still there as written; otherwise None."""
    manifest = Manifest.load(paths.manifest)
    if manifest.project is None:
        return None
    digests = Digests()
    if project_fingerprint(paths, digests) != manifest.project:
        return None
    if not all(manifest.output_intact(paths, digests, e) for e in manifest.documents.values()):
        return None
    return manifest


@contextmanager
def locked(paths: Paths, on_wait: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Only one build at a time writes into output/; a second one waits for the first.

    Holding the lock, any temporary file left in output/ belongs to a build that was
    killed, so it is removed.
    """
    paths.output_dir.mkdir(parents=True, exist_ok=True)
    with open(paths.output_dir / ".briefing.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait()
            fcntl.flock(lock, fcntl.LOCK_EX)
        for stale in paths.output_dir.glob(".*.tmp"):
            stale.unlink(missing_ok=True)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
