"""The Modules section of the navigation in groups (peerkit.navgroups)."""

from __future__ import annotations

from peerkit.load import load_folder
from peerkit.model import Module
from peerkit.navgroups import OTHER, nav_groups, unknown_ids

from conftest import ROOT

MODULES: list[Module] = [f.module for f in load_folder(ROOT / "modules")[0]]


def many(count: int, themes: list[str]) -> list[Module]:
    """`count` modules, each a copy of a reference module with a title and first theme of
    its own."""
    return [
        MODULES[n % len(MODULES)].model_copy(
            update={
                "id": f"m{n}",
                "title": f"{chr(ord('A') + n % 26)} module {n}",
                "themes": [themes[n % len(themes)]],
            }
        )
        for n in range(count)
    ]


def titles(groups: list[tuple[str, list[Module]]] | None) -> list[str]:
    assert groups is not None
    return [title for title, _ in groups]


def test_a_short_list_stays_flat_and_a_long_one_is_grouped_by_theme() -> None:
    assert nav_groups(MODULES, "auto", 30) is None
    modules = many(40, ["boundaries", "self-care"])
    groups = nav_groups(modules, "auto", 30)
    assert titles(groups) == ["Boundaries", "Self-care"]
    assert groups is not None
    assert sorted(m.id for _, members in groups for m in members) == sorted(m.id for m in modules)
    assert nav_groups(modules, "none", 30) is None


def test_a_theme_with_more_modules_than_a_group_holds_is_split_by_title() -> None:
    groups = nav_groups(many(45, ["power"]), "theme", 20)
    assert titles(groups) == [
        f"Power ({span})" for span in ("A\N{EN DASH}H", "H\N{EN DASH}O", "P\N{EN DASH}Z")
    ]
    assert groups is not None
    assert all(len(members) <= 20 for _, members in groups)


def test_a_site_chooses_its_own_groups_and_the_rest_go_under_other_modules() -> None:
    mapping = {"Start here": ["peer-support-recovery", "mutuality"], "Later": ["no-such"]}
    groups = nav_groups(MODULES, mapping, 30)
    assert titles(groups) == ["Start here", OTHER]
    assert groups is not None
    assert [m.id for m in groups[0][1]] == ["peer-support-recovery", "mutuality"]
    assert len(groups[1][1]) == len(MODULES) - 2
    assert unknown_ids(MODULES, mapping) == ["no-such"]


def test_titles_group_a_to_z() -> None:
    groups = nav_groups(many(52, ["x"]), "title", 26)
    assert titles(groups) == ["A\N{EN DASH}M", "N\N{EN DASH}Z"]


def test_groups_with_numbers_come_in_number_order() -> None:
    groups = nav_groups(many(12, ["topic 10", "topic 2", "topic 1"]), "theme", 30)
    assert titles(groups) == ["Topic 1", "Topic 2", "Topic 10"]


def test_a_group_of_one_module_may_name_it_without_a_list() -> None:
    # `Start: mutuality` in mkdocs.yml, not `Start: [mutuality]`: the module, not its letters.
    mapping: dict[str, list[str]] = {"Start": "mutuality"}  # type: ignore[dict-item]
    groups = nav_groups(MODULES, mapping, 30)
    assert groups is not None
    assert [m.id for m in groups[0][1]] == ["mutuality"]
    assert unknown_ids(MODULES, mapping) == []
