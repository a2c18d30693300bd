"""`briefing vorschau`: a warm process that shows documents as the pages of the very PDF
`build` would write, and sets them again when a file they are made from is saved.

- The server listens on 127.0.0.1 only. The page shows each PDF page as an image (rendered
  with pdfium from the PDF bytes, not approximated by the browser's CSS engine) and asks
  `/stand` a few times a second whether a newer rendering exists.
- `watchfiles` reports saves in content/, templates/ and briefing.toml. After each change
  the project is loaded again (front matter only is cheap) and a document is set again
  only when the fingerprint of its inputs changed (`incremental.Staleness.inputs`).
- Bad content never stops the server: its problems appear on the page, and the last good
  rendering stays. Nothing is written to output/ unless asked (`--schreiben`).
"""

from __future__ import annotations

import html
import io
import json
import sys
import threading
import time
import webbrowser
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .errors import ContentError, MachineError, UsageError
from .files import write_atomically
from .incremental import Staleness
from .outputs import PDF
from .paths import Paths

#: Pages are shown at this many pixels per PDF point (1.5 ≈ 108 dpi).
SCALE = 1.5


@dataclass
class View:
    """What the page shows of one document: its last good rendering and its problems."""

    source: str
    title: str = ""
    pdf: bytes = b""
    #: The page count; each page's image is made when it is first asked for.
    pages: int = 0
    images_of: dict[int, bytes] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    fingerprint: dict | None = None
    #: The last attempt failed: try again after any change.
    failed: bool = False
    images: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    at: str = ""


