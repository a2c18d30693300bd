"""briefing: German press releases and briefings from Markdown to accessible PDFs."""

from .build import Report, build, check, load_project

__version__ = "0.1.0"
__all__ = ["Report", "__version__", "build", "check", "load_project"]
