"""Warm worker processes: each sets up once, then works through payloads as they come.

Generic on purpose: an output stage gives a `setup` (run once per process, e.g. fonts and
stylesheet) and a `work` function (one payload → one result). Keys stay in the parent,
only payloads travel, so results map back to their jobs without bookkeeping. Workers are
forked where possible, so they inherit what the parent already imported and loaded.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice
from typing import Any, TypeVar

K = TypeVar("K")
R = TypeVar("R")


def run(
    tasks: Iterable[tuple[K, Any]],
    workers: int,
    setup: Callable[..., None],
    setup_args: tuple,
    work: Callable[[Any], R],
    lost: Callable[[Any], R],
) -> Iterator[tuple[K, R]]:
    """Yield (key, result) for every (key, payload) as results finish.

    With `workers` > 1 (and more than one task) a pool of processes works; otherwise this
    process does, after the same `setup`. `tasks` may be a generator: each payload goes to
    a worker as soon as it is made, so preparing the next one overlaps with the work.
    `lost(payload)` is the result for a task whose worker died (killed, out of memory).
    """
    tasks = iter(tasks)
    first = list(islice(tasks, 2))
    if workers == 1 or len(first) < 2:
        setup(*setup_args)
        for key, payload in chain(first, tasks):
            yield key, work(payload)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method),
                             initializer=setup, initargs=setup_args) as pool:
        futures = {pool.submit(work, payload): (key, payload)
                   for key, payload in chain(first, tasks)}
        try:
            for future in as_completed(futures):
                key, payload = futures[future]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    result = lost(payload)
                yield key, result
        except BaseException:
            for future in futures:
                future.cancel()
            raise
