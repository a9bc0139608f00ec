"""Safe renumbering: a plan from the parsed chapter -> edits -> applied end-to-start -> verified.

Markers are renumbered in order of first citation and the reference list is
permuted to match; references nobody cites keep their relative order after
the cited ones. Near-miss markers whose intent is clear are normalised. Every
byte outside the edited markers and the moved entries is kept as it was.

When the renumbering would be a guess (a cited number has no entry, there is
no reference list, two entries share a label), nothing is changed and the
reason is given.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Iterator, Optional, Sequence

from citelint.catalog import RENUMBERING_CODES
from citelint.chapter import Chapter
from citelint.config import Settings
from citelint.diagnostics import Diagnostic, Edit, Fix
from citelint.files import reads_as_plain_text
from citelint.markers import Marker, defined_labels, in_form, list_separator, masked, read_parts, written_marker
from citelint.references import Entry, ReferenceList
from citelint.rules import cit003, cit004, cit011
from citelint.selection import Selection


class Refusal(Exception):
    """The fix would be ambiguous; the file is left as it is."""


@dataclass(frozen=True)
class TextEdit:
    """Replace ``source[start:end]`` (offsets into the original source) with ``text``."""

    start: int
    end: int
    text: str


@dataclass
class FixResult:
    """What fixing one chapter's text did, or why it did nothing."""

    text: str
    renumbered: int = 0
    normalised: int = 0
    moved: int = 0
    relabelled: int = 0
    refused: Optional[str] = None
    notes: list[str] = field(default_factory=list)
    numbering_kept: bool = False  # a renumbering finding is not wanted: numbers and list stay

    @property
    def changed(self) -> bool:
        return self.refused is None and (self.renumbered or self.normalised or self.moved or self.relabelled) > 0

    def summary(self) -> str:
        parts = []
        for count, what in (
            (self.renumbered, "renumbered {} marker{}"),
            (self.normalised, "normalised {} malformed marker{}"),
            (self.moved, "moved {} reference{}"),
            (self.relabelled, "relabelled {} reference{}"),
        ):
            if count:
                parts.append(what.format(count, "" if count == 1 else "s"))
        return ", ".join(parts) if parts else "nothing to fix"


def fix_source(source: str, settings: Settings | None = None, path: str = "", names: Optional[tuple[str, ...]] = None) -> FixResult:
    """Renumber one chapter's text. Returns the new text, or the unchanged text and a
    refusal. ``path`` is the file's name; ``names`` how per-file ignores match it
    (``config.project_names``; by default the path as given)."""
    chapter = Chapter.parse(source, settings or Settings(), reads_as_plain_text(path))
    return fix_chapter(chapter, path, Selection.of(chapter, path, names))[0]


def fix_chapter(chapter: Chapter, path: str = "", selection: Optional[Selection] = None) -> tuple[FixResult, list[TextEdit]]:
    """Fix a parsed chapter (each chapter of a compiled book on its own, as one
    transaction): the result, and the edits (offsets into its source) that made it.
    ``selection``: the file's, when the caller has it already."""
    source = chapter.document.source
    selection = selection or Selection.of(chapter, path)
    if selection.file_disabled():
        return FixResult(source), []  # <!-- citelint-disable-file -->: leave the file as it is
    plans: list[_Plan] = []
    edits: list[TextEdit] = []
    notes: list[str] = []
    for part in chapter.chapters():
        try:
            plan, held = _part_plan(part, selection)
            edits += plan.edits(source)
        except Refusal as refusal:
            return FixResult(source, refused=_in_part(chapter, part, str(refusal))), []
        plans.append(plan)
        notes += [_in_part(chapter, part, held)] if held is not None else []
        try:
            notes += [_in_part(chapter, part, note) for note in markers_left_as_written(part, plan.mapping)]
        except Refusal as refusal:
            return FixResult(source, refused=_in_part(chapter, part, str(refusal))), []
    kept = bool(notes)
    if not edits:
        return FixResult(source, notes=notes, numbering_kept=kept), []  # nothing to change, nothing to verify
    new_source = apply_edits(source, edits)
    counts = [sum(getattr(plan, what) for plan in plans) for what in ("renumbered", "normalised", "moved", "relabelled")]
    result = FixResult(new_source, *counts, notes=notes, numbering_kept=kept)
    after = Chapter.parse(new_source, chapter.settings, chapter.document.plain_text)
    problem = verify(chapter, after, selection, renumbered=not kept)
    if problem is not None:
        return FixResult(source, refused=f"the renumbering did not verify ({problem}); please report this"), []
    return result, edits


