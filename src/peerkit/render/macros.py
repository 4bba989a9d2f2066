"""The macros a page may call (`activity`, `reflection`, `handout`, `module_card`…) and the
state of the page they place things on.

Each macro renders one of peerkit's fragments in the sandboxed environment of
`peerkit.render.env`; a site may override any of them by placing a file of the same name in
`overrides/peerkit/`. On a module page each fragment becomes a *slot* (see
`peerkit.render.page`), so peerkit's own HTML never passes through Markdown or the cleaner.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from peerkit.anchors import prompt_anchors, section_anchors
from peerkit.findings import did_you_mean
from peerkit.incremental import ALL as EVERY_MODULE
from peerkit.model import Curriculum, Module
from peerkit.render.env import TEMPLATES, shared_sandbox
from peerkit.site import SiteSettings

MACRO_NAMES = ("activity", "reflection", "handout", "module_card", "module_cards", "signposting")
"""What a module body or a docs page may call."""

DOCS_MACRO_NAMES = (
    *MACRO_NAMES,
    "contact",
    "licence",
    "privacy_statement",
    "safety_page",
    "safety_procedure",
)
"""What a docs page may call: the module macros, and the organisation's own details."""

Link = Callable[[str, str | None], str]
"""`link(module_id, anchor)` → an href from the page being rendered to that module."""

Download = tuple[str, str]
"""(label, href) of a file to download, e.g. a PDF pack, relative to the page."""


def default_link(module_id: str, anchor: str | None = None) -> str:
    """Links between module pages that sit side by side at `<prefix>/<id>/`."""
    return f"../{module_id}/" + (f"#{anchor}" if anchor else "")


class MacroError(Exception):
    """A macro was called wrongly from a page (e.g. with an unknown id)."""


@dataclass
class _PageState:
    """One page being rendered: what its body has placed, and its slots if it has any."""

    module: Module | None
    link: Link
    slots: dict[str, str] | None = None
    placed_activities: list[str] = field(default_factory=list)
    placed_prompts: list[str] = field(default_factory=list)
    """Owners (module or activity ids) whose reflection prompts are on the page."""
    placed_handouts: list[str] = field(default_factory=list)
    placed_signposting: bool = False
    downloads: Sequence[Download] = ()
    """Files a docs page links to (the safety prints), relative to the page."""
    uses: set[str] = field(default_factory=set)
    """Ids of the modules whose data the page shows (`EVERY_MODULE` for all): while `serve`
    runs, the page is rendered again when one of them changes."""


