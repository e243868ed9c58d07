"""What painpath tells a person: statements that always carry reasons and sources."""

from __future__ import annotations

import enum

from pydantic import BaseModel, ConfigDict, Field


class Tier(enum.StrEnum):
    """Red-flag action tiers, most urgent first (clinical-spec §6.1)."""

    emergency = "EMERGENCY"
    urgent = "URGENT"
    soon = "SOON"
    safety_net = "SAFETY-NET"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Tier.emergency: 4, Tier.urgent: 3, Tier.soon: 2, Tier.safety_net: 1}


class Audience(enum.StrEnum):
    everyone = "everyone"
    patient = "patient"
    clinician = "clinician"


class Statement(BaseModel):
    """One thing painpath says, with why and on what evidence.

    `sources` are keys into content/references.yaml; `unverified` carries the label for
    anything the clinical spec marks UNVERIFIED, so it is never shown as settled fact."""

    model_config = ConfigDict(frozen=True)

    kind: str
    text: str
    reasons: tuple[str, ...] = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)
    audience: Audience = Audience.everyone
    rule: str | None = None
    unverified: str | None = None
    implementation_choice: str | None = None

    def for_audience(self, audience: Audience) -> bool:
        return self.audience in (Audience.everyone, audience)
