"""Warm worker processes: each sets up once, then works through payloads as they come.

Generic on purpose: an output stage gives a `setup` (run once per process, e.g. fonts and
stylesheet) and a `work` function (one payload → one result). Keys stay in the parent,
only payloads travel, so results map back to their jobs without bookkeeping. Workers are
forked where possible, so they inherit what the parent already imported and loaded.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice
from typing import Any, TypeVar

K = TypeVar("K")
R = TypeVar("R")

#: Tasks per worker given to the pool at a time.
IN_FLIGHT = 3


def run(
    tasks: Iterable[tuple[K, Any]],
    workers: int,
    setup: Callable[..., None],
    setup_args: tuple,
    work: Callable[[Any], R],
    lost: Callable[[Any], R],
    preload: tuple[str, ...] = (),
) -> Iterator[tuple[K, R]]:
    """Yield (key, result) for every (key, payload) as results finish.

    With `workers` > 1 (and more than one task) a pool of processes works; otherwise this
    process does, after the same `setup`. `tasks` may be a generator: it is drawn from as
    the workers have room (a few tasks each in flight), so preparing the next payload
    overlaps with the work, and memory does not grow with the number of tasks.
    `lost(payload)` is the result for a task whose worker died (killed, out of memory).
    `preload`: the workers are forked from a server process that has imported these
    modules, not from this one (`setting.produce_clean`).
    """
    tasks = iter(tasks)
    first = list(islice(tasks, 2))
    if workers == 1 or len(first) < 2:
        setup(*setup_args)
        for key, payload in chain(first, tasks):
            yield key, work(payload)
        return
    methods = multiprocessing.get_all_start_methods()
    method = "forkserver" if preload and "forkserver" in methods else \
        "fork" if "fork" in methods else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(list(preload))
    source = chain(first, tasks)
    # A few tasks per worker in flight, the next made as one finishes: all at once, a full
    # re-render of thousands of pages held every page in memory (at 5,000 releases, most
    # of 430 MB).
    window = workers * IN_FLIGHT
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=setup, initargs=setup_args) as pool:
        futures: dict = {}

        def fill() -> list[tuple[K, Any]]:
            """Submit tasks up to the window; those a broken pool refuses (a worker died)
            are returned, each lost."""
            refused = []
            while len(futures) < window:
                task = next(source, None)
                if task is None:
                    break
                try:
                    futures[pool.submit(work, task[1])] = task
                except BrokenProcessPool:
                    refused.append(task)
            return refused

        try:
            refused = fill()
            while futures:
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                finished = []
                for future in done:
                    key, payload = futures.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        result = lost(payload)
                    finished.append((key, result))
                refused += fill()  # (the workers go on while the caller takes the results)
                yield from finished
            for key, payload in refused + fill():
                yield key, lost(payload)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
