"""Which of my patients needs me today? The clinician's patient list with its alerts
(core/dashboard.py), risk group, adherence, trend and last activity, filtered, sorted
and paged.

Facts are gathered for all of the clinician's patients at once with one grouped query
per kind of fact (no per-patient queries), then ordered by the pure rules; a page is a
slice of that order. Alerts that depend on today (no sessions for N days, pain over the
limit this week) are computed at read time, so nothing goes stale between writes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from painpath.catalog import get_catalog
from painpath.core.dashboard import INACTIVE_DAYS, Alert, PatientFacts, alerts, order_key, trend
from painpath.core.progression import Thresholds
from painpath.core.tracking import Measured, series_statement
from painpath.services import audit, open_flags, patients
from painpath.services.context import Context
from painpath.services.patients import PatientView
from painpath.store.db import transaction
from painpath.store.models import Assessment, ExerciseLog, InstrumentResponse, Programme

PER_PAGE = 50
FILTERS = {
    "all": "Everyone",
    "alerts": "With an alert",
    "red_flag": "Open red flag",
    "worsening": "Getting worse",
    "pain_over_limit": "Pain above the limits",
    "inactive": "No recent sessions",
}


@dataclass(frozen=True)
class DashboardRow:
    patient: PatientView
    facts: PatientFacts
    alerts: tuple[Alert, ...]
    trend: str | None


@dataclass(frozen=True)
class DashboardPage:
    rows: tuple[DashboardRow, ...]
    total: int  # patients matching the filter and search
    page: int
    pages: int
    show: str


def dashboard(
    ctx: Context,
    *,
    search: str | None = None,
    show: str = "all",
    page: int = 1,
    per_page: int = PER_PAGE,
    inactive_days: int = INACTIVE_DAYS,
) -> DashboardPage:
    """The signed-in clinician's (or an admin's) patients, most pressing first."""
    listed = patients.list_patients(ctx, search)  # access checked and audited there
    show = show if show in FILTERS else "all"
    today = ctx.today()
    ids = [p.id for p in listed]
    with transaction(ctx.services.db) as session:
        facts = _facts(session, ctx, ids, today)
        audit.record(session, ctx, "dashboard.read", detail=f"{len(ids)} patients, {show}")
    rows = []
    for p in listed:
        f, arrow = facts.get(p.id, (PatientFacts(), None))
        rows.append(DashboardRow(p, f, tuple(alerts(f, today, inactive_days)), arrow))
    if show == "alerts":
        rows = [r for r in rows if r.alerts]
    elif show != "all":
        rows = [r for r in rows if any(a.kind == show for a in r.alerts)]
    rows.sort(key=lambda r: order_key(r.facts, list(r.alerts), r.patient.display_name))
    pages = max(1, -(-len(rows) // per_page))
    page = min(max(1, page), pages)
    start = (page - 1) * per_page
    return DashboardPage(tuple(rows[start : start + per_page]), len(rows), page, pages, show)


def _facts(
    session, ctx: Context, ids: list[int], today: date
) -> dict[int, tuple[PatientFacts, str | None]]:
    """Each patient's facts and trend arrow, from one grouped query per kind of fact."""
    if not ids:
        return {}
    catalog = get_catalog(ctx.settings.content_overrides)
    attention = open_flags.attention(session, catalog, ids)
    programmes = {
        pid: (prog_id, status, created, per_week, thresholds)
        for pid, prog_id, status, created, per_week, thresholds in session.execute(
            select(
                Programme.patient_id,
                Programme.id,
                Programme.status,
                Programme.created_at,
                Programme.sessions_per_week,
                Programme.thresholds,
            )
            .where(Programme.patient_id.in_(ids), Programme.status.in_(("active", "paused")))
            .order_by(Programme.id)
        ).all()
    }
    programme_ids = [v[0] for v in programmes.values()]
    by_programme = {v[0]: pid for pid, v in programmes.items()}
    last_session: dict[int, date] = {}
    recent_days: dict[int, int] = {}
    over_limit: dict[int, date] = {}
    if programme_ids:
        for prog_id, last in session.execute(
            select(ExerciseLog.programme_id, func.max(ExerciseLog.day))
            .where(ExerciseLog.programme_id.in_(programme_ids), ExerciseLog.completed.is_(True))
            .group_by(ExerciseLog.programme_id)
        ).all():
            last_session[by_programme[prog_id]] = last
        four_weeks = today - timedelta(days=28)
        for prog_id, days in session.execute(
            select(ExerciseLog.programme_id, func.count(func.distinct(ExerciseLog.day)))
            .where(
                ExerciseLog.programme_id.in_(programme_ids),
                ExerciseLog.completed.is_(True),
                ExerciseLog.day >= four_weeks,
                ExerciseLog.day < today,
            )
            .group_by(ExerciseLog.programme_id)
        ).all():
            recent_days[by_programme[prog_id]] = days
        week = today - timedelta(days=7)
        for prog_id, day, during, after in session.execute(
            select(
                ExerciseLog.programme_id,
                ExerciseLog.day,
                ExerciseLog.pain_during,
                ExerciseLog.pain_after,
            ).where(
                ExerciseLog.programme_id.in_(programme_ids),
                ExerciseLog.day >= week,
                (ExerciseLog.pain_during > 0) | (ExerciseLog.pain_after > 0),
            )
        ).all():
            pid = by_programme[prog_id]
            limits = Thresholds.model_validate(programmes[pid][4] or {})
            if (during or 0) > limits.during_max or (after or 0) > limits.after_max:
                over_limit[pid] = max(day, over_limit.get(pid, day))
    scores: dict[int, dict[str, list[Measured]]] = defaultdict(lambda: defaultdict(list))
    risk: dict[int, str] = {}
    for pid, instrument, value, category, on in session.execute(
        select(
            InstrumentResponse.patient_id,
            InstrumentResponse.instrument,
            InstrumentResponse.value,
            InstrumentResponse.category,
            InstrumentResponse.administered_on,
        )
        .where(InstrumentResponse.patient_id.in_(ids))
        .order_by(InstrumentResponse.administered_on, InstrumentResponse.id)
    ).all():
        if value is not None and instrument in catalog.instruments:
            scores[pid][instrument].append(Measured(on.date(), float(value)))
        if instrument == "sbst" and category:
            risk[pid] = category
    last_checkin = dict(
        session.execute(
            select(Assessment.patient_id, func.max(Assessment.completed_at))
            .where(Assessment.patient_id.in_(ids), Assessment.completed_at.is_not(None))
            .group_by(Assessment.patient_id)
        ).all()
    )
    out: dict[int, tuple[PatientFacts, str | None]] = {}
    for pid in ids:
        worse, labels = [], []
        for instrument, points in scores.get(pid, {}).items():
            found = series_statement(catalog.instruments[instrument].meta, points)
            if found is None:
                continue
            labels.append(found[0].label)
            if found[0].label == "clinically important deterioration":
                worse.append(catalog.instruments[instrument].meta.short_name)
        programme = programmes.get(pid)
        per_week = programme[3] if programme else None
        started = programme[2].date() if programme else None
        adherence = None
        if programme and started and started <= today - timedelta(days=28) and per_week:
            adherence = min(1.0, recent_days.get(pid, 0) / (per_week * 4))
        activity = [d for d in (last_session.get(pid),) if d]
        if last_checkin.get(pid):
            activity.append(last_checkin[pid].date())
        need = attention.get(pid)
        out[pid] = (
            PatientFacts(
                open_flag_tier=need.tier if need else None,
                open_flag_since=need.since.date() if need and need.since else None,
                worsening=tuple(worse),
                pain_over_limit_on=over_limit.get(pid),
                last_session=last_session.get(pid),
                programme_active=bool(programme and programme[1] == "active"),
                programme_started=started,
                risk_group=risk.get(pid),
                adherence=adherence,
                last_activity=max(activity) if activity else None,
            ),
            trend(labels),
        )
    return out
