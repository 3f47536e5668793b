"""A burst card's request remembers the other jobs that failed the same way, and their re-runs."""

from __future__ import annotations

from bot.state import RequestStore
from tests.bot.state.conftest import new_request


def test_a_burst_job_is_added_once_and_kept_in_order(store: RequestStore) -> None:
    request = new_request(store)

    assert store.add_burst_job(request.id, "job-2") == ["job-2"]
    assert store.add_burst_job(request.id, "job-3") == ["job-2", "job-3"]
    assert store.add_burst_job(request.id, "job-2") == ["job-2", "job-3"]

    stored = store.get(request.id)
    assert stored.burst_jobs == ["job-2", "job-3"]
    assert stored.state == "DIAGNOSED"  # no state change


def test_the_re_runs_of_a_burst_are_recorded(store: RequestStore) -> None:
    request = new_request(store)
    assert store.get(request.id).more_restore_job_ids == []

    store.record_more_restores(request.id, ["new-2", "new-3"])

    assert store.get(request.id).more_restore_job_ids == ["new-2", "new-3"]
