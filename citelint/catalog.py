"""The catalogue of rule identities: every code (CIT and URL), its kebab-case
name and default severity, and the selector syntax (a code, a prefix such as
``CIT00``, ``ALL``, or a rule's name).

Configuration, suppression comments and selection validate against this
catalogue without importing any rule's implementation; each rule module takes
its identity from here (``RULE = rule("CIT003")``), and a test checks that every
catalogued CIT rule has its module.
"""

from typing import Any, Callable, Iterable, NamedTuple, Optional

from citelint.diagnostics import Rule, Severity

ALL = "ALL"

RULES: tuple[Rule, ...] = (
    Rule("CIT001", "undefined-citation", Severity.ERROR),
    Rule("CIT002", "unused-reference", Severity.ERROR),
    Rule("CIT003", "citation-out-of-order", Severity.ERROR),
    Rule("CIT004", "numbering-gap", Severity.ERROR),
    Rule("CIT005", "malformed-marker", Severity.ERROR),
    Rule("CIT006", "misplaced-citation", Severity.WARNING),
    Rule("CIT007", "duplicate-reference", Severity.WARNING),
    Rule("CIT008", "incomplete-reference", Severity.WARNING),
    Rule("CIT009", "missing-reference-list", Severity.ERROR),
    Rule("CIT010", "repeated-citation", Severity.WARNING),
    Rule("CIT011", "reference-label-mismatch", Severity.ERROR),
    Rule("CIT012", "invalid-suppression", Severity.WARNING),
    Rule("CIT013", "unclosed-block", Severity.WARNING),
    Rule("CIT014", "inconsistent-reference", Severity.WARNING),
    Rule("CIT015", "citations-in-code-block", Severity.WARNING),
    Rule("CIT016", "duplicate-label-across-book", Severity.ERROR),
    Rule("URL001", "dead-link", Severity.ERROR),
    Rule("URL002", "unreachable-link", Severity.WARNING),
    Rule("URL003", "redirected-link", Severity.WARNING),
    Rule("URL004", "link-not-checked", Severity.INFO),
    Rule("URL005", "changed-link", Severity.WARNING),
    Rule("URL006", "unverifiable-link", Severity.INFO),
    Rule("URL007", "wrong-page", Severity.WARNING),
    Rule("URL008", "soft-404", Severity.WARNING),
    Rule("URL009", "retracted-work", Severity.WARNING),
    Rule("URL010", "flaky-link", Severity.INFO),
)
BY_CODE: dict[str, Rule] = {entry.code: entry for entry in RULES}
CODES: tuple[str, ...] = tuple(BY_CODE)
CIT_CODES: tuple[str, ...] = tuple(code for code in CODES if code.startswith("CIT"))
URL_CODES: tuple[str, ...] = tuple(code for code in CODES if code.startswith("URL"))
_BY_NAME: dict[str, str] = {entry.name: entry.code for entry in RULES}
# What one renumbering fixes: ``fix`` renumbers only when check reports one of these.
RENUMBERING_CODES = frozenset({"CIT003", "CIT004", "CIT011"})
# With numbering = "book": judged across the book's chapters (book_numbering), not per file.
BOOK_NUMBERING_CODES = frozenset({"CIT001", "CIT002", "CIT003", "CIT004", "CIT009", "CIT011", "CIT016"})


class RuleOption(NamedTuple):
    """A setting of one rule, kept with the rule's identity: a top-level key of the
    configuration, validated from this description and shown by ``citelint explain``."""

    key: str  # as written in the configuration
    default: Any
    choices: Optional[tuple[str, ...]]  # the values a string option takes; None: a boolean
    description: str

    @property
    def expected(self) -> str:
        """What a valid value looks like, for an error message."""
        if self.choices is None:
            return "true or false"
        return "one of " + ", ".join(f'"{choice}"' for choice in self.choices)

    def accepts(self, value: object) -> bool:
        if self.choices is None:
            return isinstance(value, bool)
        return isinstance(value, str) and value in self.choices


# yamllint's CONF/DEFAULT: each rule's options, with their defaults.
OPTIONS: dict[str, tuple[RuleOption, ...]] = {
    "CIT006": (
        RuleOption(
            "placement",
            "after",
            ("after", "before", "any"),
            'where markers go relative to punctuation: "after" (`deal. [CITATION 2]`), '
            '"before" (`deal [CITATION 2].`) or "any"',
        ),
    ),
    "CIT008": (RuleOption("require-url", True, None, "whether an entry without a URL or DOI is incomplete"),),
}


def option(key: str) -> RuleOption:
    """The rule option with this configuration key."""
    return next(found for options in OPTIONS.values() for found in options if found.key == key)


def option_validators() -> dict[str, tuple[Callable[[object], bool], str]]:
    """Each rule option's key: how to check a value, and what is expected."""
    return {found.key: (found.accepts, found.expected) for options in OPTIONS.values() for found in options}


def rule(code: str) -> Rule:
    """The identity of the rule with this code."""
    return BY_CODE[code]


def code_of(code_or_name: str) -> str:
    """A code as written in capitals, or the code a rule's name stands for."""
    value = code_or_name.strip()
    if "-" in value:
        return _BY_NAME.get(value.lower(), value.lower())
    return value.upper()


def canonical_selectors(values: Iterable[str]) -> tuple[str, ...]:
    """Selectors as codes: a rule's name (``misplaced-citation``) stands for its
    code, and a code or prefix is read in capitals (``cit00`` -> ``CIT00``). An
    unknown name stays as written, to be reported as such."""
    return tuple(code_of(value) for value in values)


def matches(code: str, selectors: Iterable[str]) -> bool:
    """True when a selector names the code, a prefix of it (``CIT00``), or ``ALL``."""
    return any(selector == ALL or code.startswith(selector) for selector in selectors)


def expand(selectors: tuple[str, ...], codes: Iterable[str] = CODES) -> frozenset[str]:
    """The codes that ``selectors`` name; all of them when there are none."""
    if not selectors or ALL in selectors:
        return frozenset(codes)
    return frozenset(code for code in codes if code.startswith(selectors))


def unknown_selectors(selectors: Iterable[str]) -> list[str]:
    """Selectors that name no rule: not ALL, and not a prefix of any code."""
    return [selector for selector in selectors if selector != ALL and not any(code.startswith(selector) for code in CODES)]
