"""Open red flags, derived from the record: a check-in that stopped on a red flag, a
check-in left unfinished after an answer that routes to a human, or a next-morning
check with a warning sign, that no clinician has reviewed since (see
services/safety.py for what an open flag holds back). A review covers what its
subject showed when it was made: an unfinished check-in that goes on afterwards is
open again. Queries only, no access checks or audit: the callers (safety, patient
lists) do both."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from painpath.catalog import Catalog
from painpath.core.screening import FiredFlag, unfinished_flags
from painpath.core.statements import Tier
from painpath.store.models import Assessment, MorningCheck, Programme, SafetyReview

Kind = Literal["checkin", "morning_check"]


@dataclass(frozen=True)
class OpenFlag:
    kind: Kind
    event_id: int
    patient_id: int
    raised_at: datetime
    flags: tuple[FiredFlag, ...]  # most urgent first
    unfinished: bool = False  # a check-in left part-way, judged on what was answered

    @property
    def tier(self) -> Tier:
        return self.flags[0].tier

    @property
    def top(self) -> FiredFlag:
        return self.flags[0]

    @property
    def source(self) -> str:
        if self.kind == "morning_check":
            return "a next-morning check"
        return "an unfinished check-in" if self.unfinished else "a check-in"


@dataclass(frozen=True)
class Attention:
    """What puts a patient at the top of their clinician's list."""

    tier: Tier | None
    open_flags: int
    since: datetime | None
    programme_paused: bool

    @property
    def needed(self) -> bool:
        return self.open_flags > 0 or self.programme_paused

    def sort_key(self) -> tuple:
        # Most urgent tier first, then the flag waiting longest, then paused programmes.
        rank = self.tier.rank if self.tier else 0
        waiting = -self.since.timestamp() if self.since else 0.0
        return (-rank, -waiting, not self.programme_paused)


def open_flags(
    session: Session, catalog: Catalog, patient_ids: Collection[int]
) -> dict[int, list[OpenFlag]]:
    """Every open flag of these patients, oldest first. No audit: callers audit."""
    found: dict[int, list[OpenFlag]] = {pid: [] for pid in patient_ids}
    if not patient_ids:
        return found
    stopped = session.execute(
        select(
            Assessment.id, Assessment.patient_id, Assessment.completed_at, Assessment.result
        ).where(
            Assessment.patient_id.in_(patient_ids),
            Assessment.status == "stopped",
            ~exists().where(
                SafetyReview.assessment_id == Assessment.id,
                SafetyReview.reviewed_at >= Assessment.completed_at,
            ),
        )
    ).all()
    for aid, pid, at, result in stopped:
        flags = tuple(
            FiredFlag.model_validate(f)
            for f in ((result or {}).get("screening") or {}).get("flags", ())
        )
        if not flags:  # a stopped check-in always has a flag; be safe with old rows
            flags = (catalog.redflags.recheck.fallback.as_flag(),)
        found[pid].append(OpenFlag("checkin", aid, pid, at, flags))
    # An unfinished check-in is judged on the answers saved so far: one left after an
    # answer that routes to a human (or before the follow-up an emergency waits on) is
    # as open as one that stopped.
    unfinished = session.execute(
        select(
            Assessment.id,
            Assessment.patient_id,
            Assessment.updated_at,
            Assessment.answers,
            Assessment.step,
        ).where(
            Assessment.patient_id.in_(patient_ids),
            Assessment.status == "in_progress",
            ~exists().where(
                SafetyReview.assessment_id == Assessment.id,
                SafetyReview.reviewed_at >= Assessment.updated_at,
            ),
        )
    ).all()
    for aid, pid, at, answers, step in unfinished:
        routed = unfinished_flags(answers or {}, catalog.redflags, catalog.checkin, step)
        if routed:
            found[pid].append(OpenFlag("checkin", aid, pid, at, routed, unfinished=True))
    signs = session.execute(
        select(MorningCheck.id, Programme.patient_id, MorningCheck.logged_at, MorningCheck.flags)
        .join(Programme, Programme.id == MorningCheck.programme_id)
        .where(
            Programme.patient_id.in_(patient_ids),
            MorningCheck.warning_sign.is_(True),
            ~exists().where(
                SafetyReview.morning_check_id == MorningCheck.id,
                SafetyReview.reviewed_at >= MorningCheck.logged_at,
            ),
        )
    ).all()
    for mid, pid, at, stored in signs:
        flags = tuple(FiredFlag.model_validate(f) for f in stored or ())
        if not flags:  # checks saved before signs were asked one by one
            flags = (catalog.redflags.recheck.fallback.as_flag(),)
        found[pid].append(OpenFlag("morning_check", mid, pid, at, flags))
    for flags in found.values():
        flags.sort(key=lambda f: f.raised_at)
    return found


def attention(
    session: Session, catalog: Catalog, patient_ids: Collection[int]
) -> dict[int, Attention]:
    """Per patient: the highest open tier, how many flags, since when, and a paused
    programme (no audit: the caller's listing is audited)."""
    flags = open_flags(session, catalog, patient_ids)
    paused = (
        set(
            session.scalars(
                select(Programme.patient_id).where(
                    Programme.patient_id.in_(patient_ids), Programme.status == "paused"
                )
            ).all()
        )
        if patient_ids
        else set()
    )
    out = {}
    for pid in patient_ids:
        mine = flags.get(pid, [])
        out[pid] = Attention(
            tier=max((f.tier for f in mine), key=lambda t: t.rank, default=None),
            open_flags=len(mine),
            since=mine[0].raised_at if mine else None,
            programme_paused=pid in paused,
        )
    return out
