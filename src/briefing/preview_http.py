"""The preview's web page: served to this machine only, from memory only.

The server binds 127.0.0.1 and answers only requests addressed to that host (so a web page
elsewhere cannot read embargoed drafts through DNS rebinding). It serves the page, the
state (`/stand`), each PDF page as an image and the PDF itself: nothing from disk. The
page learns of a new rendering at once, by push: it holds an event stream
(`/ereignisse`, server-sent events) that brings each new version as it exists, and shows
it in place once its page images have loaded.
"""

from __future__ import annotations

import contextlib
import errno
import html
import io
import json
import os
import re
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .errors import UsageError
from .files import cause_of

#: Pages are shown at this many pixels per PDF point (1.5 ≈ 108 dpi).
SCALE = 1.5
#: This run of the preview: a page of an earlier one (same port) loads itself again.
RUN = f"{os.getpid()}-{time.time_ns()}"
#: How long a request for a PDF or web page waits for the rendering to be finished (the
#: setting's own time budget ends it before).
FINISH_SECONDS = 60
_IMAGE = re.compile(r"/seite/([0-9]+)/([0-9]+)\.jpg")
_PDF = re.compile(r"/pdf/([0-9]+)\.pdf")
_WEB = re.compile(r"/web/([0-9]+)\.html")
NOT_FOUND = "Nicht gefunden"
#: What the server answers, in German, when it cannot serve a request at all.
ERRORS = {
    400: "Ungültige Anfrage",
    404: NOT_FOUND,
    408: "Die Anfrage kam nicht rechtzeitig",
    414: "Die Adresse ist zu lang",
    431: "Die Kopfzeilen der Anfrage sind zu lang",
    501: "Diese Art Anfrage beantwortet die Vorschau nicht (nur GET)",
    505: "Diese HTTP-Version beantwortet die Vorschau nicht",
}
#: Why a port cannot be used, in German (the operating system's words are English).
PORT_CAUSES = {
    errno.EADDRINUSE: "ein anderes Programm nutzt ihn schon, vielleicht eine andere Vorschau",
    errno.EACCES: "keine Berechtigung; Ports unter 1024 darf nur der Systemverwalter öffnen",
    errno.EADDRNOTAVAIL: "die Adresse 127.0.0.1 gibt es auf diesem Rechner nicht",
}

