"""The IAM role templates: valid CloudFormation, StackSet-ready, and least privilege.

cfn-lint covers every template in deploy/cloudformation; the proactive-diagnosis templates
(events-queue.yaml, backup-events-rule.yaml) have their own checks in test_backup_events.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.conftest import CLOUDFORMATION

#: exactly what the read role may do (docs: deploy/README.md, "IAM roles")
READ_ACTIONS = {
    "sts:DecodeAuthorizationMessage",
    "backup:DescribeRestoreJob",
    "backup:DescribeBackupJob",
    "backup:DescribeCopyJob",
    "backup:GetRestoreJobMetadata",
    "backup:ListRestoreJobs",
    "backup:ListBackupJobs",
    "backup:ListCopyJobs",
    "iam:GetRequestAuthorizationDetails",
    "cloudtrail:LookupEvents",
    "backup:GetRecoveryPointRestoreMetadata",
    "backup:DescribeRecoveryPoint",
    "iam:GetRole",
    "iam:ListRolePolicies",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:SimulatePrincipalPolicy",
}
#: read by an id AWS hands out, not by ARN, and newer than the IAM action data the tests use
BY_ID_ACTIONS = {"iam:GetRequestAuthorizationDetails"}
#: exactly what the fix role may do
FIX_ACTIONS = {
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:GetRolePolicy",
    "iam:PassRole",
    "backup:StartRestoreJob",
    "backup:DescribeRestoreJob",
    "backup:GetRestoreJobMetadata",
}
#: actions on recovery points, whose ARNs belong to each stored service: "*" on purpose
RECOVERY_POINT_ACTIONS = {
    "backup:DescribeRecoveryPoint",
    "backup:GetRecoveryPointRestoreMetadata",
    "backup:StartRestoreJob",
}
#: exactly what the assume-role policies of the hub roles allow
ASSUME_ACTIONS = {"sts:AssumeRole", "sts:SetSourceIdentity"}
#: what the events process does with its queue: long-poll, delete when handled, delay a retry
EVENTS_QUEUE_ACTIONS = {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"}
RESTORE_ROLE_RESOURCES = [
    {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${RestoreRolePattern}"},
    {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${AltRestoreRolePattern}"},
]


def conditional_policies(template: dict[str, Any], role: str) -> dict[str, dict[str, Any]]:
    """condition name -> the inline policy the role has only when that condition holds.

    Such a policy is written ``Fn::If: [condition, policy, AWS::NoValue]``.
    """
    found: dict[str, dict[str, Any]] = {}
    for policy in template["Resources"][role]["Properties"]["Policies"]:
        if "Fn::If" in policy:
            condition, present, absent = policy["Fn::If"]
            assert absent == {"Ref": "AWS::NoValue"}
            found[condition] = present
    return found


def statements(
    template: dict[str, Any], role: str, *, conditional: bool = True
) -> list[dict[str, Any]]:
    """Every statement of the role's inline policies, with the conditional ones unless told."""
    policies = [
        p for p in template["Resources"][role]["Properties"]["Policies"] if "Fn::If" not in p
    ]
    if conditional:
        policies += conditional_policies(template, role).values()
    return [s for p in policies for s in p["PolicyDocument"]["Statement"]]


def trust_statements(template: dict[str, Any], role: str) -> list[dict[str, Any]]:
    document = template["Resources"][role]["Properties"]["AssumeRolePolicyDocument"]
    return list(document["Statement"])


def as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def actions(statement_list: list[dict[str, Any]]) -> set[str]:
    return {a for s in statement_list for a in as_list(s["Action"])}


def test_cfn_lint_reports_nothing() -> None:
    templates = sorted(str(p) for p in CLOUDFORMATION.glob("*.yaml"))
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), "--format", "parseable", *templates],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_the_read_role_may_do_exactly_the_documented_reads(spoke_template: dict[str, Any]) -> None:
    read = statements(spoke_template, "ReadRole")
    assert actions(read) == READ_ACTIONS
    assert all(s["Effect"] == "Allow" for s in read)


def test_the_fix_role_may_do_exactly_the_catalogue_writes(spoke_template: dict[str, Any]) -> None:
    fix = statements(spoke_template, "FixRole")
    assert actions(fix) == FIX_ACTIONS
    assert not any("*" in action for action in actions(fix))


@pytest.mark.parametrize("role", ["ReadRole", "FixRole"])
def test_star_resources_only_where_aws_has_no_resource_type(
    spoke_template: dict[str, Any], role: str, iam_definition: dict[str, dict[str, Any]]
) -> None:
    for statement in statements(spoke_template, role):
        if "*" not in as_list(statement["Resource"]):
            continue
        for action in set(as_list(statement["Action"])) - BY_ID_ACTIONS:
            resource_types = iam_definition[action]
            assert not resource_types or action in RECOVERY_POINT_ACTIONS, (
                f"{action} supports resource types {resource_types}: scope it"
            )


