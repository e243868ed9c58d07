"""The dashboard's ordering rules: alerts first (red flag by tier, worsening, pain above
the limits, no sessions for N days), then risk group, adherence, last activity."""

from __future__ import annotations

from datetime import date, timedelta

from painpath.core.dashboard import PatientFacts, alerts, order_key, trend
from painpath.core.statements import Tier

TODAY = date(2026, 12, 5)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def ordered(people: dict[str, PatientFacts]) -> list[str]:
    return sorted(people, key=lambda n: order_key(people[n], alerts(people[n], TODAY), n))


def test_alerts_come_in_order_of_how_pressing_they_are():
    everything = PatientFacts(
        open_flag_tier=Tier.urgent,
        open_flag_since=ago(1),
        worsening=("RMDQ",),
        pain_over_limit_on=ago(2),
        programme_active=True,
        last_session=ago(9),
    )
    assert [a.kind for a in alerts(everything, TODAY)] == [
        "red_flag",
        "worsening",
        "pain_over_limit",
        "inactive",
    ]


def test_a_red_flag_ranks_by_its_tier_and_then_by_how_long_it_has_waited():
    people = {
        "soon": PatientFacts(open_flag_tier=Tier.soon, open_flag_since=ago(5)),
        "emergency": PatientFacts(open_flag_tier=Tier.emergency, open_flag_since=ago(0)),
        "urgent new": PatientFacts(open_flag_tier=Tier.urgent, open_flag_since=ago(0)),
        "urgent old": PatientFacts(open_flag_tier=Tier.urgent, open_flag_since=ago(3)),
        "worse": PatientFacts(worsening=("ODI",)),
    }
    assert ordered(people) == ["emergency", "urgent old", "urgent new", "soon", "worse"]


def test_pain_above_the_limits_alerts_for_a_week():
    assert alerts(PatientFacts(pain_over_limit_on=ago(7)), TODAY)
    assert not alerts(PatientFacts(pain_over_limit_on=ago(8)), TODAY)


def test_no_sessions_for_n_days_only_with_a_running_programme():
    idle = PatientFacts(programme_active=True, last_session=ago(7))
    assert [a.kind for a in alerts(idle, TODAY)] == ["inactive"]
    assert "7 days" in alerts(idle, TODAY)[0].text
    assert not alerts(PatientFacts(programme_active=True, last_session=ago(6)), TODAY)
    assert not alerts(PatientFacts(programme_active=False, last_session=ago(30)), TODAY)
    never = PatientFacts(programme_active=True, programme_started=ago(10))
    assert alerts(never, TODAY)[0].since == ago(10)
    assert alerts(idle, TODAY, inactive_days=14) == []


def test_without_alerts_risk_then_adherence_then_last_activity_then_name():
    people = {
        "b low risk": PatientFacts(risk_group="low", adherence=0.2),
        "a high risk": PatientFacts(risk_group="high", adherence=1.0),
        "c medium, poor adherence": PatientFacts(risk_group="medium", adherence=0.3),
        "d medium, good adherence": PatientFacts(risk_group="medium", adherence=0.9),
        "f no data": PatientFacts(),
        "e no data, long ago": PatientFacts(last_activity=ago(40)),
        "alerted": PatientFacts(programme_active=True, last_session=ago(20)),
    }
    assert ordered(people) == [
        "alerted",
        "a high risk",
        "c medium, poor adherence",
        "d medium, good adherence",
        "b low risk",
        "f no data",
        "e no data, long ago",
    ]


def test_the_trend_arrow():
    assert trend([]) is None
    assert trend(["clinically important improvement", "possible deterioration"]) == "worse"
    assert trend(["small improvement"]) == "better"
    assert trend(["no reliable change", "cannot show improvement from this baseline"]) == "same"
