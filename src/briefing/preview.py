"""`briefing vorschau`: a warm process that shows documents as the pages of the very PDF
`build` would write, and sets them again when a file they are made from is saved.

- `watchfiles` reports saves below the project (content/, templates/, briefing.toml; also
  editors that save by writing a new file and renaming it). After each change every input
  is hashed, then the project is loaded again (front matter is cheap), and a document is
  set again only when the fingerprint of its inputs changed (`incremental.Staleness`).
- Rendering runs in the main thread, so the per-document time budget applies as in a build;
  the HTTP server (`preview_http.py`) answers from another thread.
- Bad content never stops the preview: its problems appear on the page, recomputed on every
  change, and the last good rendering stays. With one document shown, the page also shows
  the problems of the files that belong to it (its editions, a release's briefings), each
  under its file: saving the document can cause them (a translation out of date), and
  `check` would show them.
- A file named that does not exist is an error before the preview starts (with the nearest
  content file); one deleted while it runs is named on the page.
- Nothing is written to output/ unless asked (`--schreiben`, under the build lock).
"""

from __future__ import annotations

import os
import queue
import re
import sys
import threading
import time
import webbrowser
from dataclasses import dataclass, field
from pathlib import Path

from . import clock
from .errors import ContentError, MachineError, RecordError, UsageError
from .files import cause_of, locked, write_atomically
from .incremental import Staleness
from .paths import CONFIG_NAME, Paths


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
    #: The problems of the files that belong to it (`_related`), by file.
    related: dict[str, list[str]] = field(default_factory=dict)
    #: What the last rendering attempt reported (warnings, or why it failed).
    rendered: list[str] = field(default_factory=list)
    fingerprint: dict | None = None
    #: The last attempt failed: try again after any change.
    failed: bool = False
    images: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    at: str = ""
    #: The same text as its web page (images inline) and, for a release, its e-mail text.
    web: str = ""
    mail: str = ""
    #: The rendering shown is finished (its PDF with structure, its web page); it was
    #: shown before, as soon as its pages were laid out (`early`).
    finished: threading.Event = field(default_factory=lambda: _done(threading.Event()))
    early: bool = False


