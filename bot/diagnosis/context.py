"""What every rule receives (``RuleContext``) and returns (``Hit``): plain data, no text.

Rules decide *that* something applies and supply the specifics (details for the text, the role a
policy goes on, the policy); the catalogue supplies every word shown to people.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.models import AuthorizationLookup, Denial, Job, ParsedInput, PolicyType, TrailLookup


@dataclass(frozen=True)
class RemedyParams:
    """The specifics of one catalogue remedy for this case."""

    attach_to: str | None = None
    policy: dict[str, Any] | None = None
    #: False when this case lacks what the automatic fix needs (ANDed with the catalogue's value)
    automatic: bool = True


@dataclass(frozen=True)
class Hit:
    """One rule conclusion: a catalogue code plus the values its texts and remedies need."""

    code: str
    details: Mapping[str, str] = field(default_factory=dict)
    remedies: Mapping[str, RemedyParams] = field(default_factory=dict)
    #: catalogue remedies of this code that do not apply to this case
    skip: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RuleContext:
    """The facts a rule may look at."""

    parsed: ParsedInput
    denial: Denial | None
    job: Job | None
    status_text: str  # the user's status text and the job's status message, "" when none
    authorization: AuthorizationLookup | None = None  # Access Troubleshooter's details, if asked
    cloudtrail: TrailLookup | None = None  # where a cut encoded message was looked for

    @property
    def action(self) -> str | None:
        """The normalised denied action."""
        return self.denial.action if self.denial else None

    @property
    def resource(self) -> str | None:
        """The resource whose check failed."""
        return self.denial.resource if self.denial else None

    @property
    def explicit_deny(self) -> bool | None:
        """True, False, or None when the inputs do not say."""
        return self.denial.explicit_deny if self.denial else None

    @property
    def policy_type(self) -> PolicyType | None:
        """The kind of policy that denied, when the inputs tell."""
        return self.denial.policy_type if self.denial else None

    @property
    def allow_can_help(self) -> bool:
        """An identity-policy Allow can fix this: no explicit deny, no guardrail policy at fault."""
        return self.explicit_deny is not True and self.policy_type in (None, "identity")


Rule = Callable[[RuleContext], list[Hit]]
