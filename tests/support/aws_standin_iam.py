"""IAM for the AWS stand-in: a small policy evaluator over the roles kept in moto, and the
``SimulatePrincipalPolicy`` operation built on it.

The evaluator is simple but honest about what it does:

* statements come from the role's inline policies and attached managed policies (read from moto)
  plus any ``PolicyInputList`` documents;
* ``Action``/``NotAction`` match case-insensitively and ``Resource``/``NotResource``
  case-sensitively, with IAM's ``*`` and ``?`` wildcards;
* an explicit ``Deny`` wins, then any ``Allow``, else ``implicitDeny``;
* a ``Condition`` is applied when every one of its operators is ``StringEquals`` or
  ``StringLike`` and the caller gave a value for each key (``ContextEntries`` in a simulation;
  ``iam:PassedToService`` when a restore passes its instance role); otherwise the statement is not
  applied (Allow or Deny) and its keys are reported in ``MissingContextValues``;
* permissions boundaries, SCPs, session policies, resource policies, trust policies and policy
  variables are not evaluated. Only roles can be simulated.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import boto3
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.support.aws_standin_wire import AwsError, Call, WireResponse, success_response

FAKE_SECRET = "standin-secret"
"""Secret key the stand-in signs its own moto requests with (moto does not verify signatures)."""


@dataclass(frozen=True)
class SourcedPolicy:
    """A policy document and where it came from, as the simulator reports it."""

    source_id: str
    source_type: str
    document: dict[str, Any]


@dataclass
class Evaluation:
    """The decision for one action on one resource and the policies behind it."""

    decision: str
    matched: list[SourcedPolicy] = field(default_factory=list)
    missing_context: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        """Whether the decision is ``allowed``."""
        return self.decision == "allowed"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _wildcard(pattern: str, *, ignore_case: bool) -> re.Pattern[str]:
    regex = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
    return re.compile(f"^{regex}$", re.IGNORECASE if ignore_case else 0)


def _any_match(patterns: Iterable[str], value: str, *, ignore_case: bool) -> bool:
    return any(_wildcard(p, ignore_case=ignore_case).match(value) for p in patterns)


def _covers(statement: dict[str, Any], key: str, value: str, *, ignore_case: bool) -> bool:
    if key in statement:
        return _any_match(_as_list(statement[key]), value, ignore_case=ignore_case)
    if f"Not{key}" in statement:
        return not _any_match(_as_list(statement[f"Not{key}"]), value, ignore_case=ignore_case)
    return False


def statement_applies(statement: dict[str, Any], action: str, resource: str) -> bool:
    """Whether the statement's action and resource clauses both cover ``action`` on ``resource``."""
    return _covers(statement, "Action", action, ignore_case=True) and _covers(
        statement, "Resource", resource, ignore_case=False
    )


def evaluate(
    policies: Iterable[SourcedPolicy],
    action: str,
    resource: str,
    context: dict[str, list[str]] | None = None,
) -> Evaluation:
    """Decide ``action`` on ``resource`` under ``policies``; limits in the module docstring."""
    allows: list[SourcedPolicy] = []
    denies: list[SourcedPolicy] = []
    missing: set[str] = set()
    for policy in policies:
        for statement in _as_list(policy.document.get("Statement")):
            if not statement_applies(statement, action, resource):
                continue
            condition = statement.get("Condition")
            if condition:
                verdict = _condition_holds(condition, context or {})
                if verdict is None:
                    missing.update(k for op in condition.values() for k in op)
                    continue
                if not verdict:
                    continue
            (denies if statement.get("Effect") == "Deny" else allows).append(policy)
    if denies:
        return Evaluation("explicitDeny", denies, sorted(missing))
    if allows:
        return Evaluation("allowed", allows, sorted(missing))
    return Evaluation("implicitDeny", [], sorted(missing))


#: condition operators the evaluator applies: operator -> whether values are wildcards
_OPERATORS = {"StringEquals": False, "StringLike": True}


def _condition_holds(condition: dict[str, Any], context: dict[str, list[str]]) -> bool | None:
    """True/False when every operator is supported and every key has a value, else None."""
    for operator, tests in condition.items():
        if operator not in _OPERATORS or not isinstance(tests, dict):
            return None
        for key, expected in tests.items():
            actual = context.get(key)
            if actual is None:
                return None
            patterns = [str(v) for v in _as_list(expected)]
            if _OPERATORS[operator]:
                ok = any(_any_match(patterns, value, ignore_case=False) for value in actual)
            else:
                ok = any(value in patterns for value in actual)
            if not ok:
                return False
    return True


def role_arn_parts(role_arn: str) -> tuple[str, str]:
    """(account, role name) of ``arn:aws:iam::<account>:role/<path/>name``."""
    parts = role_arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam" or not parts[5].startswith("role/"):
        raise AwsError("InvalidInput", f"{role_arn} is not a role ARN")
    return parts[4], parts[5].rsplit("/", 1)[-1]


