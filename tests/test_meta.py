"""Every rule is registered, documented with examples that behave, and in the docs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from citelint import lint_text
from citelint.cli import cli as main
from citelint.docsgen import rules_markdown
from citelint.rules import RULE_MODULES, examples, summary

ROOT = Path(__file__).resolve().parent.parent
IDS = [module.RULE.code for module in RULE_MODULES]


def test_registry_is_complete_and_ordered() -> None:
    modules = sorted(path.stem for path in (ROOT / "citelint" / "rules").glob("cit*.py"))
    assert [module.__name__.rsplit(".", 1)[1] for module in RULE_MODULES] == modules
    assert IDS == sorted(IDS) == [f"CIT{n:03d}" for n in range(1, 17)]
    names = [module.RULE.name for module in RULE_MODULES]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("module", RULE_MODULES, ids=IDS)
def test_failing_example_fails_and_passing_example_passes(module: object) -> None:
    code = module.RULE.code  # type: ignore[attr-defined]
    found = examples(module)  # type: ignore[arg-type]
    assert set(found) == {"failing", "passing"}
    lint = lint_text
    if code == "CIT016":  # judged only with numbering = "book": the examples are books compiled into one file
        from citelint.book_numbering import lint_book_text as lint
    assert code in [d.code for d in lint(found["failing"])]
    assert lint(found["passing"]) == []


@pytest.mark.parametrize("module", RULE_MODULES, ids=IDS)
def test_rule_has_a_summary_and_a_check(module: object) -> None:
    assert summary(module).endswith(".")  # type: ignore[arg-type]
    assert callable(getattr(module, "check"))


def test_docs_rules_md_is_current() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale: run `python -m citelint.docsgen`"
    )


@pytest.mark.parametrize("module", RULE_MODULES, ids=IDS)
def test_rule_in_rules_command_and_readme(module: object) -> None:
    rule = module.RULE  # type: ignore[attr-defined]
    out = CliRunner().invoke(main, ["rules"]).stdout
    assert f"{rule.code}  {rule.name}" in out
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"| {rule.code} | {rule.name} | {rule.severity.value} |" in readme


def test_every_module_is_in_the_installed_distribution() -> None:
    """A subpackage left out of the build works in a checkout and fails for users."""
    import importlib.metadata

    import citelint

    # The distribution that holds the package (citelint-manuscript: its name is not the package's).
    distributions = set(importlib.metadata.packages_distributions()["citelint"])
    installed = {str(path) for name in distributions for path in importlib.metadata.files(name) or []}
    sources = {path.relative_to(ROOT).as_posix() for path in (ROOT / "citelint").rglob("*.py")}
    if Path(citelint.__file__).resolve().parent == ROOT / "citelint":
        return  # an editable install imports the checkout itself: every module is there
    assert sources <= installed, sorted(sources - installed)


def test_rule_options_live_with_their_rule_and_are_explained() -> None:
    """A rule's options (yamllint's CONF) are in the catalogue with the rule: the
    configuration validates them from there, and `citelint explain` shows them."""
    from citelint.catalog import OPTIONS
    from citelint.config import Settings

    assert set(OPTIONS) == {"CIT006", "CIT008"}
    docs = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for code, options in OPTIONS.items():
        out = CliRunner().invoke(main, ["explain", code]).stdout
        for option in options:
            assert f"  {option.key} = " in out and option.description in out
            assert f"`{option.key}`" in docs
            assert getattr(Settings(), option.key.replace("-", "_")) == option.default
