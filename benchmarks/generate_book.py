"""Generate realistic books for the benchmarks: ``python benchmarks/generate_book.py OUT --chapters N``.

Each chapter has headings, prose paragraphs with markers (single, lists,
ranges), some block quotes, bullet lists and code blocks (with markers in
them that are not citations), and a reference list: headed (ordered, bullets
or `[n]` lines) in most chapters, unheaded at the end in some. About 5,000
words a chapter: 200 chapters make a book of about a million words.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

WORDS = (
    "the summit between leaders was a watershed moment marking transformation from isolated pariah to critical partner "
    "in war effort choice of venue cosmodrome spaceport signal ambition technology missile satellite munitions shells "
    "artillery intelligence agencies warned imminent massive arms deal between two states opportunity sanctions regime "
    "economy delegation defense minister officials military industrial complex cooperation friendship statements public"
).split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    return " ".join(words).capitalize() + "."


def marker(rng: random.Random, number: int, count: int) -> str:
    kind = rng.random()
    if kind < 0.08 and number + 2 <= count:
        return f"[CITATION {number}-{number + 2}]"
    if kind < 0.16 and number > 1:
        return f"[CITATION {rng.randint(1, number - 1)}, {number}]"
    return f"[CITATION {number}]"


def chapter(index: int, rng: random.Random, words: int = 5000) -> str:
    count = rng.randint(15, 40)
    parts = [f"# Chapter {index}\n"]
    cited = 0
    written = 0
    section = 0
    while written < words:
        if written // 900 >= section:
            section += 1
            parts.append(f"## {index}.{section} {sentence(rng)[:-1]}\n")
        roll = rng.random()
        if roll < 0.05:
            parts.append("```python\nprint('[CITATION 99] in code is not a citation')\n```\n")
            continue
        if roll < 0.09:
            parts.append("> " + sentence(rng) + " " + sentence(rng) + "\n")
        if roll < 0.13:
            parts.append("\n".join(f"- {sentence(rng)}" for _ in range(3)) + "\n")
        paragraph = []
        for _ in range(rng.randint(3, 7)):
            paragraph.append(sentence(rng))
            if rng.random() < 0.35:
                cited = min(count, cited + 1) if rng.random() < 0.7 or cited == 0 else cited
                paragraph.append(marker(rng, max(1, cited), count))
        if rng.random() < 0.1:
            paragraph.append("Use `[CITATION 5]` as the marker form.")
        text = " ".join(paragraph)
        written += len(text.split())
        parts.append(text + "\n")
    entries = [
        f'Author {n}, A. "{sentence(rng)[:60]}" Publisher {n}, {1990 + n % 30}. https://example.org/{index}/{n}'
        for n in range(1, cited + 1)
    ]
    style = rng.random()
    if style < 0.15:
        parts.append("\n".join(entries) + "\n")  # unheaded trailing block
    elif style < 0.55:
        parts.append("## References\n\n" + "\n".join(f"{n}. {entry}" for n, entry in enumerate(entries, 1)) + "\n")
    elif style < 0.8:
        parts.append("## Sources\n\n" + "\n".join(f"- {entry}" for entry in entries) + "\n")
    else:
        parts.append("## Notes\n\n" + "\n".join(f"[{n}] {entry}" for n, entry in enumerate(entries, 1)) + "\n")
    return "\n".join(parts)


def generate(folder: Path, chapters: int, seed: int = 38) -> int:
    """Write the chapters; return the number of words."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for index in range(1, chapters + 1):
        text = chapter(index, rng)
        total += len(text.split())
        (folder / f"chapter-{index:03d}.md").write_text(text, encoding="utf-8")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--chapters", type=int, default=200)
    parser.add_argument("--seed", type=int, default=38)
    arguments = parser.parse_args()
    words = generate(arguments.folder, arguments.chapters, arguments.seed)
    print(f"{arguments.chapters} chapters, {words} words in {arguments.folder}")


if __name__ == "__main__":
    main()