def numbering_held(chapter: Chapter, selection: Selection) -> Optional[str]:
    """Why fix keeps the numbering of a chapter that a renumbering finding asks to
    renumber because of a near-miss left as written (``_left_near_miss_renumbered``);
    None when it does not (a refusal is the chapter's ``renumbering_blocker``)."""
    for part in chapter.chapters():
        renumber, _ = _numbering_decision(part, selection)
        if not renumber:
            continue
        try:
            plan = _Plan(part, leave=_near_misses_left(part, selection))
        except Refusal:
            return None
        held = _left_near_miss_renumbered(plan, "CIT005" in selection.codes)
        if held is not None:
            return _in_part(chapter, part, held)
    return None


def mapping_refusal(chapter: Chapter, selection: Selection) -> Optional[str]:
    """Why fix refuses once it knows the new numbers (``markers_left_as_written``: a
    bracket glued to a word, a superscript that is also a link, a number a link
    definition would take), or None: for check's advice to say what fix does."""
    for part in chapter.chapters():
        try:
            plan, _ = _part_plan(part, selection)
            markers_left_as_written(part, plan.mapping)
        except Refusal as refusal:
            return _in_part(chapter, part, str(refusal))
    return None


def _part_plan(chapter: Chapter, selection: Selection) -> tuple["_Plan", Optional[str]]:
    """The plan for one chapter, and why its numbering is kept (None when it is not)."""
    renumber, held = _numbering_decision(chapter, selection)
    leave = _near_misses_left(chapter, selection)
    plan = _Plan(chapter, keep_numbering=not renumber, leave=leave)
    if renumber and (left_held := _left_near_miss_renumbered(plan, "CIT005" in selection.codes)) is not None:
        held = left_held  # a near-miss left as written cannot take a new number
        plan = _Plan(chapter, keep_numbering=True, leave=leave)
    return plan, held


MAX_LEFT_NOTES = 3  # markers left as written that are named one by one; the rest are counted


def markers_left_as_written(chapter: Chapter, mapping: dict[int, int]) -> list[str]:
    """Notes on the markers a renumbering (``mapping``: old number -> new) leaves as
    written though it changes their number: one in a comment or a link reference
    definition's title is not read (as one in code is not), so it now names another
    source, and the writer is told so. A ``[CITATION n]`` in the prose that the parse
    did not read (``Chapter.unread_markers`` reads the text without it) would do so
    silently: it refuses the renumbering. In the brackets and superscript styles the
    parse leaves out some such text on purpose (``[2003]`` in a quotation, ``m<sup>3</sup>``)."""
    notes: list[str] = []
    settings = chapter.settings
    _refuse_linked_superscripts(chapter, mapping)
    _refuse_new_links(chapter, mapping)
    for offset, text, number, where in chapter.unread_markers():
        new = mapping.get(number, number)
        if new == number:
            continue
        line = chapter.document.line_of(offset) + 1
        opening = chapter.document.lazy_quote_opening(offset) if where in ("a code block", "raw HTML", "a comment") else None
        if opening is not None:
            raise Refusal(
                f"{text} on line {line} is read as inside {where} opened in a block quote on line {opening + 1} and going on past a line without `>`; "
                "other Markdown renderers end it with the quote and show the marker, so renumbering would leave it naming "
                "another source if it cites: put `>` before the lines, or close the block in the quote"
            )
        body = chapter.document.quoted_body_opening(offset) if where == "a code block" else None
        if body is not None:
            raise Refusal(
                f"{text} on line {line} is read as an indented code block in a block quote, under the footnote, admonition or "
                f"definition on line {body + 1}; renderers that read those show it as its text, so renumbering would leave it "
                "naming another source if it cites: move that block out of the quote, or write the marker by hand"
            )
        if where is None:
            if settings.marker_style == "citation":
                raise Refusal(f"{text} on line {line} is not read as a marker, and renumbering would leave it naming another source")
        elif where in ("a comment", "a link reference definition"):
            notes.append(f"{text} inside {where} on line {line} is left as written: the source it named is now {written_marker(new, settings.marker, settings.marker_style)}")
    if settings.marker_style == "brackets":
        _refuse_glued_brackets(chapter, mapping)
    if settings.marker_style != "citation":
        _refuse_repeating_lists(chapter, mapping)
    if len(notes) > MAX_LEFT_NOTES:
        notes[MAX_LEFT_NOTES:] = [f"and {len(notes) - MAX_LEFT_NOTES} more markers in comments left as written"]
    return notes


