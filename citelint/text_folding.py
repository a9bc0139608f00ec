"""Text folded for comparison, the fast way for ASCII text: letters lower-cased,
each run of anything but letters and digits one space, the ends trimmed. What the
pattern ``[\\W_]+`` replaced by a space, case-folded and stripped makes of an ASCII
text (for one, the two orders give the same), ~4x faster. CIT007 compares two
entries' texts by it, ``cited_work.comparable`` two entries' fields; each keeps its
own reading of other texts (accents, and which of the two comes first, matter there),
with ``NOT_WORD``, the pattern's one home."""

import re

NOT_WORD = re.compile(r"[\W_]+")  # what is not a letter or a digit: a word's end
# Each ASCII byte: a letter lower-cased, a digit kept, anything else a space.
_FOLDED = bytes((code | 0x20 if chr(code).isalpha() else code) if chr(code).isalnum() else 0x20 for code in range(128)) + b" " * 128


def ascii_folded(text: str) -> str:
    """``text`` (ASCII: ``text.isascii()``) folded for comparison."""
    return " ".join(text.encode("ascii").translate(_FOLDED).decode("ascii").split())
