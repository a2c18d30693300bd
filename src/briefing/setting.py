"""What the PDF engine's callers need without the engine itself (WeasyPrint is imported
only where pages are set): the settings every renderer gets, what a rendering produced,
and the preview's own setting process (`Worker`), which imports the engine in the child
while the caller goes on reading the content."""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .errors import MachineError, Problem
from .files import cause_of, remove_temp_folders
from .paths import Paths

STYLESHEET = "print.css"


@dataclass
class Produced:
    """What an output stage made of one page: the file's bytes, or the problems why not.
    Plain data, so that a worker process can send it back."""

    data: bytes = b""
    pages: int = 0
    problems: list[Problem] = field(default_factory=list)
    worker: int = 0
    peak_rss_kb: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


@dataclass(frozen=True)
class Settings:
    """What every renderer needs; sent once to each worker."""

    root: Path
    templates_dir: Path
    #: Folders the fetcher may read.
    allowed: tuple[Path, ...]
    hyphenation: dict[str, list[int]]
    languages: frozenset[str]
    #: The text of print.css.
    stylesheet: str


def read_stylesheet(config) -> str:
    """The print stylesheet; a missing or unreadable one stops the stage before any work."""
    path = config.templates_dir / STYLESHEET
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MachineError(f"{config.show(path)}: kann nicht gelesen werden: "
                           f"{cause_of(exc)}") from None


def settings_for(project, documents: Iterable) -> Settings:
    config = project.config
    # The stylesheet is read here, once, not in each worker.
    return Settings(config.root, config.templates_dir,
                    (config.templates_dir, config.content_dir), project.hyphenation,
                    frozenset(d.language for d in documents), read_stylesheet(config))


#: A worker's message with the laid-out pages, before the finished PDF follows.
SHOWN = "gezeigt"
#: A worker's first message, when it checked a build's files (`Worker(check=…)`).
CHECKED = "geprüft"


def produce_clean(pages: Iterable, settings: Settings, workers: int):
    """`pdf.produce` for a large project: its workers start from a server process that
    has imported the engine (`pool.run(preload=…)`), not as copies of this one, which
    holds the project; and this one does not import the engine (30 MB more)."""
    from . import pool

    return pool.run(pages, workers, _start_renderer, (settings,), _render_page, _lost,
                    preload=("briefing.pdf",))


def _start_renderer(settings: Settings) -> None:
    from .pdf import start_renderer

    start_renderer(settings)


def _render_page(page: tuple[str, str]) -> Produced:
    from .pdf import render_page

    return render_page(page)


def _lost(page: tuple[str, str]) -> Produced:
    return Produced(problems=[Problem(page[0], None, (
        "Der Setzprozess wurde beendet, bevor dieses Dokument fertig war (zu wenig Speicher?); "
        "bitte erneut bauen"))])