def _refuse_glued_brackets(chapter: Chapter, mapping: dict[int, int]) -> None:
    """A ``[2]`` glued to the word before it (``plumage[2]``) reads as an index, not a
    marker, yet some exports write citations so: left as written while the list is
    renumbered, it would name another source if it cites. Which it is, is not
    citelint's to guess: refused, saying how to write it either way."""
    for number, (line, written) in sorted(chapter.glued_citations().items(), key=lambda item: item[1][0]):
        if mapping.get(number, number) != number:
            raise Refusal(
                f"`{written}` on line {line} is read as an index after a word, and renumbering would leave it naming another source "
                "if it cites; put a space before the bracket if it cites, or write it as code (in backticks) if it is an index"
            )


def _refuse_repeating_lists(chapter: Chapter, mapping: dict[int, int]) -> None:
    """In the numbered styles, a marker that names a number twice (``[3, 1, 3]``) is
    more likely data in the prose (a list, a vector) than a citation (CIT010 reports
    it either way): renumbered, the data would change. Refused, saying how to write
    it either way."""
    for marker in chapter.cited:
        if marker.repeated_number is not None and any(mapping.get(number, number) != number for number in marker.numbers):
            line = chapter.document.line_of(marker.start) + 1
            raise Refusal(
                f"{marker.shown} on line {line} names a number twice, so it may be data rather than a citation, and renumbering would change it; "
                "name each source once if it cites, or write it as code (in backticks) if it is data"
            )


def _refuse_linked_superscripts(chapter: Chapter, mapping: dict[int, int]) -> None:
    """A ``<sup>[2]</sup>`` whose bracket is also a link to a ``[2]: #anchor``
    definition outside the list (as wikis and bssw.io write them): renumbering the
    marker and not the definition would make the number shown and the link's target
    two sources. Refused: which definition goes with which entry is not citelint's to guess."""
    document = chapter.document
    if chapter.settings.marker_style != "superscript" or "]:" not in document.text:
        return
    defined: Optional[dict[str, int]] = None
    for marker in chapter.cited:
        if not marker.text[:6].lower() == "<sup>[" or all(mapping.get(number, number) == number for number in marker.numbers):
            continue
        defined = defined_labels(document) if defined is None else defined
        for number in marker.numbers:
            line = defined.get(str(number))
            if mapping.get(number, number) != number and line is not None and (chapter.references is None or not chapter.references.holds_line(line)):
                raise Refusal(
                    f"{marker.shown} on line {document.line_of(marker.start) + 1} links to the definition [{number}]: on line {line + 1}, "
                    "which renumbering would leave pointing at the old source; renumber the definitions by hand or remove them"
                )


def _refuse_new_links(chapter: Chapter, mapping: dict[int, int]) -> None:
    """In the brackets style, a ``[11]: url`` definition outside the list makes
    ``[11]`` a link, not a citation: a marker renumbered to 11 would stop citing."""
    document = chapter.document
    if chapter.settings.marker_style != "brackets" or "]:" not in document.text:
        return
    defined = defined_labels(document)
    for marker in chapter.cited:
        for number in marker.numbers:
            new = mapping.get(number, number)
            line = defined.get(str(new))
            if new != number and line is not None and (chapter.references is None or not chapter.references.holds_line(line)):
                raise Refusal(
                    f"renumbering would write {marker.shown} on line {document.line_of(marker.start) + 1} as citing {new}, "
                    f"but the link definition [{new}]: on line {line + 1} makes [{new}] a link; rename or remove that definition first"
                )


