"""The progress charts, built once from a Progress for the web page and the PDF report
alike: pain over time, each outcome score with its baseline and the change that
matters, the chosen activities, and sessions week by week. Each chart has a title, a
text alternative that says what it shows, and a data table with the same numbers."""

from __future__ import annotations

from painpath.reports.charts import Chart, Series, bar_chart, line_chart
from painpath.services.tracking import Progress, ScoreSeries


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def pain_chart(p: Progress) -> Chart | None:
    if not (p.morning_pain or p.session_pain):
        return None
    series = []
    if p.morning_pain:
        series.append(Series("Morning pain", [(m.on, m.value) for m in p.morning_pain]))
    if p.session_pain:
        series.append(
            Series("Highest pain during exercise", [(m.on, m.value) for m in p.session_pain])
        )
    days = [m.on for s in (p.morning_pain, p.session_pain) for m in s]
    if p.pain_limit is not None and days:
        limit = float(p.pain_limit)
        series.append(
            Series(
                f"Limit during exercise ({p.pain_limit})",
                [(min(days), limit), (max(days), limit)],
                reference=True,
            )
        )
    latest = max((m for s in (p.morning_pain, p.session_pain) for m in s), key=lambda m: m.on)
    alt = (
        f"Pain from 0 to 10 on {len(set(days))} days, from {min(days):%d %b} to "
        f"{max(days):%d %b %Y}; the latest rating was {_fmt(latest.value)} on {latest.on:%d %b}."
    )
    return line_chart(
        "Pain over time (0 = none, 10 = worst)", alt, series, y_range=(0, 10), y_title="pain"
    )


def score_chart(s: ScoreSeries) -> Chart | None:
    if not s.points:
        return None
    first, latest = s.points[0], s.points[-1]
    series = [Series(s.name, [(m.on, m.value) for m in s.points])]
    span = [first.on, latest.on] if latest.on != first.on else [first.on]
    series.append(
        Series(f"Baseline ({_fmt(first.value)})", [(d, first.value) for d in span], reference=True)
    )
    if s.mcid_points is not None:
        step = s.mcid_points if s.higher_better else -s.mcid_points
        target = min(max(first.value + step, s.score_range[0]), s.score_range[1])
        series.append(
            Series(
                f"Change that matters ({_fmt(target)})", [(d, target) for d in span], reference=True
            )
        )
    better = "higher" if s.higher_better else "lower"
    alt = (
        f"{s.name} ({s.plain_name}), {better} is better: {len(s.points)} score"
        f"{'s' if len(s.points) != 1 else ''}, from {_fmt(first.value)} on {first.on:%d %b %Y} "
        f"to {_fmt(latest.value)} on {latest.on:%d %b %Y}."
    )
    return line_chart(
        f"{s.name}: {s.plain_name} ({better} is better)",
        alt,
        series,
        y_range=s.score_range,
        y_title=s.unit or "score",
    )


def activities_chart(p: Progress) -> Chart | None:
    if not p.activities:
        return None
    labels = [a.name[:40] for a in p.activities]
    alt = "; ".join(
        f"{a.name[:40]}: {_fmt(a.first.value)} at first, {_fmt(a.latest.value)} latest"
        for a in p.activities
    )
    return bar_chart(
        "The activities you chose (0 = cannot do, 10 = as before)",
        alt + ".",
        labels,
        [
            ("First rating", [a.first.value for a in p.activities]),
            ("Latest", [a.latest.value for a in p.activities]),
        ],
        y_range=(0, 10),
        y_title="ability",
    )


def adherence_chart(p: Progress) -> Chart | None:
    plan = p.adherence
    if plan is None or not plan.weeks:
        return None
    labels = [f"Week {w.number}" + ("" if w.complete else " (so far)") for w in plan.weeks]
    alt = "; ".join(f"week {w.number}: {w.done} of {w.planned}" for w in plan.weeks)
    return bar_chart(
        "Session days each week, against the plan",
        f"Session days done against planned: {alt}.",
        labels,
        [("Done", [w.done for w in plan.weeks]), ("Planned", [w.planned for w in plan.weeks])],
        y_range=(0, 7),
        y_title="days",
    )


def progress_charts(p: Progress) -> list[Chart]:
    charts = [
        pain_chart(p),
        *(score_chart(s) for s in p.scores),
        activities_chart(p),
        adherence_chart(p),
    ]
    return [c for c in charts if c is not None]
