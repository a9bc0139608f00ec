"""citelint: keeps the citation markers and reference lists of a manuscript honest."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "lint_text"]


def lint_text(text: str, settings: object = None, path: str = "") -> list:  # type: ignore[type-arg]
    """Lint one chapter's text; see :func:`citelint.api.lint_text`."""
    from citelint.api import lint_text as _lint_text

    return _lint_text(text, settings, path)  # type: ignore[arg-type]
