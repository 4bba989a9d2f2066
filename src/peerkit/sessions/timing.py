"""Timing truth in plans: an activity runs in at least its shortest time unless the plan
says it is shortened (and then the packs' agenda says so too)."""

from __future__ import annotations

from collections.abc import Iterator

from peerkit.findings import Finding
from peerkit.model import Curriculum
from peerkit.sessions.model import Kind, PlanFile


def too_short(plan_file: PlanFile, curriculum: Curriculum) -> Iterator[Finding]:
    """Activities (and whole modules) planned in fewer minutes than their shortest, where
    the item does not say `shortened: true`."""
    plan = plan_file.plan
    for d, day in enumerate(plan.each_day()):
        for i, item in enumerate(day.items):
            if item.minutes is None or item.shortened:
                continue
            shortest, what = None, ""
            if item.kind is Kind.activity:
                found = curriculum.activity(item.value)
                if found is not None:
                    shortest, what = found[1].minutes.min, f"activity '{item.value}'"
            elif item.kind is Kind.module:
                module = curriculum.module(item.value)
                if module is not None:
                    shortest, what = module.activity_minutes().min, f"module '{item.value}'"
            if shortest is None or item.minutes >= shortest:
                continue
            yield Finding(
                plan_file.path,
                plan_file.line_of(*plan_file.item_key(d, i), "minutes"),
                f"the {what} is planned for {item.minutes} minutes, under its shortest "
                f"({shortest}): give it at least {shortest}, or add 'shortened: true' to the "
                "item (the packs then say it is shortened)",
            )