def test_iam_writes_and_pass_role_touch_only_restore_roles(spoke_template: dict[str, Any]) -> None:
    fix = statements(spoke_template, "FixRole")
    for statement in fix:
        if actions([statement]) & {"iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:PassRole"}:
            assert statement["Resource"] == RESTORE_ROLE_RESOURCES
    (pass_role,) = [s for s in fix if "iam:PassRole" in as_list(s["Action"])]
    assert as_list(pass_role["Action"]) == ["iam:PassRole"]
    assert pass_role["Condition"] == {
        "StringEquals": {"iam:PassedToService": "backup.amazonaws.com"}
    }
    parameters = spoke_template["Parameters"]
    assert parameters["RestoreRolePattern"]["Default"] == "service-role/AWSBackup*"
    assert parameters["AltRestoreRolePattern"]["Default"] == "AWSBackup*"


def test_read_role_iam_reads_stay_in_its_account(spoke_template: dict[str, Any]) -> None:
    for statement in statements(spoke_template, "ReadRole"):
        if any(a.startswith("iam:") for a in set(as_list(statement["Action"])) - BY_ID_ACTIONS):
            for resource in as_list(statement["Resource"]):
                arn = resource["Fn::Sub"]
                assert arn.startswith("arn:${AWS::Partition}:iam::")
                assert ":iam::${AWS::AccountId}:" in arn or ":iam::aws:policy/" in arn


@pytest.mark.parametrize("role", ["ReadRole", "FixRole"])
def test_spoke_roles_are_assumed_only_with_the_external_id(
    spoke_template: dict[str, Any], role: str
) -> None:
    trust = trust_statements(spoke_template, role)
    assume = [s for s in trust if "sts:AssumeRole" in as_list(s["Action"])]
    assert assume
    for statement in assume:
        assert statement["Condition"]["StringEquals"]["sts:ExternalId"] == {"Ref": "ExternalId"}
    assert {a for s in trust for a in as_list(s["Action"])} == {
        "sts:AssumeRole",
        "sts:SetSourceIdentity",
    }


def test_only_the_worker_hub_role_may_assume_the_fix_role(spoke_template: dict[str, Any]) -> None:
    for statement in trust_statements(spoke_template, "FixRole"):
        assert statement["Principal"] == {"AWS": {"Ref": "HubRoleArn"}}
    read_principals = json.dumps(
        [s["Principal"] for s in trust_statements(spoke_template, "ReadRole")]
    )
    assert "HubWebRoleArn" in read_principals


def test_the_spoke_template_names_no_account(spoke_template: dict[str, Any]) -> None:
    text = json.dumps({k: spoke_template[k] for k in ("Resources", "Outputs")})
    assert not re.search(r"\b\d{12}\b", text)


def test_hub_roles_may_only_assume_spoke_roles(hub_template: dict[str, Any]) -> None:
    web = statements(hub_template, "WebRole")
    worker = statements(hub_template, "WorkerRole", conditional=False)
    assert actions(web) == actions(worker) == ASSUME_ACTIONS
    everything = statements(hub_template, "WorkerRole")
    assert actions(everything) == ASSUME_ACTIONS | EVENTS_QUEUE_ACTIONS
    role = "arn:${AWS::Partition}:iam::*:role${SpokeRolePath}"
    assert [s["Resource"] for s in web] == [{"Fn::Sub": f"{role}${{ReadRoleName}}"}]
    assert [s["Resource"] for s in worker] == [
        [{"Fn::Sub": f"{role}${{ReadRoleName}}"}, {"Fn::Sub": f"{role}${{FixRoleName}}"}]
    ]


def test_only_the_worker_hub_role_reads_the_events_queues_and_only_when_given(
    hub_template: dict[str, Any], iam_definition: dict[str, list[str]]
) -> None:
    assert conditional_policies(hub_template, "WebRole") == {}
    ((condition, policy),) = conditional_policies(hub_template, "WorkerRole").items()
    assert hub_template["Conditions"][condition] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "EventsQueueArns"}, ""]}]
    }
    assert hub_template["Parameters"]["EventsQueueArns"]["Default"] == ""  # off unless given
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Allow"
    assert set(as_list(statement["Action"])) == EVENTS_QUEUE_ACTIONS
    # exactly the queues given, never "*" (the parameter's pattern admits only full queue ARNs)
    assert statement["Resource"] == {"Fn::Split": [",", {"Ref": "EventsQueueArns"}]}
    for action in EVENTS_QUEUE_ACTIONS:
        assert iam_definition[action] == ["queue*"]


def test_hub_and_spoke_default_role_names_agree(
    hub_template: dict[str, Any], spoke_template: dict[str, Any]
) -> None:
    for name in ("ReadRoleName", "FixRoleName"):
        assert (
            hub_template["Parameters"][name]["Default"]
            == spoke_template["Parameters"][name]["Default"]
        )
    assert (
        hub_template["Parameters"]["SpokeRolePath"]["Default"]
        == spoke_template["Parameters"]["RolePath"]["Default"]
    )


def test_the_example_accounts_use_the_spoke_role_names(spoke_template: dict[str, Any]) -> None:
    example = Path(CLOUDFORMATION.parent / "backup-doctor.example.yaml").read_text(encoding="utf-8")
    assert f"role/{spoke_template['Parameters']['ReadRoleName']['Default']}" in example
    assert f"role/{spoke_template['Parameters']['FixRoleName']['Default']}" in example