class Preview:
    def __init__(self, root: Path, file: str | None = None, write: bool = False):
        self.paths = Paths(root)
        self.file, self.write = file, write
        self.views: dict[str, View] = {}
        self.notes: list[str] = []
        self.version = 0
        self.lock = threading.Lock()
        #: Notified with each new version: the page's event stream waits on it (push).
        self.changed = threading.Condition(self.lock)
        #: The first rendering is done (until then the page says »wird gesetzt …«).
        self.ready = False
        self.pdfium = threading.Lock()
        self.renderer_key: str | None = None
        #: The process that sets pages (its budgets do not touch the server's threads);
        #: `run` starts it before any thread.
        self._worker = None
        self.env, self.env_key = None, None
        self.closures: dict[str, list[str]] = {}
        #: The content files as last read (cache.py), in memory: a save re-reads one.
        self.memory: dict = {}

    def refresh(self) -> int:
        """Set every shown document whose inputs changed; publish everyone's problems.
        Returns how many were set. Never raises for bad content or a fault of the machine."""
        from .project import load_project

        notes: list[str] = []
        staleness = Staleness(self.paths, templates=self.closures)
        staleness.project()  # hash every input before any is read
        try:
            project = load_project(self.paths.root, cached=True, memory=self.memory)
            self._prepare(project, staleness)
        except ContentError as exc:
            return self._publish([str(p) for p in exc.problems])
        except MachineError as exc:
            return self._publish([str(exc)])
        shown = self._shown(project, notes)
        done = 0
        for source, document in shown.items():
            view = self.views.get(source) or View(source)
            new = 0
            inputs = self._inputs(staleness, document, view) if document else None
            if document is not None and (view.failed or view.fingerprint != inputs):
                new = self._render(project, document, view, inputs, notes)
            # Shown as soon as laid out: the finished PDF is a new version only when it
            # brought new problems.
            self._store(view, self._problems(project, source, document, view),
                        self._related(project, source, document),
                        bool(new) and not view.early)
            done += new
        with self.lock:
            for gone in set(self.views) - set(shown):
                del self.views[gone]
        self._publish(notes)
        return done

    @property
    def worker(self):
        if self._worker is None:
            from .setting import Worker

            self._worker = Worker()
        return self._worker

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()

    def _inputs(self, staleness: Staleness, document, view: View) -> dict:
        from . import document_pdf

        templates = staleness.templates(*document_pdf.templates(document, None))
        return staleness.inputs([document.display_path], document.links, templates,
                                view.images)

    def _render(self, project, document, view: View, inputs: dict, notes: list[str]) -> int:
        """Set one document; keep its last good rendering when this one fails."""
        from .markup import render_body
        from .templating import compose

        config = project.config
        began = time.perf_counter()
        body = render_body(document, config.quotes, config.content_dir)
        page = compose(document, self.env, config, body)
        view.images = page.images
        view.rendered = [str(p) for p in page.problems]
        if page.html is None:
            view.failed = True
            return 0
        composed = list(view.rendered)
        view.early = False
        # The last good rendering, put back if this one is shown early but fails after.
        before = (view.title, view.pdf, view.pages, view.images_of, view.web, view.mail,
                  view.fingerprint, view.seconds, view.at)

        def show(produced) -> None:
            """The laid-out pages, on screen while the worker finishes the PDF; its web
            page and the PDF itself are served once it is finished (`View.finished`)."""
            view.rendered = composed + [str(p) for p in produced.problems
                                        if str(p) not in composed]
            self._show(project, document, body, view, produced, inputs, began, False)
            with self.lock:
                self.ready = True  # the page shows it now: no longer »wird gesetzt …«
            self._store(view, self._problems(project, document.display_path, document, view),
                        self._related(project, document.display_path, document), True)
            view.early = True

        def put_back() -> None:
            """The early pages failed after all: the last good rendering again, and the
            page told so."""
            if view.early:
                with self.lock:
                    (view.title, view.pdf, view.pages, view.images_of, view.web, view.mail,
                     view.fingerprint, view.seconds, view.at) = before
                    self.version += 1
                    self.changed.notify_all()
                view.early = False

        try:
            produced = self.worker.render((document.display_path, page.html), show)
            view.rendered = composed + [str(p) for p in produced.problems
                                        if str(p) not in composed]
            view.failed = not produced.ok
            if view.failed:
                put_back()
                return 0
            self._show(project, document, body, view, produced, inputs, began, True)
        except BaseException:
            put_back()
            raise
        finally:
            view.finished.set()  # also when it failed: the last good rendering stays
        if self.write:
            notes += self._write(document, produced.data)
        return 1

    def _show(self, project, document, body, view: View, produced, inputs: dict,
              began: float, finished: bool) -> None:
        """Put a rendering in the view. The finished PDF replaces the laid-out one: the
        same pages (the images made of them stay), with the structure for PDF/A and UA,
        and the web page that names its size."""
        web, mail = _other_forms(project, document, body, self.env, len(produced.data))
        with self.lock:
            if view.pages != produced.pages or view.fingerprint != inputs or \
                    view.title != document.title:
                view.images_of = {}
            view.title, view.pdf, view.pages = document.title, produced.data, produced.pages
            view.mail = mail
            if finished:
                view.web = web
            else:
                view.finished.clear()
            view.fingerprint, view.seconds = inputs, time.perf_counter() - began
            view.at = clock_time()

    def _write(self, document, data: bytes) -> list[str]:
        target = self.paths.output_dir / document.output_name
        try:
            with locked(self.paths):
                write_atomically(target, data)
        except OSError as exc:
            return [f"{self.paths.show(target)}: kann nicht geschrieben werden: "
                    f"{cause_of(exc)}"]
        except MachineError as exc:
            return [str(exc)]
        return []

    def _problems(self, project, source: str, document, view: View) -> list[str]:
        """Everything wrong with this document now: its file, its release, the settings,
        and what its last rendering reported."""
        paths = {source, CONFIG_NAME}
        if document is not None:
            paths |= set(document.links)
        found = [str(p) for p in project.problems if p.path in paths]
        if document is None and not found and not self._related(project, source, document):
            found.append(f"{source}: kann nicht gesetzt werden (Einzelheiten: make check)")
        return found + [p for p in view.rendered if p not in found]

    def _related(self, project, source: str, document) -> dict[str, list[str]]:
        """The problems of the other files that belong to `source`, by file: its editions
        and, for a release, its briefings and the documents about it; and any file whose
        problem names it: an edition waiting for it, a briefing whose priority it no longer
        lists, or, for a briefing that cannot be set, its broken release. A save of `source`
        can cause them (an edition out of date), and `check` shows them, under their own
        file. With every document shown, each has its own section: only why one cannot be
        set is repeated in its own."""
        if not self.file and document is not None:
            return {}
        own = {source, CONFIG_NAME, *(document.links if document is not None else ())}
        belonging = {d.display_path for d in project.documents
                     if source in {other.display_path for other in (d.original, d.release)
                                   if other is not None}}
        # The path as a whole: content/pm.md is not named in content/alt/pm.md or
        # content/pm.md.bak.
        named = re.compile(rf"(?<![\w./-]){re.escape(source)}(?![\w/-]|\.\w)")
        found: dict[str, list[str]] = {}
        for problem in project.problems:
            if problem.path not in own and (problem.path in belonging
                                            or named.search(problem.message)):
                found.setdefault(problem.path, []).append(str(problem))
        return found

    def _prepare(self, project, staleness: Staleness) -> None:
        """A warm renderer and Jinja environment; made again when what they hold changed:
        stylesheet, fonts, settings, hyphenation list, languages, templates."""
        from .setting import settings_for
        from .templating import make_environment

        config = project.config
        key = staleness.digests.combine(
            staleness.assets(), staleness.digests.file(config.config_file),
            staleness.digests.file(config.hyphenation_file),
            *sorted({d.language for d in project.documents}))
        if key != self.renderer_key:
            self.worker.setup(settings_for(project, project.documents))
            self.renderer_key = key
            for view in self.views.values():
                view.fingerprint = None
        templates = sorted(config.templates_dir.rglob("*.j2"))
        templates_key = staleness.digests.files(config, templates)
        if templates_key != self.env_key:  # Jinja keeps compiled templates: renew on change
            self.env, self.env_key = make_environment(config.templates_dir), templates_key
            self.closures.clear()

    def _shown(self, project, notes: list[str]) -> dict:
        """Display path → document (None when it has errors) of what the page shows."""
        documents = {d.display_path: d for d in project.documents}
        sources = sorted(documents.keys() | project.blocked)
        if self.file:
            wanted = self.paths.named(self.file)
            sources = [wanted] if wanted in sources else []
            if not sources:
                notes.append(f"{wanted}: gibt es nicht (mehr) in content/")
        return {s: documents.get(s) for s in sources}

    def _store(self, view: View, problems: list[str], related: dict[str, list[str]],
               rendered: bool) -> None:
        """Publish a view: a new version when it is new, newly rendered or its problems
        (or those of the files that belong to it) changed (the page then shows it)."""
        with self.lock:
            if rendered or problems != view.problems or related != view.related or \
                    self.views.get(view.source) is not view:
                self.version += 1
                self.changed.notify_all()
            view.problems, view.related = problems, related
            self.views[view.source] = view

    def _publish(self, notes: list[str]) -> int:
        with self.lock:
            if notes != self.notes or not self.ready:
                self.notes, self.ready = notes, True
                self.version += 1
                self.changed.notify_all()
        return 0

    def watch(self, stop: threading.Event, saves: queue.Queue) -> None:
        """Report every save below the project that may change a document (a thread)."""
        from watchfiles import watch

        for changes in watch(self.paths.root, watch_filter=self._relevant, stop_event=stop,
                             debounce=5, step=5, rust_timeout=500, yield_on_timeout=False,
                             raise_interrupt=False):
            saves.put(changes)

    def follow(self, saves: queue.Queue) -> None:
        """Set documents again after each save, here in the main thread, until Ctrl-C."""
        while True:
            try:
                saves.get(timeout=0.5)
            except queue.Empty:
                continue
            while not saves.empty():  # one rendering for a burst of saves
                saves.get_nowait()
            try:
                self.refresh()
            except RecordError as exc:  # the log, read on the way: the last good pages stay
                self._publish([str(p) for p in exc.problems])
            except Exception as exc:  # a bug: named with its report, the last good pages stay
                from . import bugs

                line = bugs.line(exc, bugs.write_report(exc, "Vorschau"))
                print(f"briefing: {line}", file=sys.stderr, flush=True)
                self._publish([line])

    def _relevant(self, _change, path: str) -> bool:
        shown = self.paths.show(Path(path))
        return shown == CONFIG_NAME or shown.startswith(("content/", "templates/"))