class Preview:
    def __init__(self, root: Path, file: str | None = None, write: bool = False):
        self.paths = Paths(root)
        self.file, self.write = file, write
        self.views: dict[str, View] = {}
        self.notes: list[str] = []
        self.version = 0
        self.lock = threading.Lock()
        self.pdfium = threading.Lock()
        self.renderer_key: str | None = None
        self.env, self.env_key = None, None
        self.closures: dict[str, list[str]] = {}

    # --- rendering ------------------------------------------------------------------------

    def refresh(self) -> int:
        """Load the project again and set every shown document whose inputs changed.
        Returns how many were set. Never raises for bad content."""
        from . import pdf
        from .project import load_project
        from .templating import compose, make_environment

        try:
            project = load_project(self.paths.root)
        except (ContentError, MachineError) as exc:
            problems = getattr(exc, "problems", None) or [exc]
            return self._publish_notes([str(p) for p in problems])
        config = project.config
        shown = self._shown(project)
        staleness = Staleness(config, templates=self.closures)
        self._restart_renderer(project, staleness)
        templates_key = staleness.digests.files(config, sorted(config.templates_dir.rglob("*.j2")))
        if templates_key != self.env_key:  # Jinja caches compiled templates: renew on change
            self.env, self.env_key = make_environment(config.templates_dir), templates_key
            self.closures.clear()
        env = self.env
        done = 0
        for source, document in shown.items():
            view = self.views.get(source) or View(source)
            own = [str(p) for p in project.problems if p.path in (source, "briefing.toml")]
            if document is None:  # the file has errors: keep the last good pages
                self._store(view, problems=own or ["Dokument kann nicht gesetzt werden"])
                continue
            template = PDF.templates[document.kind]
            templates = staleness.templates(template)
            release = document.release.display_path if document.release else None
            inputs = staleness.inputs(source, release, templates, view.images)
            if inputs == view.fingerprint and not view.failed:
                continue
            began = time.perf_counter()
            page = compose(document, template, env, config, config.quotes)
            view.images = page.images
            problems = own + [str(p) for p in page.problems if str(p) not in own]
            if page.html is None:
                self._store(view, problems=problems)
                continue
            produced = pdf.render_page((source, page.html))
            problems += [str(p) for p in produced.problems if str(p) not in problems]
            if not produced.ok:
                self._store(view, problems=problems)
                continue
            if self.write:
                write_atomically(config.output_dir / PDF.file_name(document), produced.data)
            self._store(view, document.title, produced.data, produced.pages,
                        [p for p in problems if ": Warnung: " in p or ": Hinweis: " in p],
                        inputs, time.perf_counter() - began)
            done += 1
        with self.lock:
            for gone in set(self.views) - set(shown):
                del self.views[gone]
            self.notes = []
        return done

    def _shown(self, project) -> dict:
        """Display path → document (None when it has errors) of what the page shows."""
        documents = {d.display_path: d for d in project.documents}
        sources = sorted(documents.keys() | project.blocked)
        if self.file:
            wanted = self.paths.named(self.file)
            sources = [wanted] if wanted in sources else []
            if not sources:
                self._publish_notes([f"{wanted}: gibt es nicht (mehr) in content/"])
        return {s: documents.get(s) for s in sources}

    def _restart_renderer(self, project, staleness: Staleness) -> None:
        """A warm renderer; made again when the stylesheet, fonts or settings change."""
        from . import pdf

        key = staleness.digests.combine(
            staleness.assets(),
            staleness.digests.file(self.paths.config_file),
            staleness.digests.file(self.paths.hyphenation_file))
        if key != self.renderer_key:
            pdf.start_renderer(pdf.settings_for(project, project.documents))
            self.renderer_key = key
            for view in self.views.values():
                view.fingerprint = None

    def _store(self, view: View, title: str | None = None, data: bytes | None = None,
               pages: int = 0, problems: list[str] | None = None,
               fingerprint: dict | None = None, seconds: float = 0.0) -> None:
        """Publish a new rendering (with `data`), or problems beside the last good one."""
        with self.lock:
            if data is not None:
                view.title, view.pdf, view.pages, view.images_of = title, data, pages, {}
                view.fingerprint, view.seconds = fingerprint, seconds
                view.at = time.strftime("%H:%M:%S")
            view.failed = data is None
            view.problems = problems or []
            self.views[view.source] = view
            self.version += 1

    def _publish_notes(self, notes: list[str]) -> int:
        with self.lock:
            if notes != self.notes:
                self.notes = notes
                self.version += 1
        return 0

    # --- watching -------------------------------------------------------------------------

    def watch(self, stop: threading.Event) -> None:
        """Set documents again whenever a file they may be made from is saved."""
        from watchfiles import watch

        targets = [p for p in (self.paths.content_dir, self.paths.templates_dir,
                               self.paths.config_file) if p.exists()]
        for _changes in watch(*targets, stop_event=stop, debounce=20, step=10,
                              rust_timeout=500, yield_on_timeout=False, raise_interrupt=False):
            try:
                self.refresh()
            except Exception as exc:  # a bug: show it, keep serving the last good pages
                import traceback

                traceback.print_exc()
                self._publish_notes([f"Interner Fehler der Vorschau ({exc}); bitte melden"])

    # --- serving --------------------------------------------------------------------------

    def state(self) -> dict:
        with self.lock:
            return {"stand": self.version, "hinweise": self.notes,
                    "dokumente": [{"datei": v.source, "seiten": v.pages,
                                   "probleme": v.problems} for v in self.views.values()]}

    def page(self) -> str:
        with self.lock:
            views, notes, version = list(self.views.values()), list(self.notes), self.version
        parts = [f'<p class="problem">{html.escape(n)}</p>' for n in notes]
        for index, view in enumerate(views):
            parts.append(f"<section><h2>{html.escape(view.source)}</h2>")
            parts += [f'<p class="problem">{html.escape(p)}</p>' for p in view.problems]
            if view.pages:
                parts.append(f'<p class="info">gesetzt um {view.at} in '
                             f'{view.seconds:.2f} s'.replace(".", ",") +
                             f' · <a href="/pdf/{index}.pdf">PDF</a></p>')
                parts += [f'<img src="/seite/{index}/{n}.jpg?stand={version}" '
                          f'alt="{html.escape(view.title)}, Seite {n + 1} von {view.pages}">'
                          for n in range(view.pages)]
            parts.append("</section>")
        return PAGE.replace("{stand}", str(version)).replace(
            "{inhalt}", "\n".join(parts) or "<p>Keine Dokumente.</p>")

    def image(self, index: int, number: int) -> bytes | None:
        """Page `number` of document `index` as an image, made on first request. PDFium is
        not thread-safe: one page at a time."""
        view = self.view_at(index)
        if view is None or not 0 <= number < view.pages:
            return None
        with self.lock:
            data, cached = view.pdf, view.images_of.get(number)
        if cached is None:
            with self.pdfium:
                cached = _page_image(data, number)
            with self.lock:
                if view.pdf is data:
                    view.images_of[number] = cached
        return cached

    def view_at(self, index: int) -> View | None:
        with self.lock:
            views = list(self.views.values())
        return views[index] if 0 <= index < len(views) else None


