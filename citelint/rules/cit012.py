"""A suppression comment names a rule code that does not exist.

`<!-- citelint-disable CIT06 -->` with a typo suppresses nothing (or, as a
prefix, more than meant), and the finding it was written for comes back. A
code in a `citelint-disable`, `-enable`, `-disable-line`, `-disable-next-line`
or `-disable-file` comment must be a rule code (`citelint rules`) or a prefix
of one. Reported at the comment.

Failing:

```markdown
<!-- citelint-disable CIT999 -->
A claim. [CITATION 1]

## References

1. "A Source." Example Press, 2019. https://example.com/source
```

Passing:

```markdown
<!-- citelint-disable CIT006 -->
A claim [CITATION 1].

## References

1. "A Source." Example Press, 2019. https://example.com/source
```
"""

from __future__ import annotations

from typing import Iterator

from citelint.chapter import Chapter
from citelint.catalog import CODES, rule
from citelint.diagnostics import Diagnostic
from citelint.suppress import unknown_directive_codes

RULE = rule("CIT012")
WHOLE_FILE = True  # judged once per file, also in a book compiled into one file


def check(chapter: Chapter) -> Iterator[Diagnostic]:
    for directive, codes in unknown_directive_codes(list(chapter.directives), CODES):
        names = ", ".join(codes)
        message = f"citelint-{directive.kind} names unknown rule code(s) {names}; see `citelint rules`"
        yield chapter.finding(RULE, directive.start, directive.end, message)
