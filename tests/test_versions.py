"""Module versions (a short version for a 60 or 90 minute slot), their checks, and timing
truth in plans: unit tests on the model, the checks and the index."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from peerkit.browse.index import BROWSE_KINDS, browse_index, curriculum_index
from peerkit.checks import run_checks
from peerkit.load import load_folder, parse_module
from peerkit.model import Curriculum, Range
from peerkit.packs.build import module_pack_paths
from peerkit.sessions.agenda import agenda
from peerkit.sessions.checks import check_plan, check_plans
from peerkit.sessions.crib import say_line
from peerkit.sessions.load import parse_plan
from peerkit.sessions.model import Kind
from peerkit.sessions.versions import (
    module_versions,
    retimed,
    split_downloads,
    step_minutes,
)

from conftest import FIXTURES, ROOT

FILES = load_folder(ROOT / "modules")[0]
CURRICULUM = Curriculum(files=FILES)
MINIMAL = (FIXTURES / "minimal.md").read_text(encoding="utf-8")


def with_version(yaml_text: str) -> str:
    """The minimal module, its steps timed, with `yaml_text` added to its front-matter."""
    text = MINIMAL.replace("      - Pair up.", "      - Pair up (2 minutes).")
    text = text.replace("the other listens.", "the other listens (8-10 minutes).")
    text = text.replace("      - Swap over.", "      - Swap over (5-8 minutes).")
    return text.replace("---\n## About", yaml_text + "---\n## About")


def messages(text: str) -> list[str]:
    module_file, findings = parse_module(Path("listening.md"), text)
    assert module_file is not None, [f.format() for f in findings]
    return [f.format() for f in run_checks([module_file])]


# --- the reference curriculum -----------------------------------------------------------


@pytest.mark.parametrize("module_file", FILES, ids=[f.module.id for f in FILES])
def test_every_reference_module_has_a_short_version_of_60_to_90_minutes(module_file) -> None:
    module = module_file.module
    versions = {v.id: v for v in module_versions(module)}
    assert next(iter(versions)) == "standard"
    short = versions["short"]
    assert short.minutes.min >= 60 and short.minutes.max <= 90
    # Its running order fills the time it claims: welcome first, the close last, a break
    # only when it runs over 75 minutes.
    entries = short.day.entries
    assert short.minutes.min <= short.day.minutes <= short.minutes.max
    assert entries[0].kind is Kind.welcome
    assert entries[-1].activity is not None and "clos" in entries[-1].activity.id
    breaks = [e for e in entries if e.kind is Kind.break_]
    assert len(breaks) == (1 if short.minutes.max > 75 else 0)
    # Every activity's steps, as retimed, fit the minutes it has.
    for entry in entries:
        if entry.activity is not None:
            timed = [step_minutes(s) for s in entry.activity.steps]
            assert sum(t.min for t in timed if t) <= entry.minutes, entry.activity.id


def test_the_reference_versions_pass_the_checks() -> None:
    assert [f.format() for f in run_checks(FILES) if "versions." in f.message] == []


def test_the_catalogue_index_finds_modules_that_fit_60_and_90_minutes() -> None:
    index = curriculum_index(CURRICULUM, lambda m, a: f"{m}/#{a or ''}")
    fits_60 = [m["id"] for m in index["modules"] if m["shortest"] <= 60]
    fits_90 = [m["id"] for m in index["modules"] if m["shortest"] <= 90]
    assert fits_60 and len(fits_90) == len(index["modules"])
    # Without versions nothing would: every standard version runs two hours or more.
    assert all(m["duration"][0] > 90 for m in index["modules"])
    boundaries = next(m for m in index["modules"] if m["id"] == "boundaries")
    assert boundaries["versions"] == [
        {
            "id": "short",
            "label": "Short version",
            "minutes": [60, 75],
            "url": "boundaries/#boundaries-version-short",
            "items": [
                {
                    "kind": "welcome",
                    "text": "Welcome, introductions and group agreement",
                    "minutes": 10,
                },
                {"kind": "activity", "id": "boundaries-peer-friend-never", "minutes": 25},
                {"kind": "activity", "id": "boundaries-saying-no", "minutes": 20},
                {"kind": "activity", "id": "boundaries-closing-round", "minutes": 10},
            ],
        }
    ]


def test_the_browse_pages_index_carries_every_module_field_the_filter_reads() -> None:
    # The catalogue filters with index-modules.js (a slim copy of the index), not index.js:
    # a field filter.js reads that the slim copy leaves out filters silently wrong ("Fits in"
    # fell back to the standard duration and found no module under 90 minutes).
    filter_js = (ROOT / "src/peerkit/browse/assets/filter.js").read_text(encoding="utf-8")
    read = set(re.findall(r"\bmodule\.(\w+)", filter_js))
    assert {"shortest", "themes", "groupSize"} <= read
    full = curriculum_index(CURRICULUM, lambda m, a: f"{m}/#{a or ''}")
    for kind in BROWSE_KINDS:
        slim = browse_index(full, kind)["modules"]
        assert [sorted(read - m.keys()) for m in slim] == [[] for _ in slim], kind
    fits_90 = [m["id"] for m in browse_index(full, "modules")["modules"] if m["shortest"] <= 90]
    assert fits_90 == [m["id"] for m in full["modules"]]


# --- a version as it runs ------------------------------------------------------------------


def test_a_step_keeps_its_words_and_takes_the_versions_minutes() -> None:
    step = "Report back (8-10 minutes). Each group reads out one hard card."
    assert step_minutes(step) == Range(min=8, max=10)
    assert retimed(step, Range(min=5, max=5)) == (
        "Report back (5 minutes). Each group reads out one hard card."
    )
    assert step_minutes("Sort the cards (8-10 minutes, including forming groups).") == Range(
        min=8, max=10
    )
    assert retimed("Pair up.", Range(min=2, max=2)) == "Pair up. (2 minutes)"
    # Every way modules write a step's time, read as run mode reads it: never timed twice.
    assert retimed("Talk it through (about 8 minutes).", Range(min=3, max=3)) == (
        "Talk it through (3 minutes)."
    )
    assert step_minutes("Swap roles (10 minutes each way).") == Range(min=10, max=10)
    assert retimed("Swap (10 mins each way).", Range(min=6, max=6)) == "Swap (6 minutes each way)."


def test_the_short_version_runs_shortened_steps_and_its_own_prompts() -> None:
    boundaries = CURRICULUM.module("boundaries")
    assert boundaries is not None
    short = next(v for v in module_versions(boundaries) if v.id == "short")
    sort = short.module.activities[0]
    assert sort.id == "boundaries-peer-friend-never"
    assert sort.minutes == Range(min=25, max=25)
    assert (
        sort.steps[2].startswith("In turn, people pick a card") and "(8 minutes)" in sort.steps[2]
    )
    assert sort.facilitator_notes is not None
    assert sort.facilitator_notes.startswith("In this version: Give each group half the cards")
    assert [e.shortened for e in short.day.entries] == [False, True, False, False]
    assert len(short.module.reflection) == 3
    assert [a.id for a in short.module.activities] == [
        "boundaries-peer-friend-never",
        "boundaries-saying-no",
        "boundaries-closing-round",
    ]


def test_each_version_has_its_packs_named_after_it() -> None:
    boundaries = CURRICULUM.module("boundaries")
    assert boundaries is not None
    paths = dict(module_pack_paths(boundaries))
    assert paths["Crib sheet (one page)"] == "packs/modules/boundaries-crib-sheet.pdf"
    assert paths["Short version: Crib sheet (one page)"] == (
        "packs/modules/boundaries-short-crib-sheet.pdf"
    )
    assert paths["Short version: Facilitator pack"] == (
        "packs/modules/boundaries-short-facilitator-pack.pdf"
    )
    split = split_downloads(list(paths.items()), module_versions(boundaries))
    assert ("Facilitator pack", "packs/modules/boundaries-short-facilitator-pack.pdf") in split[
        "short"
    ]
    assert all("-short-" not in href for _, href in split["standard"])


def test_a_crib_sheet_quotes_what_to_say_in_a_sentence_or_two() -> None:
    boundaries = CURRICULUM.module("boundaries")
    assert boundaries is not None
    line = say_line(boundaries.activities[0])
    assert line is not None
    assert line.startswith("Peer support can feel a lot like friendship")
    assert len(line.split()) <= 40 and line.endswith((".", "?", "!"))


# --- the checks -----------------------------------------------------------------------


SHORT = """versions:
  - id: {id}
    label: Short version
    minutes: {minutes}
{extra}    activities:
      - activity: listening-pairs
        minutes: 15