PAGE = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>Vorschau – briefing</title>
<style>
body { font-family: sans-serif; background: #5b6670; color: #111; margin: 0; padding: 1rem; }
section { max-width: 900px; margin: 0 auto 2rem; }
h2 { color: #fff; font-size: 1rem; }
img { display: block; width: 100%; margin: 0 0 1rem; background: #fff;
      box-shadow: 0 1px 4px rgba(0,0,0,.4); }
.problem { background: #fbeaea; color: #6b0f12; border-left: 4px solid #a4161a;
           padding: .5rem; white-space: pre-wrap; margin: 0 0 .25rem; }
.problem.warnung { background: #fff4d6; color: #4d3800; border-color: #b07d00; }
.problem.hinweis { background: #e8f0f8; color: #1f3550; border-color: #1f4e79; }
.problems h3, .problems h4 { color: #fff; font-size: .9rem; margin: .5rem 0 .25rem; }
.related { border-left: 4px solid #fff; padding: 0 0 0 .75rem; margin: 1rem 0; }
.related h3 { color: #fff; font-size: .95rem; margin: 0 0 .25rem; }
.setting { color: #fff; font-size: 1.2rem; }
.tabs { display: flex; gap: .5rem; margin: 0 0 .5rem; }
.tabs button { font: inherit; padding: .3rem .8rem; border: 0; border-radius: 3px;
               background: #3d464e; color: #fff; cursor: pointer; }
.tabs button[aria-selected="true"] { background: #fff; color: #111; }
iframe { width: 100%; height: 80vh; border: 0; background: #fff; }
pre.mail { background: #fff; padding: 1rem; white-space: pre-wrap;
           font: .9rem/1.4 monospace; }
.info { color: #fff; font-size: .85rem; } .info a { color: #fff; }
</style></head>
<body data-stand="{stand}" data-vorschau="{vorschau}"><main>
{inhalt}
</main>
<script>
// Tabs: the PDF pages, the web page, the e-mail; the choice survives a new rendering.
let form = location.hash.slice(1) || "pdf";
function show(chosen) {
  form = chosen;
  for (const button of document.querySelectorAll(".tabs button"))
    button.setAttribute("aria-selected", button.dataset.form === form);
  for (const panel of document.querySelectorAll("[data-panel]"))
    panel.hidden = panel.dataset.panel !== form;
  history.replaceState(null, "", "#" + form);
}
document.addEventListener("click", (event) => {
  const button = event.target.closest(".tabs button");
  if (button) show(button.dataset.form);
});
show(form);
// The server pushes each new rendering as it exists (server-sent events): its page
// images load while the old ones stay on screen, then the new ones take their place.
let shown = Number(document.body.dataset.stand);
const events = new EventSource("/ereignisse?stand=" + shown + "&vorschau=" +
                                document.body.dataset.vorschau);
events.onmessage = (event) => {
  const update = JSON.parse(event.data);
  // A preview started again counts from the start: this page is of the one before.
  if (update.vorschau !== document.body.dataset.vorschau) { location.reload(); return; }
  const fresh = document.createRange().createContextualFragment(update.inhalt);
  const loading = [...fresh.querySelectorAll("img")].map((img) => img.decode().catch(() => {}));
  Promise.all(loading).then(() => {
    if (update.stand <= shown) return;  // a newer one is on screen already
    shown = update.stand;
    document.querySelector("main").replaceChildren(fresh);
    show(form);
    document.body.dataset.stand = shown;
    document.body.dataset.gezeigt = performance.timeOrigin + performance.now();
  });
};
</script>
</body></html>
"""


def state(preview) -> dict:
    with preview.lock:
        return {"stand": preview.version, "hinweise": list(preview.notes),
                "dokumente": [{"datei": v.source, "seiten": v.pages, "probleme": v.problems,
                               "zugehörige": [{"datei": f, "probleme": p}
                                              for f, p in v.related.items()]}
                              for v in preview.views.values()]}


#: How the problems are grouped on the page: errors, warnings, notes, each apart.
_KINDS = (("fehler", "Fehler"), ("warnung", "Warnungen"), ("hinweis", "Hinweise"))


def _kind(problem: str) -> str:
    found = re.search(r": (Warnung|Hinweis): ", problem)
    return found[1].lower() if found else "fehler"


def _problems(problems: list[str], level: int = 3) -> list[str]:
    """Errors, warnings and notes apart, each group under its heading."""
    parts = []
    for kind, heading in _KINDS:
        group = [p for p in problems if _kind(p) == kind]
        if group:
            parts.append(f'<div class="problems"><h{level}>{heading}</h{level}>')
            parts += [f'<p class="problem {kind}">{html.escape(p)}</p>' for p in group]
            parts.append("</div>")
    return parts


def _related(related: dict[str, list[str]]) -> list[str]:
    """The problems of the files that belong to the document shown, under each file."""
    parts = []
    for source, problems in related.items():
        parts.append(f'<div class="related"><h3>Dazugehörige Datei: {html.escape(source)}</h3>')
        parts += _problems(problems, 4)
        parts.append("</div>")
    return parts


def page(preview) -> str:
    version, inside = content(preview)
    return PAGE.replace("{stand}", str(version)).replace("{vorschau}", RUN).replace(
        "{inhalt}", inside)


def content(preview) -> tuple[int, str]:
    """The version shown and what the page shows of it (inside `<main>`)."""
    with preview.lock:
        views, notes, version = list(preview.views.values()), list(preview.notes), \
            preview.version
        shown = [(v.source, list(v.problems), dict(getattr(v, "related", {})), v.pages,
                  v.title, v.at, v.seconds, getattr(v, "mail", "")) for v in views]
        ready = preview.ready
    parts = _problems(notes)
    if any(pages for _, _, _, pages, *_ in shown):
        parts.append('<div class="tabs" role="group" aria-label="Ansicht">'
                     '<button type="button" data-form="pdf">PDF</button>'
                     '<button type="button" data-form="web">Webseite</button>'
                     '<button type="button" data-form="mail">E-Mail</button></div>')
    for index, (source, problems, related, pages, title, at, seconds, mail) in \
            enumerate(shown):
        parts.append(f"<section><h2>{html.escape(source)}</h2>")
        parts += _problems(problems)
        parts += _related(related)
        if pages:
            parts.append(f'<p class="info">gesetzt um {at} in {seconds:.2f} s'.replace(".", ",")
                         + f' · <a href="/pdf/{index}.pdf">PDF</a></p>')
            parts.append('<div data-panel="pdf">')
            parts += [f'<img src="/seite/{index}/{n}.jpg?stand={version}" '
                      f'alt="{html.escape(title)}, Seite {n + 1} von {pages}">'
                      for n in range(pages)]
            parts.append("</div>")
            parts.append(f'<div data-panel="web" hidden><iframe title="{html.escape(title)}: '
                         f'Webseite" src="/web/{index}.html?stand={version}"></iframe></div>')
            parts.append('<div data-panel="mail" hidden>' + (
                f'<pre class="mail">{html.escape(mail)}</pre>' if mail else
                '<p class="info">Keine eigene E-Mail: eine Hintergrundinformation geht als '
                "PDF-Anhang mit der E-Mail ihrer Pressemitteilung hinaus.</p>") + "</div>")
        parts.append("</section>")
    empty = '<p class="setting">Keine Dokumente.</p>' if ready else \
        '<p class="setting" role="status">wird gesetzt …</p>'
    return version, "\n".join(parts) or empty


def _view(preview, index: int):
    with preview.lock:
        views = list(preview.views.values())
        if not 0 <= index < len(views):
            return None, b"", 0
        view = views[index]
        return view, view.pdf, view.pages


def _finished(preview, index: int):
    """The view, once its rendering is finished: the pages are shown as soon as they are
    laid out, the PDF itself and the web page (which names its size) a moment later."""
    view, _, _ = _view(preview, index)
    if view is not None:
        view.finished.wait(timeout=FINISH_SECONDS)
    return view


def image(preview, index: int, number: int) -> bytes | None:
    """Page `number` of document `index` as an image, made on first request. PDFium is not
    thread-safe: one page at a time."""
    view, data, pages = _view(preview, index)
    if view is None or not 0 <= number < pages:
        return None
    with preview.lock:
        cached = view.images_of.get(number) if view.pdf is data else None
    if cached is None:
        with preview.pdfium:
            cached = _page_image(data, number)
        with preview.lock:
            if view.pdf is data:
                view.images_of[number] = cached
    return cached


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


def _web_css(preview) -> bytes:
    """The web pages' stylesheet, without the web fonts (the preview serves no fonts)."""
    from .web import STYLESHEET

    try:
        css = (preview.paths.templates_dir / STYLESHEET).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return b""
    return re.sub(r"@font-face\s*{[^}]*}\s*", "", css).encode()


def make_handler(preview, port: int):
    hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.headers.get("Host") not in hosts:
                return self._send(403, "text/plain; charset=utf-8", b"Nicht erlaubt")
            path = self.path.split("?", 1)[0]
            if path == "/":
                return self._send(200, "text/html; charset=utf-8", page(preview).encode())
            if path == "/ereignisse":
                return self._events()
            if path == "/stand":
                return self._send(200, "application/json",
                                  json.dumps(state(preview), ensure_ascii=False).encode())
            if match := _IMAGE.fullmatch(path):
                found = image(preview, int(match[1]), int(match[2]))
                if found is not None:
                    return self._send(200, "image/jpeg", found)
            elif match := _WEB.fullmatch(path):
                view = _finished(preview, int(match[1]))
                if view is not None and view.web:
                    return self._send(200, "text/html; charset=utf-8", view.web.encode())
            elif path == "/web.css":
                return self._send(200, "text/css; charset=utf-8", _web_css(preview))
            elif match := _PDF.fullmatch(path):
                view = _finished(preview, int(match[1]))
                if view is not None and view.pdf:
                    return self._send(200, "application/pdf", view.pdf)
            return self._send(404, "text/plain; charset=utf-8", NOT_FOUND.encode())

        def _events(self) -> None:
            """Server-sent events: each new version, as soon as it exists; a comment now
            and then keeps the connection open."""
            query = self.path.partition("?")[2]
            known = int(match[1]) if (match := re.search(r"stand=(-?[0-9]+)", query)) else -1
            if f"vorschau={RUN}" not in query:  # a page of an earlier run: tell it at once
                known = -1
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            try:
                while True:
                    with preview.changed:
                        preview.changed.wait_for(lambda seen=known: preview.version != seen,
                                                 timeout=15)
                    version, inside = content(preview)
                    if version != known:
                        # The new page itself, so the page needs no second request.
                        update = json.dumps({"stand": version, "vorschau": RUN,
                                             "inhalt": inside})
                        self.wfile.write(f"data: {update}\n\n".encode())
                        known = version
                    else:
                        self.wfile.write(b": warten\n\n")
                    self.wfile.flush()
            except OSError:  # the page was closed or reloaded
                return

        def _send(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def send_error(self, code: int, message=None, explain=None) -> None:
            """The server's own answers to a request it cannot serve (a method other than
            GET, a malformed request): in German, as plain text."""
            self.close_connection = True
            body = ERRORS.get(code, f"Fehler {code}").encode()
            with contextlib.suppress(OSError):  # the other side may be gone already
                self.send_response(code)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

        def log_message(self, *args) -> None:  # no request log on the terminal
            pass

    return Handler


def serve(preview, port: int = 0) -> ThreadingHTTPServer:
    if not 0 <= port <= 65535:
        raise UsageError(f"vorschau: Port {port} gibt es nicht; erlaubt sind 1 bis 65535 (oder "
                         "0 für einen freien)")
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), None)
    except OSError as exc:
        what = "ist nicht frei" if exc.errno == errno.EADDRINUSE else \
            "kann nicht geöffnet werden"
        raise UsageError(f"vorschau: Port {port} {what} ({_port_cause(exc)}); nehmen Sie "
                         "einen anderen mit --port") from None
    server.RequestHandlerClass = make_handler(preview, server.server_address[1])
    server.daemon_threads = True
    return server


def _port_cause(exc: OSError) -> str:
    if exc.errno in PORT_CAUSES:
        return PORT_CAUSES[exc.errno]
    cause = cause_of(exc)
    # Words of the operating system (English) only as its error's name.
    return cause if cause != exc.strerror else \
        f"Fehler {errno.errorcode.get(exc.errno, exc.errno)} des Betriebssystems"
