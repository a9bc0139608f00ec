"""Text that is almost a citation marker.

A marker is `[CITATION n]`: the keyword in capitals, one space, and a positive
number without leading zeros, or a list (`[CITATION 1, 3]`) or range
(`[CITATION 2-4]`, `[CITATION 2–4]`) of them, optionally followed by a comma
and a locator that names the part of the source: `[CITATION 1, p. 4]`,
`[CITATION 1, pp. 4–5]`, `[CITATION 2, ch. 3]`, `[CITATION 2, §4]`,
`[CITATION 1, 3, fig. 2]`. A locator starts with one of `p.`, `pp.`, `ch.`,
`chap.`, `§`, `§§`, `¶`, `fig.`, `figs.`, `para.`, `sec.`, `vol.`, `n.`, `nn.`,
`l.`, `ll.`, `col.`, `tab.`, `app.`, `art.`, `pt.`, `fol.`, `no.`, `loc.`, `bk.`,
`fn.`, or the words page, chapter, section, figure, table, note, line, appendix,
part, volume, column, paragraph, book or at, and runs to the closing bracket; the
numbers before it are what the marker cites, and `citelint fix` renumbers them and
keeps the locator. A marker may be hard-wrapped over lines of its paragraph, as
pandoc, Prettier and editors' reflow write it (`[CITATION` at the end of a line,
`1]` on the next): a line break inside is a space, as Markdown renders it, and
`fix` keeps it, written with the file's own line ending. A blank line ends a
marker, and so does a line of another block, as Markdown renders it: a `#`
heading ends with its line, and a line that starts a quote, a list item, a
heading or a code block is a block of its own (`## Results [CITATION` with `2]`
on the next line is a marker never closed, not a citation).

Near-misses are reported: the wrong case (`[Citation 2]`), the plural
(`[CITATIONS 2]`), the keyword misspelt by one letter (`[CITATON 2]`,
`[CITATOIN 2]`: looked for in capitals, for a keyword of six letters or more),
parentheses or braces for the brackets (`(CITATION 2)`, `{CITATION 2}`), no
opening bracket (`CITATION 2]`), a colon, `#` or `No.` before the number (`[CITATION: 2]`,
`[CITATION #2]`), fullwidth brackets (`【CITATION 2】`, `［CITATION 2］`), no
number (`[CITATION]`), words (`[CITATION two]`), zero or leading zeros, a reversed
range, a marker never closed (on its line, or over a few wrapped lines), stray
spaces (`[ CITATION 3 ]`, `[CITATION  3]`), a locator without its comma
(`[CITATION 2 p. 4]`), digits other than 0-9 (`[CITATION ٣]`), a no-break, thin or
zero-width space, an em dash or minus sign, or a fullwidth comma copied in from a
word processor or web page (shown as `<U+00A0>`: it looks like a marker and is not
one; an invisible character such as a zero-width space or a soft hyphen counts even
between the keyword's letters), brackets written as HTML character references (`&#91;CITATION 2&#93;`, which
renders as a marker), a range of more than 500 references, and a number of more
than nine digits (no list holds a billion references). A wrong-case keyword counts
only when what follows it is empty or number-like, so `[citation needed]` is prose,
and one with no number that Markdown makes a link is a link: `[Citation](#type)`,
`[Citations]` with a `[Citations]: #type` definition, a span `[Citation]{.x}`.
Escaped brackets, as exporters write them (`\\[CITATION 3\\]`), render as a
marker and are one. `citelint fix` rewrites the near-misses whose intent is clear
and leaves the others for you; while a near-miss that holds a number cannot be read
(`[CITATION 1, see xyz]`), `fix` does not move the reference list under it.

In the numbered styles (`marker-style = "brackets"` or `"superscript"`) a marker
is `[1]`, `[1, 3]`, `[2-4]`, `[1]–[3]`, `[1, p. 4]`, or `<sup>1,3</sup>` and pandoc's
`^1,3^`, and only the clear near-misses are reported, since Markdown writes
brackets and carets for much else (`[0]`, `[0-9]`, `[3-1]` and `x^2^` are not
reported): numbers separated by `;` (`[1; 3]`, `<sup>1; 3</sup>`, `^1;3^`), stray
spaces (`[ 1 ]`, `[1 - 3]`, `[1 ,3]`), and a lookalike space, dash or comma copied
in; `fix` rewrites them (`[1, 3]`, `<sup>1, 3</sup>`, `^1,3^`) when the chapter's
list holds their numbers. One it does not (`bits [7;4] of the byte` where the list
has no entry 7) is as likely a range as a citation: it is reported (with CIT001)
and left as written.

Failing:

```markdown
The treaty was signed in 2023. [Citation 1]

## References

1. "The Treaty." Example News, 2023. https://example.com/treaty
```

Passing:

```markdown
The treaty was signed in 2023. [CITATION 1]

## References

1. "The Treaty." Example News, 2023. https://example.com/treaty
```
"""

from __future__ import annotations

from typing import Iterator

from citelint.catalog import rule
from citelint.chapter import Chapter
from citelint.diagnostics import Diagnostic, Edit, Fix, shorten

RULE = rule("CIT005")


def check(chapter: Chapter) -> Iterator[Diagnostic]:
    for marker in chapter.markers:
        if marker.problem is None:
            continue
        fix = None
        message = f"malformed citation marker: {marker.problem}"
        unlisted = chapter.unlisted_near_miss(marker)
        if unlisted is not None:
            numbers = ", ".join(map(str, unlisted))
            message += f" if it is a citation (the list has no entry {numbers}; `fix` leaves it as written)"
        elif marker.replacement is not None:
            line, column = chapter.document.position(marker.start)
            end_line, end_column = chapter.document.position(marker.end)
            edit = Edit(line, column, end_line, end_column, marker.replacement)
            fix = Fix(f"replace `{marker.shown}` with `{shorten(marker.replacement)}`", (edit,))
        yield chapter.finding(RULE, marker.start, marker.end, message, fix)