def _in_part(whole: Chapter, part: Chapter, message: str) -> str:
    """A message about one chapter of a compiled book says which chapter."""
    if not whole.parts:
        return message
    first = next((line for line, text in enumerate(part.document.lines) if text.strip()), 0)
    return f"in the chapter from line {first + 1}: {message}"


def renumbering_fix(chapter: Chapter, path: str = "", selection: Optional[Selection] = None) -> Optional[Fix]:
    """What ``citelint fix`` would change in the chapter, as edits at line and column
    positions, when it renumbers; None when it would refuse or keep the numbering."""
    result, edits = fix_chapter(chapter, path, selection)
    if not result.changed or result.numbering_kept:
        return None
    offsets = _SourceOffsets(chapter.document.source, chapter)
    description = f"renumber in order of first citation: {result.summary()} (fixes every CIT003, CIT004 and CIT011 of the file)"
    return Fix(description, tuple(Edit(*offsets.position(e.start), *offsets.position(e.end), e.text) for e in edits))


def attach_renumbering(chapter: Chapter, path: str, found: list[Diagnostic], selection: Optional[Selection] = None) -> list[Diagnostic]:
    """``found`` with the first CIT003/CIT004/CIT011 finding carrying what ``citelint
    fix`` would do, for a report that shows fixes (JSON): planning and verifying it
    costs a parse more, so only the driver that asks for it calls this."""
    return with_renumbering(found, planned_renumbering(chapter, path, selection))


def planned_renumbering(chapter: Chapter, path: str, selection: Optional[Selection] = None) -> Optional[Fix]:
    """The renumbering a report that shows fixes carries, when the chapter has a
    renumbering finding. A driver plans it before it makes the findings, so that
    the parse that verifies it is let go before they are held (a long reference
    list's findings and that parse, held at once, passed the memory ceiling)."""
    if chapter.settings.numbering == "book" or next(renumbering_findings(chapter), None) is None:
        return None  # book numbering is renumbered across the book's files (fix_book), never a chapter alone
    return renumbering_fix(chapter, path, selection)


def with_renumbering(found: list[Diagnostic], fix: Optional[Fix]) -> list[Diagnostic]:
    """``found`` with ``fix`` on its first renumbering finding. One renumbering fixes
    them all, so it is attached once: a copy on each of thousands of findings would
    grow the report with their square."""
    first = next((index for index, diagnostic in enumerate(found) if diagnostic.code in RENUMBERING_CODES), None)
    if first is None or fix is None:
        return found
    return [*found[:first], found[first]._replace(fix=fix), *found[first + 1 :]]


def renumbering_findings(chapter: Chapter) -> Iterator[Diagnostic]:
    """The findings one renumbering fixes (CIT003, CIT004, CIT011) of each chapter
    of the file: what ``fix`` decides by and verifies against, without a full lint."""
    for part in chapter.chapters():
        for module in (cit003, cit004, cit011):
            yield from module.check(part)


def _numbering_decision(chapter: Chapter, selection: Selection) -> tuple[bool, Optional[str]]:
    """Whether to renumber, and why not when a finding asks for it. ``fix`` fixes
    only what ``check`` reports: without a renumbering finding (CIT003, CIT004,
    CIT011) the numbering is left as it is, and renumbering is all or nothing, so
    one that is not selected, or that a comment suppresses (a deliberate order),
    keeps the whole numbering."""
    wanted = False
    for diagnostic in renumbering_findings(chapter):
        if diagnostic.code not in selection.codes:
            return False, f"kept the numbering: {diagnostic.code} is not selected"
        if selection.suppressed(diagnostic):
            return False, f"kept the numbering: {diagnostic.code} is suppressed on line {diagnostic.line}"
        wanted = True
    return wanted, None


