"""Session plans: reading them, timing them to the clock and reporting mistakes at their line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from textwrap import dedent

import pytest

from peerkit.load import load_module
from peerkit.model import Curriculum
from peerkit.sessions.agenda import Entry, agenda
from peerkit.sessions.checks import check_plan, check_plans
from peerkit.sessions.load import parse_plan
from peerkit.sessions.model import Kind, PlanFile

from conftest import ROOT


@pytest.fixture(scope="module")
def curriculum() -> Curriculum:
    module_file, findings = load_module(ROOT / "modules" / "mutuality.md")
    assert module_file is not None, findings
    return Curriculum(files=[module_file])


def plan_of(text: str) -> PlanFile:
    plan_file, findings = parse_plan(Path("sessions/x.yml"), dedent(text))
    assert plan_file is not None, [f.format() for f in findings]
    return plan_file


def problems(text: str, curriculum: Curriculum) -> list[str]:
    plan_file, findings = parse_plan(Path("sessions/x.yml"), dedent(text))
    if plan_file is not None:
        findings = check_plan(plan_file, curriculum)
    return [f.format() for f in findings]


def times(entries: list[Entry]) -> list[tuple[str, str, int]]:
    return [(e.start.strftime("%H:%M"), e.title, e.minutes) for e in entries]


ONE_DAY = """\
title: Mutuality taster
start: "10:00"
available: 90
items:
  - welcome: Welcome and group agreement
    minutes: 10
  - activity: mutuality-both-give-both-receive
  - break: Tea
    minutes: 15
  - activity: mutuality-closing-round
    minutes: 12
