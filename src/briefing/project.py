"""Where a project's files are. Imports nothing heavy: the no-op build path starts here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError

CONFIG_NAME = "briefing.toml"


@dataclass(frozen=True)
class Paths:
    root: Path

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def output_dir(self) -> Path:
        return self.root / "output"

    @property
    def hyphenation_file(self) -> Path:
        return self.content_dir / "silbentrennung.txt"

    @property
    def manifest(self) -> Path:
        return self.output_dir / ".briefing-manifest.json"


def find_root(start: Path) -> Path:
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise UsageError(
        f"Keine {CONFIG_NAME} gefunden in {start} oder darüber; "
        "rufen Sie briefing im Projektordner auf"
    )
