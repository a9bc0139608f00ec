"""Time book numbering (``numbering = "book"``) against per-chapter ``check`` on the same book.

    python benchmarks/bench_book.py [--chapters 200] [--runs 7] [--work DIR]

Issue 19's bound: a 200-chapter book in book mode within 1.2x the time of
per-chapter ``check`` on the same book, and an unchanged book from the result
cache as fast as today. The book is ``generate_book``'s, with its numbers run on
across the chapters (chapter 2's markers and labels continue where chapter 1's
list ends), so that it is a book-numbered book; the same files are checked with
two configuration files that differ only in ``numbering``. Runs are alternated
(per chapter, book, per chapter, book, ...) and the medians' ratio printed:
cold (``--no-cache``; default jobs and ``--jobs 1``) and warm (unchanged, from
the result cache). Not part of the test suite: the numbers are for reading.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_book import chapter  # noqa: E402

PYTHON = sys.executable
_SCRIPT = Path(PYTHON).with_name("citelint")
CITELINT = [str(_SCRIPT)] if _SCRIPT.exists() else [PYTHON, "-m", "citelint"]
MARKER = re.compile(r"\[CITATION ([0-9, -]+)\]")
LABEL = re.compile(r"^(\[?)(\d+)([.\]] Author )", re.MULTILINE)
ENTRY = re.compile(r"^(?:\d+\. |\[\d+\] |- )?Author \d+, A\. ", re.MULTILINE)


def run_on(text: str, offset: int) -> str:
    """A chapter of ``generate_book`` with its markers and labels moved up by ``offset``."""
    shift = lambda match: str(int(match.group(0)) + offset)  # noqa: E731
    text = MARKER.sub(lambda m: "[CITATION " + re.sub(r"\d+", shift, m.group(1)) + "]", text)
    return LABEL.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + offset}{m.group(3)}", text)


def generate_book_numbered(folder: Path, chapters: int, seed: int = 38, per_chapter: Path | None = None) -> int:
    """Write a book whose numbering runs on across its chapters (and, to
    ``per_chapter``, the same book numbered per chapter); return its entries."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    if per_chapter is not None:
        per_chapter.mkdir(parents=True, exist_ok=True)
    offset = 0
    for index in range(1, chapters + 1):
        text = chapter(index, rng)
        name = f"chapter-{index:03d}.md"
        (folder / name).write_text(run_on(text, offset), encoding="utf-8")
        if per_chapter is not None:
            (per_chapter / name).write_text(text, encoding="utf-8")
        offset += len(ENTRY.findall(text))
    return offset


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def compare(name: str, extra: list[str], cwd: Path, runs: int, per_chapter_book: str = "book") -> float:
    """Per-chapter check (of ``per_chapter_book``) and book numbering (of ``book``)
    alternated; the medians and their ratio."""
    chapter_times, book_times = [], []
    for _ in range(runs):
        chapter_times.append(timed([*CITELINT, "check", "--config", "chapter-numbering.toml", *extra, per_chapter_book], cwd))
        book_times.append(timed([*CITELINT, "check", "--config", "book-numbering.toml", *extra, "book"], cwd))
    per_chapter, book = statistics.median(chapter_times), statistics.median(book_times)
    ratio = book / per_chapter
    print(f"{name:<36} per chapter {per_chapter:7.3f} s   book {book:7.3f} s   ratio {ratio:5.2f}   (target <= 1.2)")
    return ratio


def findings(config: str, cwd: Path, book: str = "book") -> int:
    out = subprocess.run([*CITELINT, "check", "--no-cache", "--config", config, "--format", "json", book], cwd=cwd, capture_output=True, text=True, check=False).stdout
    return out.count('"code"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--work", type=Path, help="keep the book here (default: a temporary folder)")
    arguments = parser.parse_args()
    work = arguments.work or Path(tempfile.mkdtemp(prefix="citelint-bench-book-"))
    try:
        entries = generate_book_numbered(work / "book", arguments.chapters, per_chapter=work / "book-per-chapter")
        (work / "chapter-numbering.toml").write_text('numbering = "chapter"\n', encoding="utf-8")
        (work / "book-numbering.toml").write_text('numbering = "book"\n', encoding="utf-8")
        print(f"python {sys.version.split()[0]}, {arguments.chapters} chapters, {entries} references, median of {arguments.runs} alternated runs")
        print(
            f"findings (no cache): book numbering {findings('book-numbering.toml', work)}; per chapter, the same files "
            f"{findings('chapter-numbering.toml', work)}, the book numbered per chapter {findings('chapter-numbering.toml', work, 'book-per-chapter')}"
        )
        print("the same files, per chapter and in book numbering:")
        compare("cold (--no-cache)", ["--no-cache"], work, arguments.runs)
        compare("cold (--no-cache, --jobs 1)", ["--no-cache", "--jobs", "1"], work, arguments.runs)
        for config, book in (("chapter-numbering.toml", "book"), ("chapter-numbering.toml", "book-per-chapter"), ("book-numbering.toml", "book")):  # fill the caches
            subprocess.run([*CITELINT, "check", "--config", config, book], cwd=work, stdout=subprocess.DEVNULL, check=False)
        compare("warm (unchanged, result cache)", [], work, arguments.runs)
        print("each book in its own numbering (the per-chapter run is not slowed by reporting the other's numbers as findings):")
        compare("cold (--no-cache)", ["--no-cache"], work, arguments.runs, "book-per-chapter")
        compare("cold (--no-cache, --jobs 1)", ["--no-cache", "--jobs", "1"], work, arguments.runs, "book-per-chapter")
        compare("warm (unchanged, result cache)", [], work, arguments.runs, "book-per-chapter")
    finally:
        if arguments.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