"""


def test_items_follow_each_other_on_the_clock(curriculum: Curriculum) -> None:
    [day] = agenda(plan_of(ONE_DAY).plan, curriculum)
    assert times(day.entries) == [
        ("10:00", "Welcome and group agreement", 10),
        ("10:10", "Both give, both receive", 30),  # the longer end of 25-30
        ("10:40", "Tea", 15),
        ("10:55", "Closing round", 12),  # the plan's own minutes
    ]
    assert day.end == dt.time(11, 7)
    assert (day.minutes, day.overrun) == (67, 0)
    assert [e.kind for e in day.entries] == [
        Kind.welcome,
        Kind.activity,
        Kind.break_,
        Kind.activity,
    ]


def test_each_day_starts_the_clock_again(curriculum: Curriculum) -> None:
    plan = plan_of(
        """\
        title: Two mornings
        start: 09:30
        available: 60
        days:
          - date: 2026-12-01
            items:
              - welcome: Hello
                minutes: 20
              - activity: mutuality-closing-round
          - title: Second morning
            start: "13:15"
            items:
              - check_in: How are we?
                minutes: 25
              - close: Goodbye
                minutes: 5
        """
    ).plan
    first, second = agenda(plan, curriculum)
    # An unquoted 09:30 is a base-60 number to YAML 1.1; it still means half past nine.
    assert times(first.entries) == [("09:30", "Hello", 20), ("09:50", "Closing round", 15)]
    assert (first.title, first.date) == ("Day 1", dt.date(2026, 12, 1))
    assert times(second.entries) == [("13:15", "How are we?", 25), ("13:40", "Goodbye", 5)]
    assert second.title == "Second morning"


def test_a_whole_module_becomes_its_activities_and_can_be_squeezed(
    curriculum: Curriculum,
) -> None:
    plan = plan_of(
        """\
        title: Whole module
        start: "18:00"
        available: 180
        days:
          - items: [{module: mutuality}]
          - items: [{module: mutuality, minutes: 77}]
        """
    ).plan
    full, squeezed = agenda(plan, curriculum)
    module = curriculum.modules[0]
    assert [e.activity for e in full.entries] == module.activities
    assert [e.minutes for e in full.entries] == [a.minutes.max for a in module.activities]
    assert sum(e.minutes for e in squeezed.entries) == 77
    assert all(
        e.minutes < a.minutes.max for e, a in zip(squeezed.entries, module.activities, strict=True)
    )


def test_a_day_that_runs_over_is_an_error_with_the_overrun(curriculum: Curriculum) -> None:
    text = ONE_DAY.replace("available: 90", "available: 60")
    assert problems(text, curriculum) == [
        "sessions/x.yml:3: the plan runs 67 minutes, 7 over the 60 available: shorten or "
        "remove an item, or give more time"
    ]


def test_unknown_ids_are_reported_at_their_line_with_a_suggestion(curriculum: Curriculum) -> None:
    text = ONE_DAY.replace("mutuality-closing-round", "mutuality-closing-rnd")
    assert problems(text, curriculum) == [
        "sessions/x.yml:10: no activity 'mutuality-closing-rnd' "
        "(did you mean 'mutuality-closing-round'?)"
    ]
    assert problems(ONE_DAY + "  - module: mutality\n", curriculum) == [
        "sessions/x.yml:12: no module 'mutality' (did you mean 'mutuality'?)"
    ]


def test_items_without_timings_and_other_shapes_are_refused(curriculum: Curriculum) -> None:
    no_minutes = ONE_DAY.replace("    minutes: 15\n", "")
    assert problems(no_minutes, curriculum) == [
        "sessions/x.yml:8: items#3: 'break' needs 'minutes:' (how long it takes)"
    ]
    two_kinds = ONE_DAY.replace("  - break: Tea\n", "  - break: Tea\n    close: Bye\n")
    [message] = problems(two_kinds, curriculum)
    assert message.startswith("sessions/x.yml:8: items#3: an item needs exactly one of: activity,")
    assert message.endswith("(found break, close)")
    bad_time = ONE_DAY.replace('"10:00"', '"25:00"')
    assert problems(bad_time, curriculum) == [
        'sessions/x.yml:2: start: \'25:00\' is not a time of day; write it like "09:30" or "18:00"'
    ]
    both = ONE_DAY + "days: []\n"
    assert problems(both, curriculum) == [
        "sessions/x.yml:1: give either 'items' (one day) or 'days' (several), not both"
    ]


def test_unknown_keys_get_a_did_you_mean(curriculum: Curriculum) -> None:
    text = ONE_DAY.replace("available: 90", "availble: 90")
    assert "sessions/x.yml:3: unknown key 'availble' (did you mean 'available'?)" in problems(
        text, curriculum
    )


def test_the_reference_session_templates_check_clean_and_fit() -> None:
    from peerkit.load import load_folder

    files, findings, _ = load_folder(ROOT / "modules")
    assert not findings
    plans, findings = check_plans(ROOT / "sessions", Curriculum(files=files))
    assert [f.format() for f in findings] == []
    assert {p.id for p in plans} >= {
        "monthly-peer-support-hour",
        "network-gathering",
        "values-and-vision-workshop",
        "six-week-course",
    }
    course = next(p for p in plans if p.id == "six-week-course")
    planned = {
        e.module.id
        for d in agenda(course.plan, Curriculum(files=files))
        for e in d.entries
        if e.module
    }
    assert planned == {m.module.id for m in files}, "the course runs every module"


def test_the_planner_plans_each_item_for_the_minutes_a_plan_file_gets(
    curriculum: Curriculum,
) -> None:
    # The planner in the browser takes its default minutes from the index; a plan without
    # minutes gets the same from the agenda, and a module's own run-sheet too.
    from peerkit.browse.index import curriculum_index
    from peerkit.sessions.agenda import DEFAULT_MINUTES, module_agenda

    index = curriculum_index(curriculum, lambda module, anchor: f"{module}/")
    module = curriculum.modules[0]
    for listed, activity in zip(index["activities"], module.activities, strict=True):
        plan = plan_of(
            f'title: T\nstart: "10:00"\navailable: 480\nitems:\n  - activity: {activity.id}\n'
        )
        [day] = agenda(plan.plan, curriculum)
        assert listed["plannedMinutes"] == day.entries[0].minutes == activity.minutes.max
    assert {k["kind"]: k["minutes"] for k in index["kinds"]} == {
        "welcome": 10,
        "check_in": 10,
        "self_care": 15,
        "discussion": 20,
        "break": 15,
        "close": 10,
    }
    [own] = module_agenda(module)
    welcome, breaks = own.entries[0], [e for e in own.entries if e.kind is Kind.break_]
    assert welcome.minutes == DEFAULT_MINUTES[Kind.welcome]
    assert [e.minutes for e in breaks] == [DEFAULT_MINUTES[Kind.break_]]
