"""Flaky is not dead: each URL's recent outcomes, and what one failure means.

Every check that reaches a server (or fails to) is kept in the verdict store's
``outcomes`` table: the URL, when, and the code (none when it was fine). When a
link cannot be reached now (URL002: a timeout, a refused or reset connection,
a 5xx after retries) but answered on its recent checks, one bad moment of a
server is no reason to fail a build: the finding is URL010 ``flaky-link``
(info), saying how it went ("failed once, answered on the last 3 checks"). It
becomes URL002 once it failed on ``flaky-failures`` (default 2) of its last
``flaky-window`` (default 3) checks, this one included. A link never seen
answering is URL002 at its first failure: there is nothing to call it flaky by.

A check is a run that asked the server: a run answered from the cache sends
nothing and adds no outcome. Failures are never cached, so a flaky link is
asked again on the next run.
"""

from __future__ import annotations

from typing import Optional, Protocol

from citelint.urls.store import Verdict

UNREACHABLE = "URL002"
FLAKY = "URL010"
NOT_ANSWERED = frozenset({"URL001", "URL002", "URL004"})  # dead, unreachable, not checked: no answer to count


class OutcomeStore(Protocol):
    def recent_outcomes(self, url: str, count: int = ...) -> list[Optional[str]]: ...

    def add_outcomes(self, outcomes: list[tuple[str, float, Optional[str]]]) -> None: ...


def answered(code: Optional[str]) -> bool:
    """Whether a check with this outcome reached a server that answered."""
    return code not in NOT_ANSWERED


def judge_flaky(store: OutcomeStore, fetched: dict[str, Verdict], failures: int, window: int) -> dict[str, Verdict]:
    """Keep this run's outcome of each URL checked, and report a URL002 on a URL
    that answered lately as URL010 while it failed on fewer than ``failures`` of
    its last ``window`` checks (this one included)."""
    judged = dict(fetched)
    for url, verdict in fetched.items():
        if verdict.code == UNREACHABLE:
            judged[url] = flaky_or_unreachable(verdict, store.recent_outcomes(url), failures, window)
    store.add_outcomes([(url, verdict.checked_at, verdict.code) for url, verdict in fetched.items() if verdict.code != "URL004" and verdict.checked_at > 0])
    return judged


def flaky_or_unreachable(verdict: Verdict, before: list[Optional[str]], failures: int, window: int) -> Verdict:
    """``verdict`` (URL002) as it stands given the ``before`` outcomes (the kept ones,
    latest first): URL010 when the link answered on one of its last ``window - 1``
    checks and failed (dead or unreachable) on fewer than ``failures`` of the last
    ``window``, this one included; else unchanged."""
    weighed = before[: max(0, window - 1)]
    failed = 1 + sum(1 for code in weighed if not answered(code))
    if failed >= failures or not any(answered(code) for code in weighed):
        return verdict
    streak = next((index for index, code in enumerate(before) if not answered(code)), len(before))
    times = "once" if failed == 1 else f"{failed} times in the last {window} checks"
    since = f"answered on the last {streak} {'check' if streak == 1 else 'checks'} before" if streak else "answered lately"
    rule = f"unreachable (URL002) after failing on {failures} of {window} checks"
    return verdict._replace(code=FLAKY, detail=f"{verdict.detail}; failed {times}, {since}: a flaky server, reported {rule}")


def ever_answered(store: OutcomeStore, url: str) -> bool:
    """Whether a kept check of ``url`` found it answering (it existed)."""
    return any(answered(code) for code in store.recent_outcomes(url))
