"""The evidence part of the diagnosis card: account, region, job, kind of deny, matched policy."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.blocks.elements import fields_section, section
from bot.blocks.mrkdwn import code, date, literal
from bot.models import POLICY_TYPE_NAMES, Denial, Diagnosis, Job, MatchedStatement

#: matched statements and conditions shown before "… and N more"
SHOWN_STATEMENTS = 3
SHOWN_CONDITIONS = 3
SHOWN_VALUES = 3


def evidence_blocks(diagnosis: Diagnosis, account_label: str | None) -> list[Block]:
    """Compact fields with the facts, then the matched statements of an explicit deny."""
    denial, job = diagnosis.denial, diagnosis.job
    fields = [
        _field("Account", _account(diagnosis, account_label)),
        _field("Region", literal((denial and denial.region) or (job and job.region) or "unknown")),
    ]
    if job is not None:
        fields.append(_field("Job", _job(job)))
    if denial is not None:
        fields.append(_field("Deny", deny_kind(denial)))
    blocks: list[Block] = [fields_section(fields)]
    if denial is not None and denial.explicit_deny and denial.matched_statements:
        blocks.append(section(matched_statements(denial.matched_statements)))
    return blocks


def deny_kind(denial: Denial) -> str:
    """'Explicit deny in an SCP', 'Implicit deny: no policy allows it', or 'Not known'."""
    where = _with_article(POLICY_TYPE_NAMES[denial.policy_type]) if denial.policy_type else None
    if denial.explicit_deny:
        return f"Explicit deny in {where}" if where else "Explicit deny"
    if denial.explicit_deny is False:
        noun = where.split(" ", 1)[1] if where else "policy"
        return f"Implicit deny: no {noun} allows it"
    return "Not known"


def matched_statements(statements: list[MatchedStatement]) -> str:
    """The first few matched statements with their conditions, then how many more there are."""
    lines = ["*Matched statements*"]
    lines += [_statement(s) for s in statements[:SHOWN_STATEMENTS]]
    hidden = len(statements) - SHOWN_STATEMENTS
    if hidden > 0:
        lines.append(f"… and {hidden} more")
    return "\n".join(lines)


def _statement(statement: MatchedStatement) -> str:
    name = code(statement.sid, 100) if statement.sid else "A statement with no Sid"
    conditions = list(statement.conditions.items())
    if not conditions:
        return f"• {name}, no condition"
    shown = [_condition(key, values) for key, values in conditions[:SHOWN_CONDITIONS]]
    more = len(conditions) - SHOWN_CONDITIONS
    tail = f"; and {more} more conditions" if more > 0 else ""
    return f"• {name}, condition " + "; ".join(shown) + tail


def _condition(key: str, values: list[str]) -> str:
    shown = ", ".join(code(v, 100) for v in values[:SHOWN_VALUES])
    more = len(values) - SHOWN_VALUES
    return f"{code(key, 120)}: {shown or 'no value'}" + (f" and {more} more" if more > 0 else "")


def _account(diagnosis: Diagnosis, account_label: str | None) -> str:
    if account_label:
        return literal(account_label, 200)
    account_id = (diagnosis.denial and diagnosis.denial.account_id) or (
        diagnosis.job and diagnosis.job.account_id
    )
    if diagnosis.account_name and account_id:
        return literal(f"{diagnosis.account_name} ({account_id})", 200)
    if diagnosis.denial and "account_id" in diagnosis.denial.redacted:
        return literal(f"{account_id} (masked in the paste)", 200)
    return literal(diagnosis.account_name or account_id or "unknown", 200)


def _job(job: Job) -> str:
    facts = [job.job_type, job.status or "status unknown"]
    when = f" · {date(job.creation_date)}" if job.creation_date else ""
    return f"{code(job.job_id, 140)}\n{literal(' · '.join(facts), 200)}{when}"


def _field(label: str, value: str) -> str:
    return f"*{label}*\n{value}"


def _with_article(name: str) -> str:
    return f"{'an' if name[0] in 'aeiouAEIOU' else 'a'} {name}"