def _left_near_miss_renumbered(plan: "_Plan", cit005_selected: bool) -> Optional[str]:
    """Why the numbering is kept when a near-miss left as written would need a new number."""
    for marker in plan.citations:
        if marker.start in plan.leave and any(plan.mapping[number] != number for number in marker.numbers):
            line = plan.chapter.document.line_of(marker.start) + 1
            if cit005_selected:
                return f"kept the numbering: CIT005 is suppressed on line {line}, and its marker would be renumbered"
            return f"kept the numbering: CIT005 is not selected, and the malformed marker on line {line} would be renumbered"
    return None


def _near_misses_left(chapter: Chapter, selection: Selection) -> set[int]:
    """The start offsets of the near-misses to leave as written: all of them when
    CIT005 is not selected, else those whose CIT005 a comment suppresses, and those
    not clearly citations (``Chapter.unlisted_near_miss``)."""
    near_misses = [marker for marker in chapter.markers if not marker.well_formed]
    if "CIT005" not in selection.codes:
        return {marker.start for marker in near_misses}
    line_of = chapter.document.line_of
    return {
        marker.start for marker in near_misses
        if selection.suppressed_at(line_of(marker.start), "CIT005") or chapter.unlisted_near_miss(marker) is not None
    }


def apply_edits(source: str, edits: list[TextEdit]) -> str:
    """Apply non-overlapping edits, all given in offsets of the original text: the
    text is rebuilt once from its unchanged pieces and the replacements, in order."""
    pieces: list[str] = []
    position = 0
    # Insertions at one offset go in the reverse of their order in ``edits``.
    order = sorted(range(len(edits)), key=lambda index: (edits[index].start, -index))
    for edit in (edits[index] for index in order):
        if edit.start < position:
            raise AssertionError("overlapping edits")
        pieces += (source[position : edit.start], edit.text)
        position = edit.end
    pieces.append(source[position:])
    return "".join(pieces)


class _Plan:
    """The renumbering of one chapter: old number -> new number, and the edits."""

    def __init__(self, chapter: Chapter, keep_numbering: bool = False, leave: frozenset[int] | set[int] = frozenset()) -> None:
        self.chapter = chapter
        self.citations = chapter.citations()
        # Markers inside the reference list ("see also [CITATION 2]") point into it too.
        self.cross_references = chapter.cross_references()
        self.leave = leave  # start offsets of near-misses to leave as they are
        if keep_numbering:  # only near-misses are normalised; numbers and the list stay
            self.references = None
            self.mapping = {number: number for marker in self.citations + self.cross_references for number in marker.numbers}
        else:
            self.references = self._check_fixable()
            self.mapping = self._mapping()
        self.renumbered = self.normalised = self.moved = self.relabelled = 0

    def _check_fixable(self) -> Optional[ReferenceList]:
        blocker = self.chapter.renumbering_blocker()
        if blocker is not None:
            raise Refusal(blocker)
        return self.chapter.references

    def _mapping(self) -> dict[int, int]:
        order: list[int] = []
        seen: set[int] = set()
        for marker in self.citations:
            for number in marker.numbers:
                if number not in seen:
                    seen.add(number)
                    order.append(number)
        if self.references is not None:
            order += [entry.number for entry in self.references.entries if entry.number not in seen]
        return {old: new for new, old in enumerate(order, start=1)}

    # -- edits -----------------------------------------------------------

    def edits(self, source: str) -> list[TextEdit]:
        offsets = _SourceOffsets(source, self.chapter)
        edits = [edit for marker in self.citations if (edit := self._marker_edit(marker, offsets))]
        if self.references is None:  # the list stays: its markers are edited where they are
            edits += [edit for marker in self.cross_references if (edit := self._marker_edit(marker, offsets))]
        if self.references is not None:
            edits += self._list_edits(self.references, offsets)
        return edits

    def _marker_edit(self, marker: Marker, offsets: "_SourceOffsets") -> Optional[TextEdit]:
        if marker.start in self.leave:
            return None
        mapped = [self.mapping[number] for number in marker.numbers]
        if marker.well_formed and mapped == list(marker.numbers):
            return None
        text = marker_text(marker, self.mapping, self.chapter.settings.marker, self.chapter.settings.marker_style)
        if text == marker.text:
            return None
        if marker.well_formed:
            self.renumbered += 1
        else:
            self.normalised += 1
        return offsets.edit(marker.start, marker.end, text)

    def _list_edits(self, references: ReferenceList, offsets: "_SourceOffsets") -> list[TextEdit]:
        entries = references.entries
        by_new_position = sorted(entries, key=lambda entry: self.mapping[entry.number])
        edits = []
        for slot, entry in zip(entries, by_new_position):
            text = self._entry_text(entry, slot.position, offsets)
            start, end = offsets.entry_span(slot)
            if entry is not slot:
                self.moved += 1
            if slot.label_span is not None and slot.label != slot.position:
                self.relabelled += 1
            if offsets.source[start:end] != text:
                edits.append(TextEdit(start, end, text))
        return edits

    def _entry_text(self, entry: Entry, position: int, offsets: "_SourceOffsets") -> str:
        """The entry's text as it goes to ``position``: relabelled, and with the
        markers inside it ("see also [CITATION 2]") renumbered."""
        start, end = offsets.entry_span(entry)
        inner: list[TextEdit] = []
        if entry.label_span is not None and entry.label != position:
            inner.append(TextEdit(offsets.of(entry.label_span.start) - start, offsets.of(entry.label_span.end) - start, str(position)))
        for marker in self.cross_references:
            if start <= offsets.of(marker.start) < end and (edit := self._marker_edit(marker, offsets)) is not None:
                inner.append(TextEdit(edit.start - start, edit.end - start, edit.text))
        text = offsets.source[start:end]
        return apply_edits(text, inner) if inner else text