PAGE = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>Vorschau – briefing</title>
<style>
body { font-family: sans-serif; background: #5b6670; color: #111; margin: 0; padding: 1rem; }
section { max-width: 900px; margin: 0 auto 2rem; }
h2 { color: #fff; font-size: 1rem; }
img { display: block; width: 100%; margin: 0 0 1rem; background: #fff;
      box-shadow: 0 1px 4px rgba(0,0,0,.4); }
.problem { background: #fbeaea; color: #6b0f12; border-left: 4px solid #a4161a;
           padding: .5rem; white-space: pre-wrap; }
.info { color: #fff; font-size: .85rem; } .info a { color: #fff; }
</style></head>
<body data-stand="{stand}"><main>
{inhalt}
</main>
<script>
// Ask a few times a second whether a newer rendering exists; then show it.
const stand = document.body.dataset.stand;
setInterval(async () => {
  try {
    const answer = await fetch("/stand", {cache: "no-store"});
    if ((await answer.json()).stand != stand) location.reload();
  } catch (error) {}
}, 250);
</script>
</body></html>
"""


def _page_image(data: bytes, number: int) -> bytes:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        out = io.BytesIO()
        # JPEG: ten times faster to encode than PNG at this size, and sharp enough.
        document[number].render(scale=SCALE).to_pil().save(out, format="JPEG", quality=90)
        return out.getvalue()
    finally:
        document.close()


def make_handler(preview: Preview):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path == "/":
                self._send(200, "text/html; charset=utf-8", preview.page().encode())
            elif path == "/stand":
                self._send(200, "application/json",
                           json.dumps(preview.state(), ensure_ascii=False).encode())
            elif path.startswith("/seite/") and path.endswith(".jpg"):
                doc, _, number = path[len("/seite/"):-len(".jpg")].partition("/")
                image = preview.image(int(doc), int(number)) \
                    if doc.isdigit() and number.isdigit() else None
                if image is not None:
                    self._send(200, "image/jpeg", image)
                else:
                    self._send(404, "text/plain; charset=utf-8", b"Seite gibt es nicht")
            elif path.startswith("/pdf/") and path.endswith(".pdf"):
                doc = path[len("/pdf/"):-len(".pdf")]
                view = preview.view_at(int(doc)) if doc.isdigit() else None
                if view and view.pdf:
                    self._send(200, "application/pdf", view.pdf)
                else:
                    self._send(404, "text/plain; charset=utf-8", b"PDF gibt es nicht")
            else:
                self._send(404, "text/plain; charset=utf-8", b"Nicht gefunden")

        def _send(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:  # no request log on the terminal
            pass

    return Handler


def serve(preview: Preview, port: int = 0) -> ThreadingHTTPServer:
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(preview))
    except OSError as exc:
        raise UsageError(f"vorschau: Port {port} ist nicht frei ({exc.strerror}); nehmen Sie "
                         "einen anderen mit --port") from None
    server.daemon_threads = True
    return server


def run(root: Path, args) -> int:
    preview = Preview(root, args.file, args.schreiben)
    server = serve(preview, args.port)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    print(f"Vorschau: {url}  (beenden mit Strg+C)", flush=True)
    stop = threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    began = time.perf_counter()
    preview.refresh()
    print(f"Erste Fassung gesetzt in {time.perf_counter() - began:.2f} s".replace(".", ","),
          flush=True)
    if not args.ohne_browser:
        webbrowser.open(url)
    watcher = threading.Thread(target=preview.watch, args=(stop,), daemon=True)
    watcher.start()
    try:
        while watcher.is_alive():
            watcher.join(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        watcher.join(2)
    print("Vorschau beendet.", file=sys.stderr)
    return 0