def clock_time() -> str:
    """The time of day now, Berlin time, as the page shows when a document was set."""
    return clock.now().astimezone(clock.BERLIN).strftime("%H:%M:%S")


def wanted_file(paths: Paths, name: str | Path) -> str:
    """The content file staff asked to preview, as shown in messages; UsageError when
    there is none, with the nearest content file (a typo in a long name): the preview
    does not start."""
    shown = paths.named(name)
    path = paths.root / shown
    if path.exists():
        if shown.startswith(paths.show(paths.content_dir) + "/") and shown.endswith(".md") \
                and path.is_file():
            return shown
        raise UsageError(f"vorschau: {shown} ist keine Inhaltsdatei unter content/ (*.md)")
    # (A broken symbolic link is there for `missing`, and no file to show.)
    raise UsageError(f"vorschau: {paths.missing(name) or f'{shown} gibt es nicht'}")


def _done(event: threading.Event) -> threading.Event:
    event.set()
    return event


def _other_forms(project, document, body, env, pdf_size: int) -> tuple[str, str]:
    """The document as its web page (the stylesheet served by the preview, images inline)
    and, for a release, the text of its e-mail; what journalists get besides the PDF."""
    import base64
    import re
    from urllib.parse import unquote, urlsplit

    from markupsafe import Markup

    from . import mail, web
    from .doctypes import WEB_TEMPLATE
    from .templating import render

    def inline(match: re.Match) -> str:
        source = Path(unquote(urlsplit(match[1]).path))
        kind = "image/svg+xml" if source.suffix.lower() == ".svg" else \
            f"image/{source.suffix.lower().lstrip('.').replace('jpg', 'jpeg')}"
        return f'src="data:{kind};base64,{base64.b64encode(source.read_bytes()).decode()}"'

    config, problems = project.config, []
    values = web.common(document.language, document.publisher, config.quotes, False,
                        web.Place("/web.css", None, None))
    values["locale"] = document.babel_locale
    release = document.release or document
    page = render(env, WEB_TEMPLATE, config, problems, doc=document,
                  body=Markup(re.sub(r'src="(file://[^"]+)"', inline, body.web)),
                  pdf=web.download(document.output_name, pdf_size, document.babel_locale),
                  ics=None,
                  body_template=document.type.body_template,
                  release_label=release.label + (f" {release.number}" if release.number
                                                 else ""), **values)
    text = ""
    if document.type.heads_package:
        from .packages import packages

        package = next((p for p in packages(project.documents) if p.release is document), None)
        members = [(d, d.output_name) for d in package.members] if package else []
        text = mail.subject(document) + "\n\n" + mail.plain_text(document, body.web, members,
                                                                    draft=document.draft)
    return page or "\n".join(str(p) for p in problems), text


def _desktop() -> bool:
    """A graphical session to open a browser in (on a server, `webbrowser` would start a
    text browser in this terminal)."""
    return sys.platform in ("darwin", "win32") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(root: Path, args) -> int:
    from .preview_http import serve

    file = wanted_file(Paths(root), args.file) if args.file else None
    preview = Preview(root, file, args.schreiben)
    preview.worker  # forked now, while this process has one thread  # noqa: B018
    server = serve(preview, args.port)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    print(f"Vorschau: {url}  (beenden mit Strg+C)", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stop, saves = threading.Event(), queue.Queue()
    # Watching starts first: a save during the first rendering is not missed.
    threading.Thread(target=preview.watch, args=(stop, saves), daemon=True).start()
    try:
        began = time.perf_counter()
        preview.refresh()
        print(f"Erste Fassung gesetzt in {time.perf_counter() - began:.2f} s".replace(".", ","),
              flush=True)
        if not args.ohne_browser and _desktop():
            webbrowser.open(url)
        preview.follow(saves)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        preview.close()
    print("Vorschau beendet.", file=sys.stderr)
    return 0