"""


def version(id: str = "short", minutes: str = "20-30", extra: str = "") -> str:
    return with_version(SHORT.format(id=id, minutes=minutes, extra=extra))


def test_a_version_that_fits_its_time_passes() -> None:
    assert messages(version()) == []


def test_a_version_under_its_time_is_reported_with_the_sum() -> None:
    assert messages(version(minutes="40-45")) == [
        "listening.md:34: versions.short: the welcome (10), activities (15) and close (5) take "
        "30 minutes, less than the 40 it says it needs: give it minutes 30-45, or give an "
        "activity more time"
    ]


def test_standard_is_the_module_as_written() -> None:
    assert messages(version(id="standard")) == [
        "listening.md:32: versions.standard: 'standard' is the module as written; give this "
        "version another id"
    ]


def test_no_break_in_a_version_of_75_minutes_or_less() -> None:
    extra = "    break_after: listening-pairs\n"
    assert messages(version(extra=extra)) == [
        "listening.md:35: versions.short.break_after: the break cannot follow the last "
        "activity; name one before it"
    ]


def test_the_closing_activity_comes_last() -> None:
    extra = "    close_with: listening-pair\n"
    assert messages(version(extra=extra)) == [
        "listening.md:35: versions.short.close_with: 'listening-pair' is not in this version's "
        "activities (did you mean 'listening-pairs'?)"
    ]


def test_a_step_that_leads_into_the_break_is_followed_by_the_versions_break() -> None:
    path = ROOT / "modules" / "trauma-informed.md"
    text = path.read_text(encoding="utf-8").replace(
        "    break_after: trauma-informed-principles-in-practice",
        "    break_after: trauma-informed-what-happened",
    )
    module_file, findings = parse_module(path, text)
    assert module_file is not None, findings
    found = [f for f in run_checks([module_file]) if "versions." in f.message]
    assert [(f.severity.value, f.message) for f in found] == [
        (
            "warning",
            "versions.short: step 6 of 'trauma-informed-principles-in-practice' leads into the "
            "break, but in this version 'Grounding ideas, offered as invitations' follows it: "
            "leave the step out (steps: - step: 6, leave_out: true) or set break_after",
        )
    ]


def test_a_step_cannot_both_be_timed_and_left_out() -> None:
    text = version().replace(
        "        minutes: 15\n",
        "        minutes: 15\n        steps:\n          - step: 1\n            minutes: 1\n"
        "            leave_out: true\n",
    )
    module_file, findings = parse_module(Path("listening.md"), text)
    assert module_file is None
    assert any("give either 'minutes' or 'leave_out: true'" in f.message for f in findings)


# --- timing truth in plans ----------------------------------------------------------------

PLAN = """title: An evening
start: "18:30"
available: 60
items:
  - welcome: Welcome
    minutes: 10
  - activity: boundaries-saying-no
    minutes: 15
{shortened}  - close: Close
    minutes: 10