class Worker:
    """One warm process that sets pages for a long-lived caller (the preview), so that the
    time and memory budgets apply to setting alone: the caller's other threads (its web
    server) never run under them; and for a command-line build, which starts it before it
    reads anything (`build(warm=True)`). Start it before the caller starts threads (it
    forks)."""

    def __init__(self, check: Paths | None = None):
        """`check`: a build's project: before anything else the process reads its manifest
        and checks the files it lists (`quick.outputs_checked`), on its own core
        while the build reads the content; `checked` has the answer. `split`: how the
        build shares that check with it (`quick.Split`)."""
        self.split = None
        self._start("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn",
                    check)
        self.settings: Settings | None = None
        #: A setup was sent and its answer not yet read.
        self._pending = False
        #: The check's answer is the first on the pipe, not yet read.
        self._checking = check is not None
        self._checked: tuple | None = None

    def _start(self, method: str, check: Paths | None = None) -> None:
        context = multiprocessing.get_context(method)
        if check is not None:
            from .quick import Split

            self.split = Split(context)
        self.connection, child = context.Pipe()
        # A forked child holds a copy of this end too: it closes it, so that it sees the
        # end of the pipe when this process closes its own.
        ours = self.connection if method == "fork" else None
        self.process = context.Process(target=_serve, args=(child, ours, check, self.split),
                                       daemon=True, name="briefing-setzen")
        # Ctrl-C and `kill` wait until the child has its own handlers (`_serve`); one that
        # came meanwhile is raised here, after the start, and the child ended with it.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _ENDING)
        try:
            self.process.start()
            child.close()
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        except BaseException:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            if self.process.pid is not None:
                self.process.kill()
            raise

    def checked(self) -> tuple | None:
        """`quick.outputs_checked` of the build's project, or None (it failed)."""
        self._take_check()
        return self._checked

    def _take_check(self) -> None:
        if self._checking:
            self._checking = False
            try:
                answer = self.connection.recv()
            except (EOFError, OSError):  # the process died: the build checks itself
                return
            if isinstance(answer, tuple) and answer[0] == CHECKED:
                self._checked = answer[1]

    def setup(self, settings: Settings) -> None:
        """Fonts, stylesheet and hyphenation of the project (again, after a change). Not
        waited for: the worker sets up and warms up while the caller composes its page;
        the next rendering waits for it."""
        self.settings = settings
        for _attempt in range(2):
            try:
                self._answer_setup()  # of a setup before, not yet asked for
                self.connection.send(("setup", settings, False))
                self._pending = True
                return
            except (EOFError, OSError):  # the process died: a new one, set up in turn
                self._restart()
            except _Failed as failed:
                raise failed.args[0] from None

    def _answer_setup(self) -> None:
        self._take_check()
        if self._pending:
            self._pending = False
            _raise_failure(self.connection.recv())

    def render(self, page: tuple[str, str],
               shown: Callable[[Produced], None] | None = None,
               meanwhile: Callable[[Callable[[], bool]], None] | None = None) -> Produced:
        """The finished PDF; `shown` gets the pages first, as soon as they are laid out
        (`pdf.Renderer.render`), and runs here while the worker finishes the PDF;
        `meanwhile` runs here while the worker sets the page, with how to tell that the
        worker has answered (it may leave the rest of its work for later then)."""
        produced = self._ask("render", page, shown, meanwhile)
        return produced if produced is not None else _lost(page)

    def _ask(self, kind: str, payload, shown: Callable[[Produced], None] | None = None,
             meanwhile: Callable[[Callable[[], bool]], None] | None = None):
        failure: BaseException | None = None
        try:
            self._answer_setup()
            self.connection.send((kind, payload, shown is not None))
            if meanwhile is not None:
                try:
                    meanwhile(self.connection.poll)
                except BaseException as exc:  # raised once the worker has answered
                    failure = exc
            answer = _raise_failure(self.connection.recv())
            while isinstance(answer, tuple) and answer[0] == SHOWN:
                if failure is None:
                    try:
                        shown(answer[1])
                    except Exception as exc:  # the caller's fault: raised once the worker
                        failure = exc         # has answered (the pipe stays in step)
                answer = self.connection.recv()
        except (EOFError, OSError):  # the process died (killed, out of memory): a new one
            self._restart()
            if self.settings is not None and kind == "render":
                self._ask("setup", self.settings)
            if failure is not None:
                raise failure from None
            return None
        except _Failed as failed:  # the engine could not be imported or set up there
            raise failed.args[0] from None
        if failure is not None:
            raise failure
        return answer

    def _restart(self) -> None:
        self.process.join(timeout=1)
        if self.process.pid is not None and not self.process.is_alive():
            remove_temp_folders(self.process.pid)  # killed: it could not remove them
        self._start("spawn")  # the caller has threads now: no fork
        self._pending = self._checking = False

    def close(self) -> None:
        self.connection.close()
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.stop()

    def stop(self) -> None:
        """End the process now, whatever it is doing (it writes nothing)."""
        self.process.kill()
        self.process.join()
        self.connection.close()
        if self.process.pid is not None:  # killed: it cannot remove its folders
            remove_temp_folders(self.process.pid)


#: The signals that end a process (the caller's handlers, until the child has its own).
_ENDING = {signal.SIGINT, signal.SIGTERM}
#: A worker's last message, when the engine could not be imported or set up there.
FAILED = "fehlgeschlagen"


class _Failed(Exception):
    """The worker's failure (`FAILED`), to be raised as itself once the pipe is in step."""


def _raise_failure(answer):
    if isinstance(answer, tuple) and len(answer) == 2 and answer[0] == FAILED:
        raise _Failed(answer[1])
    return answer


def _failure(exc: Exception) -> Exception:
    """What the caller raises: a fault of the machine as itself, anything else as a bug
    with its type and text (an exception need not survive pickling)."""
    return exc if isinstance(exc, MachineError) else RuntimeError(f"{type(exc).__name__}: {exc}")


def _serve(connection, parents_end=None, check: Paths | None = None, split=None) -> None:
    """The worker's loop: check the build's files (`check`), set up, then render page
    after page."""
    if parents_end is not None:
        parents_end.close()
    # Ctrl-C in the terminal reaches the whole process group: the caller ends this
    # process (its end of the pipe closes), which must not print a traceback of its own;
    # `kill` ends it at once (the caller's handler, which cleans up, is not ours).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _ENDING)
    if check is not None:
        from .quick import outputs_checked

        try:
            answer = outputs_checked(check, split)
        except Exception:  # a fault or a bug here: the build checks for itself
            answer = None
        try:
            connection.send((CHECKED, answer))
        except OSError:
            return
    # Import the engine while the caller still reads the content: the first page comes
    # sooner.
    try:
        from .pdf import render_page, start_renderer, warm_up
    except Exception as exc:
        with contextlib.suppress(OSError):
            connection.send((FAILED, _failure(exc)))
        return
    while True:
        try:
            kind, payload, early = connection.recv()
        except (EOFError, OSError):
            return
        if kind == "setup":
            from . import hyphenation

            try:
                hyphenation.forget_exceptions()  # a word removed from the list must go too
                start_renderer(payload)
            except Exception as exc:
                with contextlib.suppress(OSError):
                    connection.send((FAILED, _failure(exc)))
                return
            connection.send(True)
            warm_up(payload.languages)
        else:
            produced = render_page(payload, partial(_show, connection) if early else None)
            try:
                connection.send(produced)
            except OSError:  # the caller is gone (the preview was stopped)
                return


def _show(connection, produced: Produced) -> None:
    """Send the laid-out pages ahead (a caller that is gone hears of it at the end)."""
    with contextlib.suppress(OSError):
        connection.send((SHOWN, produced))
