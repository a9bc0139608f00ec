from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary project, the current folder for the test: a repository root (it
    holds ``.git``, where citelint's project search stops) with the address guard
    closed (``CITELINT_ALLOW_PRIVATE`` unset)."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CITELINT_ALLOW_PRIVATE", raising=False)
    return tmp_path


@pytest.fixture(autouse=True, scope="session")
def _user_cache_of_the_run(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The user's cache folder (where a book fix keeps its journal) is the test run's
    own, for the tests' processes and the ones they start."""
    import os

    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("user-cache"))


def _hypothesis_profiles() -> None:
    """CI runs the property tests derandomized, so a run is reproducible; locally they explore."""
    import os

    from hypothesis import settings

    settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
    if os.environ.get("CI"):
        settings.load_profile("ci")


_hypothesis_profiles()
