"""briefing: German press releases and briefings from Markdown to accessible PDFs.

The public API is `build`, `check` and `load_project` in `briefing.build`; this package
module stays empty so that the command line starts fast.
"""

__version__ = "0.1.0"
