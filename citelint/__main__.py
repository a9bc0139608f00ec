"""``python -m citelint`` and the ``citelint`` console script: the command line, with
the garbage collector's pace set before anything is imported, and a process that ends
without tearing down what it no longer needs.

A run allocates many small values that live until it ends (the imports' own, a book's
entries and book-numbering summaries) and makes few reference cycles, so the
collector's default pace (a collection every 700 allocations, each young value examined
again and again) spent ~3 ms of a one-chapter check in the imports and ~80 ms of a
200-chapter book in book numbering. Every 50,000 allocations, with the imports' values
frozen (left out of every collection), it spends ~0 and ~15 ms; reference counting
still frees everything that is not in a cycle at once. ``citelint/__init__.py`` does
not import ``typing``, so that the pace is set before almost anything is imported.

When the command is done, the interpreter's own teardown (freeing every module and
value one by one, and collecting) took ~6 ms of a one-chapter check and ~80 ms after
a ``--urls`` run, for memory the system takes back at once. So once the command has
returned, its output is flushed, the exit handlers are run and the process ends
(``_leave``); every file citelint writes is written whole and closed before that
(``atomic_write``, the caches' SQLite transactions). It ends the usual way when
citelint is not the process's program (a script that calls ``main`` goes on after
it), when another thread (not a daemon) still runs, when a profiler, tracer or debugger is
attached (it writes what it saw after the command returns), when the output cannot be
flushed (a closed pipe: Python reports it as always), or when the exit status is not
a number.

Only the command line's process does either: ``import citelint`` (editors, scripts)
leaves the collector and the interpreter's exit as its host set them.
"""

import gc
import sys

YOUNG_COLLECTION_ALLOCATIONS = 50_000


def main() -> None:
    gc.set_threshold(YOUNG_COLLECTION_ALLOCATIONS, 10, 10)
    import os

    from citelint.check_options import read_plain

    parameters = read_plain(sys.argv[1:], os.environ)
    try:
        if parameters is not None:  # a plain check: run without importing click
            from citelint.check_command import run_plain

            gc.freeze()  # what the imports made lives to the end: no collection examines it again
            run_plain(parameters)
        from citelint.cli import main as command_line

        gc.freeze()
        command_line(prog_name="citelint")
    except SystemExit as exit:
        _leave(exit.code)
        raise
    _leave(0)


def _leave(code: object) -> None:
    """End the process now with ``code`` (None: 0), skipping the interpreter's
    teardown; return instead (the caller exits the usual way) when that could lose
    or change anything."""
    import atexit
    import os

    status = 0 if code is None else code
    if not isinstance(status, int) or not _the_program() or _threads_still_running() or _observed():
        return
    if not _flushed():
        return
    atexit._run_exitfuncs()  # what the imports asked to run at exit (none in a plain check); run once
    if _flushed():
        os._exit(status)


def _flushed() -> bool:
    """Whether the output went out whole; False on a closed pipe or stream, which the
    usual exit reports as it always did."""
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return False
    return True


def _the_program() -> bool:
    """Whether citelint is this process's program (the ``citelint`` console script, or
    ``python -m citelint``), not a script that calls ``main`` and goes on after it."""
    import os

    first = sys.argv[0] if sys.argv else ""
    return os.path.basename(first) in ("citelint", "citelint.exe") or os.path.abspath(first) == os.path.abspath(__file__)


def _observed() -> bool:
    """Whether a profiler, tracer or debugger is attached (``python -m cProfile -m
    citelint``, coverage, pdb): it writes what it saw after the command returns."""
    return sys.getprofile() is not None or sys.gettrace() is not None


def _threads_still_running() -> bool:
    """Whether a thread other than this one, and not a daemon, is alive: the usual
    exit waits for it."""
    threading = sys.modules.get("threading")
    if threading is None:
        return False
    return any(thread is not threading.main_thread() and not thread.daemon for thread in threading.enumerate())


if __name__ == "__main__":
    main()
