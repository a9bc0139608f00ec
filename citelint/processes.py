"""The ``--jobs`` fan-out: run a function over many files in parallel processes,
with outcomes identical to a serial run (``check_files`` hands it the reading and
linting of one file).

The files are split into shares of about equal size; the process works through
one share itself and forks a child for each of the others, which sends its
results back through a pipe. Plain ``os.fork`` rather than ``multiprocessing``: a
pool costs more to import and start (~30 ms) than linting a few chapters, and the
children inherit the parsed settings, the cache's index and the compiled patterns
for free. A child that fails or dies is not trusted: its share is done again here.

Memory: linting a file takes up to ~40 times its size, so the files linted at once
hold at most IN_FLIGHT_CHARS bytes between them. Each process reads and lints one
file at a time, so a file over IN_FLIGHT_CHARS / jobs is kept out of the shares and
done here alone, after the children are done: the ceiling holds for the whole run.
"""

from __future__ import annotations

import os
from typing import Callable, Optional, TypeVar

from citelint.config import Settings

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")
# The bytes of the files being linted at once, by all processes together
# (the largest file read, 16 MiB, is linted alone).
IN_FLIGHT_CHARS = 16 * 1024 * 1024


def run_in_processes(
    work: Callable[[Item, Settings], Outcome],
    items: list[Item],
    sizes: list[int],
    settings: Settings,
    jobs: int,
    warm_up: Optional[Callable[[Settings], object]] = None,
) -> Optional[list[Outcome]]:
    """``work`` over every item (a file of ``sizes[i]`` bytes): the outcomes in the
    order of ``items``, or None where processes cannot be forked. ``warm_up`` is run
    once before forking, so that the children inherit what it imports and compiles."""
    if not hasattr(os, "fork") or jobs < 2:
        return None
    if warm_up is not None:
        warm_up(settings)
    shares, alone = schedule(sizes, jobs)
    own, *others = shares
    children: list[tuple[int, int, list[int]]] = []
    for share in others:
        child = _fork(work, share, items, settings)
        if child is None:
            own += share  # no process to be had: do it here
        else:
            children.append(child)
    outcomes: dict[int, Outcome] = {}
    for index in own:
        outcomes[index] = work(items[index], settings)
    for pid, read_end, share in children:
        results = _collect(pid, read_end, len(share))
        if results is None:
            results = [work(items[index], settings) for index in share]
        for index, outcome in zip(share, results):
            outcomes[index] = outcome
    for index in alone:  # every child is done: nothing else is being linted
        outcomes[index] = work(items[index], settings)
    return [outcomes[index] for index in range(len(items))]


def schedule(sizes: list[int], jobs: int) -> tuple[list[list[int]], list[int]]:
    """The shares of the processes (see ``split``; the first is this process's) and
    the files too large to be linted beside others, linted alone afterwards."""
    limit = IN_FLIGHT_CHARS // jobs
    alone = [index for index, size in enumerate(sizes) if size > limit]
    shared = [index for index, size in enumerate(sizes) if size <= limit]
    shares = split([sizes[index] for index in shared], jobs)
    return [[shared[position] for position in share] for share in shares] or [[]], alone


def split(sizes: list[int], jobs: int) -> list[list[int]]:
    """Indices of the files in ``jobs`` shares of about equal size (largest file
    first, each to the lightest share), each share in order."""
    shares: list[list[int]] = [[] for _ in range(min(jobs, len(sizes)))]
    loads = [0] * len(shares)
    for index in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        lightest = loads.index(min(loads))
        shares[lightest].append(index)
        loads[lightest] += sizes[index] + 1
    return [sorted(share) for share in shares]


def _fork(work: Callable[[Item, Settings], object], share: list[int], items: list[Item], settings: Settings) -> Optional[tuple[int, int, list[int]]]:
    import pickle  # here, before the fork: a run that forks no child (check --urls reads IN_FLIGHT_CHARS) does not import it

    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: lint the share, send the results, never return
        os.close(read_end)
        status = 1
        try:
            data = pickle.dumps([work(items[index], settings) for index in share], pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end, share


def _collect(pid: int, read_end: int, count: int) -> Optional[list]:  # type: ignore[type-arg]
    """A child's results, or None when it failed or sent something else."""
    import pickle

    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0:
        return None
    try:
        results = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a truncated message is a failed child
        return None
    return results if isinstance(results, list) and len(results) == count else None