class MotoIam:
    """Reads IAM from the moto server as any account (moto's ``x-moto-account-id`` header)."""

    def __init__(self, moto_url: str) -> None:
        self._url = moto_url.rstrip("/")
        self._lock = threading.Lock()
        self._clients: dict[str, Any] = {}
        self._accounts: dict[str, str] = {}

    def client(self, account: str) -> Any:
        """A boto3 IAM client on moto that acts in ``account``."""
        with self._lock:
            if account not in self._clients:
                self._clients[account] = self._new_client(account)
            return self._clients[account]

    def _new_client(self, account: str) -> Any:
        session = boto3.session.Session(
            aws_access_key_id="standin", aws_secret_access_key=FAKE_SECRET, region_name="us-east-1"
        )
        client = session.client(
            "iam", endpoint_url=self._url, config=Config(retries={"total_max_attempts": 1})
        )

        def add_account(request: Any, **_: Any) -> None:
            request.headers["x-moto-account-id"] = account

        client.meta.events.register("before-sign.iam", add_account)
        return client

    def role(self, role_arn: str) -> dict[str, Any] | None:
        """The role as ``GetRole`` returns it, or ``None`` if moto has no such role."""
        account, name = role_arn_parts(role_arn)
        try:
            return dict(self.client(account).get_role(RoleName=name)["Role"])
        except ClientError as error:
            if error.response["Error"]["Code"] == "NoSuchEntity":
                return None
            raise

    def role_policies(self, role_arn: str) -> list[SourcedPolicy]:
        """The role's inline and attached managed policies, read from moto."""
        account, name = role_arn_parts(role_arn)
        client = self.client(account)
        policies = []
        for page in client.get_paginator("list_role_policies").paginate(RoleName=name):
            for policy_name in page["PolicyNames"]:
                doc = client.get_role_policy(RoleName=name, PolicyName=policy_name)
                policies.append(
                    SourcedPolicy(policy_name, "role", _document(doc["PolicyDocument"]))
                )
        for page in client.get_paginator("list_attached_role_policies").paginate(RoleName=name):
            policies.extend(self._managed(client, a["PolicyArn"]) for a in page["AttachedPolicies"])
        return policies

    @staticmethod
    def _managed(client: Any, policy_arn: str) -> SourcedPolicy:
        version = client.get_policy(PolicyArn=policy_arn)["Policy"]["DefaultVersionId"]
        doc = client.get_policy_version(PolicyArn=policy_arn, VersionId=version)["PolicyVersion"]
        kind = "aws-managed" if ":aws:policy/" in policy_arn else "user-managed"
        return SourcedPolicy(policy_arn, kind, _document(doc["Document"]))

    def instance_profile_role_arn(self, account: str, profile_name: str) -> str | None:
        """The ARN of the first role in the instance profile, or ``None`` if moto has none."""
        try:
            profile = self.client(account).get_instance_profile(InstanceProfileName=profile_name)
        except ClientError as error:
            if error.response["Error"]["Code"] == "NoSuchEntity":
                return None
            raise
        roles = profile["InstanceProfile"]["Roles"]
        return str(roles[0]["Arn"]) if roles else None

    def account_of_access_key(self, access_key_id: str) -> str:
        """The account moto gives ``access_key_id`` (assumed-role keys: the role's account).

        Asked once per key with ``GetCallerIdentity`` (moto does not check signatures) and cached.
        """
        with self._lock:
            if access_key_id in self._accounts:
                return self._accounts[access_key_id]
        scope = f"Credential={access_key_id}/20200101/us-east-1/sts/aws4_request"
        response = requests.post(
            self._url,
            data={"Action": "GetCallerIdentity", "Version": "2011-06-15"},
            headers={"Authorization": f"AWS4-HMAC-SHA256 {scope}, SignedHeaders=host, Signature=0"},
            timeout=10,
        )
        response.raise_for_status()
        match = re.search(r"<Account>(\d+)</Account>", response.text)
        if not match:
            raise RuntimeError(f"moto GetCallerIdentity gave no account: {response.text[:200]}")
        with self._lock:
            self._accounts[access_key_id] = match.group(1)
        return match.group(1)


def _document(raw: Any) -> dict[str, Any]:
    return raw if isinstance(raw, dict) else dict(json.loads(raw))


def _input_policies(documents: list[str]) -> list[SourcedPolicy]:
    policies = []
    for index, text in enumerate(documents, start=1):
        try:
            policies.append(SourcedPolicy(f"PolicyInputList.{index}", "none", json.loads(text)))
        except json.JSONDecodeError as error:
            raise AwsError(
                "InvalidInput", f"PolicyInputList.{index} is not JSON: {error}"
            ) from error
    return policies


def simulate_principal_policy(call: Call, iam: MotoIam) -> WireResponse:
    """``iam:SimulatePrincipalPolicy`` for a role in moto, one result per action and resource."""
    source = call.params["PolicySourceArn"]
    if iam.role(source) is None:
        raise AwsError("NoSuchEntity", f"Role {source} cannot be found.", 404)
    policies = iam.role_policies(source) + _input_policies(call.params.get("PolicyInputList", []))
    context = {
        entry["ContextKeyName"]: [str(v) for v in entry.get("ContextKeyValues", [])]
        for entry in call.params.get("ContextEntries", [])
    }
    results = [
        _evaluation_result(action, resource, evaluate(policies, action, resource, context))
        for action in call.params["ActionNames"]
        for resource in call.params.get("ResourceArns") or ["*"]
    ]
    return success_response(
        "iam", "SimulatePrincipalPolicy", {"EvaluationResults": results, "IsTruncated": False}
    )


def _evaluation_result(action: str, resource: str, outcome: Evaluation) -> dict[str, Any]:
    matched = [
        {"SourcePolicyId": p.source_id, "SourcePolicyType": p.source_type} for p in outcome.matched
    ]
    return {
        "EvalActionName": action,
        "EvalResourceName": resource,
        "EvalDecision": outcome.decision,
        "MatchedStatements": matched,
        "MissingContextValues": outcome.missing_context,
    }
