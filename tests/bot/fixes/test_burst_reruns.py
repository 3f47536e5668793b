"""A fix asked for on a burst card re-runs every job that failed the same way: planned, shown,
started once each (idempotently), and reported."""

from __future__ import annotations

from typing import Any

from botocore.stub import Stubber

from bot.aws.backup import RestoreStatus
from bot.fixes import INSTANCE_PROFILE_KEY, PlanInputs, apply_fix, idempotency_token, plan_fix
from bot.models import FixPlan
from bot.worker.tasks import more_restores_line
from tests.bot.fixes.conftest import StubbedSession, fix_run
from tests.bot.fixes.factories import METADATA, diagnosis, no_role_remedy, restore_job

REQUEST_ID = "0123456789abcdef0123456789abcdef"
OTHERS = (
    restore_job(job_id="job-2", recovery_point_arn="arn:aws:ec2:us-east-1::image/ami-2"),
    restore_job(job_id="job-3", recovery_point_arn="arn:aws:ec2:us-east-1::image/ami-3"),
)


def _plan(iam: Any, more: tuple[Any, ...] = OTHERS) -> FixPlan:
    inputs = PlanInputs(
        diagnosis(), REQUEST_ID, iam, remedy=no_role_remedy(), simulate=False, more_jobs=more
    )
    return plan_fix(inputs)


def test_the_plan_replays_each_other_job_the_way_it_replays_the_first(iam: Any) -> None:
    plan = _plan(iam)

    assert [p["RecoveryPointArn"] for p in plan.more_restore_params] == [
        "arn:aws:ec2:us-east-1::image/ami-2",
        "arn:aws:ec2:us-east-1::image/ami-3",
    ]
    for params in plan.more_restore_params:  # without the instance profile, like the first
        assert INSTANCE_PROFILE_KEY not in params["Metadata"]
        assert params["Metadata"] == {
            k: v for k, v in METADATA.items() if k != INSTANCE_PROFILE_KEY
        }
    assert "re-run the 2 other restore jobs" in plan.summary


def test_a_job_that_cannot_be_replayed_so_is_named_and_left_out(iam: Any) -> None:
    plain = restore_job(job_id="job-9", metadata={"InstanceType": "t3.micro"})  # no profile
    plan = _plan(iam, (OTHERS[0], plain))

    assert len(plan.more_restore_params) == 1
    assert "Not re-run" in plan.summary
    assert "job-9" in plan.summary


def test_no_burst_no_more_restores(iam: Any) -> None:
    plan = _plan(iam, ())
    assert plan.more_restore_params == []
    assert "other restore jobs" not in plan.summary


def test_applying_starts_each_re_run_once_with_its_own_token(iam: Any, backup: Any) -> None:
    plan = _plan(iam)
    stub = Stubber(backup)
    starts = [
        ("RESTORE_WITHOUT_IAM_ROLE", plan.restore_params, "new-1"),
        ("RESTORE_WITHOUT_IAM_ROLE#1", plan.more_restore_params[0], "new-2"),
        ("RESTORE_WITHOUT_IAM_ROLE#2", plan.more_restore_params[1], "new-3"),
    ]
    for _ in range(2):  # applied twice (a retried run): the same tokens, the same jobs
        for fix, params, job in starts:
            token = idempotency_token(REQUEST_ID, fix, 0)
            stub.add_response(
                "start_restore_job",
                {"RestoreJobId": job},
                {**(params or {}), "IdempotencyToken": token},
            )
    session = StubbedSession(backup=backup)

    with stub:
        first = apply_fix(plan, fix_run(REQUEST_ID, session))
        second = apply_fix(plan, fix_run(REQUEST_ID, session))

    stub.assert_no_pending_responses()
    assert first.restore_job_id == second.restore_job_id == "new-1"
    assert first.more_restore_job_ids == second.more_restore_job_ids == ["new-2", "new-3"]
    assert "2 more restore jobs started" in first.summary


def test_the_outcome_says_how_each_other_re_run_ended() -> None:
    line = more_restores_line(
        (
            RestoreStatus("new-2", "COMPLETED"),
            RestoreStatus("new-3", "FAILED", "denied again"),
            RestoreStatus("new-4", "RUNNING", timed_out=True),
        )
    )
    assert line == (
        "The 3 other re-run restores: 1 completed; 1 ended otherwise (new-3); "
        "1 still running (new-4)."
    )
    assert more_restores_line(()) == ""