def marker_text(marker: Marker, mapping: dict[int, int], keyword: str, style: str = "citation") -> str:
    """The marker's text with its numbers renumbered in place, in the chapter's
    ``marker-style``: its line breaks, separators and locator (``, p. 4``) are kept;
    a range that stops being contiguous becomes a list. A near-miss is renumbered
    as its replacement."""
    written = marker.text if marker.well_formed or marker.replacement is None else marker.replacement  # a near-miss as read
    parts = marker.parts if marker.well_formed else read_parts(written, keyword, style)  # a marker keeps its parsed numbers
    if not parts:
        raise Refusal(f"cannot read the numbers of {marker.shown}")
    separator = list_separator(written)
    pieces: list[str] = []
    position = 0
    for part in parts:
        new = [mapping[number] for number in range(part.first, part.last + 1)]
        pieces.append(written[position : part.start])
        if len(new) > 1 and new == list(range(new[0], new[0] + len(new))):
            dash = written[part.start + len(str(part.first)) : part.end - len(str(part.last))] if part.last != part.first else "-"
            pieces.append(f"{new[0]}{dash}{new[-1]}")  # `2-4`, `2–4`, IEEE's `[2]–[4]`
        else:
            pieces.append(separator.join(str(number) for number in new))
        position = part.end
    pieces.append(written[position:])
    return "".join(pieces) if style == "citation" else in_form(written, "".join(pieces))


_SOURCE_LINE_ENDING = re.compile(r"\r\n?|\n")


class _SourceOffsets:
    """Maps offsets of the normalised text back to the original source."""

    def __init__(self, source: str, chapter: Chapter) -> None:
        self.source = source
        self.document = chapter.document
        self.bom = 1 if source.startswith("\ufeff") else 0
        if source is chapter.document.source and not self.bom and "\r" not in source:
            self.line_starts: Sequence[int] = chapter.document.line_starts  # the text is the source: one line index
            return
        line_starts = [self.bom]
        for match in _SOURCE_LINE_ENDING.finditer(source):
            line_starts.append(match.end())
        self.line_starts = line_starts

    def position(self, source_offset: int) -> tuple[int, int]:
        """The 1-based line and column of an offset into the source (a BOM is not a column)."""
        line = bisect_right(self.line_starts, source_offset) - 1
        return line + 1, source_offset - self.line_starts[line] + 1

    def of(self, offset: int) -> int:
        line = self.document.line_of(offset)
        return self.line_starts[line] + offset - self.document.line_starts[line]

    def edit(self, start: int, end: int, text: str) -> TextEdit:
        """Replace the normalised text from ``start`` to ``end`` with ``text`` (a
        marker's new text): its line breaks, a wrapped marker's, kept where they
        were, are written as the source writes them there (a CRLF file keeps its CRLF)."""
        source_start, source_end = self.of(start), self.of(end)
        if "\n" in text:
            text = _line_endings_as_in(text, self.source[source_start:source_end])
        return TextEdit(source_start, source_end, text)

    def entry_span(self, entry: Entry) -> tuple[int, int]:
        start = self.line_starts[entry.first_line]
        end = self.line_starts[entry.last_line] + len(self.document.lines[entry.last_line])
        return start, end


