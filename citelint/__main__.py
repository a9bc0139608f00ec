"""``python -m citelint`` and the ``citelint`` console script: the command line, with
the garbage collector's pace set before anything is imported.

A run allocates many small values that live until it ends (the imports' own, a book's
entries and book-numbering summaries) and makes few reference cycles, so the
collector's default pace (a collection every 700 allocations, each young value examined
again and again) spent ~3 ms of a one-chapter check in the imports and ~80 ms of a
200-chapter book in book numbering. Every 50,000 allocations, with the imports' values
frozen (left out of every collection), it spends ~0 and ~15 ms; reference counting
still frees everything that is not in a cycle at once. ``citelint/__init__.py`` does
not import ``typing``, so that the pace is set before almost anything is imported. Only the
command line's process is paced so: ``import citelint`` (editors, scripts) leaves the
collector as its host set it.
"""

import gc

YOUNG_COLLECTION_ALLOCATIONS = 50_000


def main() -> None:
    gc.set_threshold(YOUNG_COLLECTION_ALLOCATIONS, 10, 10)
    from citelint.cli import main as command_line

    gc.freeze()  # what the imports made lives to the end: no collection examines it again
    command_line(prog_name="citelint")


if __name__ == "__main__":
    main()