class Macros:
    """The macros of one curriculum. Create one per build; it holds no page state between calls."""

    def __init__(
        self,
        curriculum: Curriculum,
        template_dirs: Sequence[Path] = (),
        settings: SiteSettings | None = None,
        *,
        pages: bool = True,
    ) -> None:
        self.curriculum = curriculum
        self.settings = settings or SiteSettings()
        self.fragments = shared_sandbox([*template_dirs, TEMPLATES])
        self.pages = pages
        """False when only the mistakes are wanted (`peerkit check`): every macro still looks
        up and places what it is asked for, and raises where it would, but peerkit's own
        fragments (its templates, filled from checked data) are not rendered."""
        self._state: _PageState | None = None
        # Slot names are unguessable, so a body cannot forge one.
        self._nonce = secrets.token_hex(8)

    # --- page state ---------------------------------------------------------------------

    @contextmanager
    def page(
        self,
        module: Module | None,
        link: Link = default_link,
        *,
        slots: bool = False,
        downloads: Sequence[Download] = (),
    ) -> Iterator[_PageState]:
        """Render macros for one page: `module` is the page's module, if it is a module page."""
        outer, self._state = self._state, _PageState(module, link, {} if slots else None)
        self._state.downloads = downloads
        try:
            yield self._state
        finally:
            self._state = outer

    @property
    def state(self) -> _PageState:
        return self._state or _PageState(None, default_link)

    def _fragment(self, name: str, **context: Any) -> Markup:
        html = (
            self.fragments.get_template(name).render(link=self.state.link, **context)
            if self.pages
            else ""
        )
        slots = self.state.slots
        if slots is None:
            # Blank lines would end Markdown's raw HTML block, so a fragment never has one.
            return Markup("\n\n" + re.sub(r"\n\s*\n", "\n", html.strip()) + "\n\n")
        key = f"{self._nonce}-{len(slots)}"
        slots[key] = html.strip()
        return Markup(f'\n\n<div data-peerkit-slot="{key}"></div>\n\n')

    # --- macros -------------------------------------------------------------------------

    def activity(self, activity_id: str) -> Markup:
        found = self.curriculum.activity(str(activity_id))
        if found is None:
            known = [a.id for m in self.curriculum.modules for a in m.activities]
            raise MacroError(
                f"activity('{activity_id}'): no activity with that id"
                f"{did_you_mean(str(activity_id), known)}"
            )
        module, activity = found
        self.state.uses.add(module.id)
        if activity.id in self.state.placed_activities:
            raise MacroError(f"activity('{activity_id}') is already on this page")
        self.state.placed_activities.append(activity.id)
        self._place_prompts(activity.id, bool(activity.reflection))
        here = self.state.module
        return self._fragment(
            "activity.html",
            module=module,
            activity=activity,
            elsewhere=here is not None and here.id != module.id,
            prompts=prompt_anchors(activity.id, activity.reflection),
            handouts=[h for h in (module.handout(i) for i in activity.handouts) if h],
        )

    def reflection(self, of: str | None = None) -> Markup:
        """Reflection prompts of a module or an activity (default: this page's module)."""
        if of is None:
            if self.state.module is None:
                raise MacroError(
                    "reflection(): name a module or an activity, e.g. reflection('self-care')"
                )
            of = self.state.module.id
        module = self.curriculum.module(str(of))
        if module is not None:
            self.state.uses.add(module.id)
            self._place_prompts(module.id, True)
            return self._fragment(
                "reflection.html",
                heading="Reflection",
                anchor=section_anchors(module)["reflection"],
                level=2,
                prompts=prompt_anchors(module.id, module.reflection),
            )
        found = self.curriculum.activity(str(of))
        if found is None:
            raise MacroError(f"reflection('{of}'): no module or activity with that id")
        self.state.uses.add(found[0].id)
        _, activity = found
        if not activity.reflection:
            raise MacroError(f"reflection('{of}'): that activity has no reflection prompts")
        self._place_prompts(activity.id, True)
        return self._fragment(
            "reflection.html",
            heading=f"Reflection: {activity.title}",
            anchor=f"{activity.id}-reflection",
            level=2,
            prompts=prompt_anchors(activity.id, activity.reflection),
        )

    def _place_prompts(self, owner: str, has_prompts: bool) -> None:
        if not has_prompts:
            return
        if owner in self.state.placed_prompts:
            raise MacroError(f"the reflection prompts of '{owner}' are already on this page")
        self.state.placed_prompts.append(owner)

    def handout(self, handout_id: str) -> Markup:
        """A handout: this page's module's own first, then any module's."""
        here = [self.state.module] if self.state.module else []
        for module in [*here, *self.curriculum.modules]:
            found = module.handout(str(handout_id))
            if found is not None:
                self.state.uses.add(module.id)
                if found.id in self.state.placed_handouts:
                    raise MacroError(f"handout('{handout_id}') is already on this page")
                self.state.placed_handouts.append(found.id)
                return self._fragment("handout.html", module=module, handout=found, level=2)
        raise MacroError(f"handout('{handout_id}'): no handout with that id")

    def module_card(self, module_id: str, level: int = 3) -> Markup:
        module = self.curriculum.module(str(module_id))
        if module is None:
            hint = did_you_mean(str(module_id), [m.id for m in self.curriculum.modules])
            raise MacroError(f"module_card('{module_id}'): no module with that id{hint}")
        self.state.uses.add(module.id)
        return self._fragment("module_card.html", module=module, level=_level(level))

    def module_cards(self, level: int = 3) -> Markup:
        """A card for every module, in curriculum order."""
        self.state.uses.add(EVERY_MODULE)
        return self._fragment(
            "module_cards.html", modules=self.curriculum.modules, level=_level(level)
        )

    def signposting(self, level: int = 2) -> Markup:
        """The organisation's list of other support services."""
        module = self.state.module
        if self.state.placed_signposting:
            raise MacroError("signposting() is already on this page")
        self.state.placed_signposting = True
        anchor = section_anchors(module)["support"] if module else "where-to-find-support"
        return self._fragment(
            "signposting.html", settings=self.settings, anchor=anchor, level=_level(level)
        )

    def contact(self) -> Markup:
        """How to reach the organisation (the plugin's `contact` settings)."""
        return self._fragment("contact.html", settings=self.settings)

    def licence(self) -> Markup:
        """How others may reuse the material (the plugin's `licence` setting)."""
        return self._fragment("licence.html", settings=self.settings)

    def privacy_statement(self) -> Markup:
        """What the site does, and does not do, with its visitors' data: true of every
        peerkit site, because peerkit builds it so."""
        return self._fragment("privacy.html", settings=self.settings)

    def safety_page(self, level: int = 2) -> Markup:
        """What to do if someone is not safe, with the organisation's contacts (fill-in
        lines where the `safety` settings are empty) and links to the safety prints."""
        return self._fragment(
            "safety.html",
            settings=self.settings,
            anchor="if-someone-is-not-safe",
            level=_level(min(level, 5)),
            downloads=self.state.downloads,
        )

    def safety_procedure(self, level: int = 2) -> Markup:
        """The template safety and safeguarding procedure, filled from the `safety` settings."""
        return self._fragment(
            "safety_procedure.html",
            settings=self.settings,
            anchor="safety-procedure",
            level=_level(min(level, 5)),
            downloads=self.state.downloads,
        )

    def macros(self) -> dict[str, Callable[..., Markup]]:
        """The macros a page may call, by name."""
        return {name: getattr(self, name) for name in MACRO_NAMES}


def _level(level: Any) -> int:
    if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 6:
        raise MacroError(f"level={level!r}: a heading level is a whole number from 1 to 6")
    return level


__all__ = [
    "DOCS_MACRO_NAMES",
    "MACRO_NAMES",
    "Download",
    "Link",
    "MacroError",
    "Macros",
    "default_link",
]