def _line_endings_as_in(text: str, written: str) -> str:
    """``text``, whose line breaks are ``\\n``, with the line endings of ``written``,
    the source text it replaces, which has as many line breaks."""
    endings = _SOURCE_LINE_ENDING.findall(written)
    lines = text.split("\n")
    if len(endings) != len(lines) - 1:
        raise AssertionError("a marker's line breaks would change")
    return "".join(line + ending for line, ending in zip(lines, endings)) + lines[-1]


Citing = tuple[str, ...]  # the texts of the entries a piece of citing text cites, or ("<unread>", its text)


def cited_texts(chapter: Chapter) -> tuple[list[Citing], list[tuple[str, tuple[Citing, ...]]]]:
    """What each piece of text that cites (markers, near-misses read with certainty)
    outside the reference list points to, in order: the texts of the entries it
    cites; text that may cite but cannot be read stands as itself. And the list's
    entries, each with what the markers inside it point to, sorted: an entry moves
    with the markers inside it, so their order in the file is not kept."""
    entries = () if chapter.references is None else chapter.references.entries
    sources = [_as_source(entry, chapter) for entry in entries]
    texts = {entry.number: source for entry, source in zip(entries, sources)}
    firsts = [entry.first_line for entry in entries]
    outside: list[Citing] = []
    inside: list[list[Citing]] = [[] for _ in entries]
    for marker in chapter.markers:
        if marker.cites:
            citing: Citing = tuple(texts.get(number, f"<no entry {number}>") for number in marker.numbers)
        elif any(character.isdigit() for character in marker.text):
            citing = ("<unread>", marker.text)
        else:
            continue
        line = chapter.document.line_of(marker.start)
        index = bisect_right(firsts, line) - 1
        if index >= 0 and line <= entries[index].last_line and chapter.in_reference_list(marker):
            inside[index].append(citing)
        else:
            outside.append(citing)
    return outside, sorted(zip(sources, map(tuple, inside)))


def _as_source(entry: Entry, chapter: Chapter) -> str:
    """The entry's text with the markers inside it masked: they are renumbered with
    the rest, and what they point to is checked as every marker's is."""
    if "[" not in entry.text and chapter.settings.marker_style != "superscript":
        return entry.text
    return masked(entry.text, chapter.settings.marker, chapter.settings.marker_style)


def verify(before: Chapter, after: Chapter, selection: Selection, renumbered: bool = True) -> Optional[str]:
    """Why the fixed chapter is not right, or None: every piece of citing text still
    cites the same sources, each chapter keeps its entries, and (when it was
    renumbered) no renumbering finding that the file reports is left."""
    if len(before.chapters()) != len(after.chapters()):
        return "the chapters of the book would change"
    for old, new in zip(before.chapters(), after.chapters()):
        if cited_texts(old) != cited_texts(new):
            return "a marker would cite a different source"
        if old.references is not None and new.references is not None:
            if sorted(_as_source(e, old) for e in old.references.entries) != sorted(_as_source(e, new) for e in new.references.entries):
                return "the reference list would change"
    if not renumbered:
        return None
    selection = selection.for_text_of(after)
    remaining = next((d.code for d in renumbering_findings(after) if selection.wanted(d)), None)
    return None if remaining is None else f"{remaining} would remain"
