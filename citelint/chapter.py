"""A parsed chapter: its document, markers and reference list, as rules see it."""

from __future__ import annotations

from typing import NamedTuple, Optional

from citelint.config import Settings
from citelint.diagnostics import Diagnostic, Fix, Rule
from citelint.document import Document
from citelint.markers import Marker, find_markers
from citelint.references import ReferenceList, find_reference_list


class Chapter(NamedTuple):
    """Everything the rules need to know about one file, computed once."""

    document: Document
    markers: tuple[Marker, ...]
    references: Optional[ReferenceList]
    settings: Settings
    cited: tuple[Marker, ...]  # markers that cite, outside the reference list

    @classmethod
    def parse(cls, text: str, settings: Settings) -> "Chapter":
        document = Document(text, settings.heading_words)
        markers = tuple(find_markers(document, settings.marker))
        has_citations = any(marker.cites for marker in markers)
        references = find_reference_list(document, settings.heading_words, has_citations)
        outside = tuple(m for m in markers if m.cites and not _in_list(document, references, m))
        return cls(document, markers, references, settings, outside)

    def in_reference_list(self, marker: Marker) -> bool:
        return _in_list(self.document, self.references, marker)

    def citations(self) -> list[Marker]:
        """Markers that cite, in text order, outside the reference list."""
        return list(self.cited)

    def finding(
        self,
        rule: Rule,
        start: int,
        end: int,
        message: str,
        fix: Optional[Fix] = None,
    ) -> Diagnostic:
        line, column = self.document.position(start)
        end_line, end_column = self.document.position(max(start, end))
        return Diagnostic(rule.code, rule.name, rule.severity, line, column, end_line, end_column, message, fix)

    def line_span(self, line: int, start: Optional[int] = None) -> tuple[int, int]:
        """Offsets from ``start`` (default: the line's text) to the end of a 0-based line."""
        begin = start if start is not None else self.document.offset(line, self.document.content_column(line))
        return begin, self.document.line_end(line)


def _in_list(document: Document, references: Optional[ReferenceList], marker: Marker) -> bool:
    return references is not None and references.holds_line(document.line_of(marker.start))