"""


def test_a_plan_may_not_squeeze_an_activity_below_its_shortest() -> None:
    plan_file, found = parse_plan(Path("evening.yml"), PLAN.format(shortened=""))
    assert plan_file is not None and found == []
    assert [f.format() for f in check_plan(plan_file, CURRICULUM)] == [
        "evening.yml:8: the activity 'boundaries-saying-no' is planned for 15 minutes, under "
        "its shortest (20): give it at least 20, or add 'shortened: true' to the item (the "
        "packs then say it is shortened)"
    ]


def test_a_plan_that_says_shortened_passes_and_the_agenda_says_so() -> None:
    text = PLAN.format(shortened="    shortened: true\n")
    plan_file, found = parse_plan(Path("evening.yml"), text)
    assert plan_file is not None and found == []
    assert check_plan(plan_file, CURRICULUM) == []
    entries = agenda(plan_file.plan, CURRICULUM)[0].entries
    assert [e.shortened for e in entries] == [False, True, False]


def test_only_activities_and_modules_can_be_shortened() -> None:
    text = PLAN.format(shortened="").replace(
        "  - close: Close\n    minutes: 10\n",
        "  - close: Close\n    minutes: 10\n    shortened: true\n",
    )
    plan_file, found = parse_plan(Path("evening.yml"), text)
    assert plan_file is None
    assert any("'shortened' is for activities and modules" in f.message for f in found)


def test_the_reference_plans_keep_every_activity_at_its_shortest_or_more() -> None:
    plans, found = check_plans(ROOT / "sessions", CURRICULUM)
    assert plans and [f.format() for f in found if "under its shortest" in f.message] == []
