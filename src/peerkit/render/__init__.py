"""Curriculum data to HTML fragments and module pages.

Fragments (activity, reflection, handout, module card…) come from peerkit's templates, in an
autoescaping sandboxed Jinja environment; a site may override any of them by placing a file
of the same name in `overrides/peerkit/`. Module bodies are untrusted and render through
`peerkit.render.body`, which allows nothing but text and macro calls.

A module page is Markdown in which every fragment is a *slot*, a placeholder element. After
a Markdown renderer has turned the page into HTML, `RenderedModule.finish` cleans each run of
the author's HTML on its own (so an unclosed tag cannot swallow what follows) and puts the
fragments back, so peerkit's own HTML never passes through Markdown or the cleaner.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from peerkit.findings import Finding, did_you_mean
from peerkit.model import (
    STANDARD_VERSION,
    Activity,
    Curriculum,
    Handout,
    Module,
    ModuleFile,
    Prompt,
)
from peerkit.render.body import BodyProblem, render_body
from peerkit.render.sanitize import clean_html
from peerkit.render.text import inline, plain
from peerkit.sessions.crib import first_sentence, say_line
from peerkit.sessions.versions import module_versions, split_downloads
from peerkit.site import SiteSettings

if TYPE_CHECKING:  # peerkit.packs uses this module's templates and filters
    from peerkit.packs import Session

TEMPLATES = Path(__file__).parent / "templates"

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


class PageError(Exception):
    """A module page that failed to render; carries findings with file and line."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("; ".join(f.message for f in findings))
        self.findings = findings


_SLOT = re.compile(r'<div data-peerkit-slot="([0-9a-f]+-[0-9]+)"></div>')
_ANY_ID = re.compile(r'\sid="([^"]*)"')

SECTIONS = (
    "outcomes",
    "running-order",
    "versions",
    "reflection",
    "handouts",
    "easy-read",
    "support",
    "about",
)
"""The module page's own sections; each has the anchor `<module id>-<section>`."""


def section_anchors(module: Module) -> dict[str, str]:
    return {name: f"{module.id}-{name}" for name in SECTIONS}


def page_anchors(module_file: ModuleFile) -> list[tuple[str, int]]:
    """The anchors peerkit puts on a module's page, each with the line that names it."""
    f, module = module_file, module_file.module
    anchors = [(module.id, f.line_of("id"))]
    anchors += [(anchor, f.line_of("id")) for anchor in section_anchors(module).values()]
    for i, activity in enumerate(module.activities):
        anchors.append((activity.id, f.line_of("activities", i, "id")))
    for i, handout in enumerate(module.handouts):
        anchors.append((f"handout-{handout.id}", f.line_of("handouts", i, "id")))
    if module.versions:
        # A version id used twice, or `standard`, has its own finding (check_versions).
        named = {STANDARD_VERSION: f.line_of("id")}
        for i, version in enumerate(module.versions):
            named.setdefault(version.id, f.line_of("versions", i, "id"))
        for version_id, where in named.items():
            anchors.append((f"{module.id}-version-{version_id}", where))
            anchors.append((f"{module.id}-crib-{version_id}", where))
    owners = [(module.id, ("reflection",), module.reflection)] + [
        (a.id, ("activities", i, "reflection"), a.reflection)
        for i, a in enumerate(module.activities)
    ]
    for owner, key, prompts in owners:
        for index, (anchor, _) in enumerate(prompt_anchors(owner, prompts)):
            anchors.append((anchor, f.line_of(*key, index)))
    return anchors


@dataclass
class RenderedModule:
    """A module page: Markdown with slots, and the HTML fragment for each slot."""

    source: ModuleFile
    markdown: str
    fragments: dict[str, str]

    @property
    def title(self) -> str:
        return self.source.module.title

    @property
    def description(self) -> str:
        return self.source.module.summary

    def finish(self, html: str) -> str:
        """The page's final HTML from the HTML its Markdown became.

        Raises `PageError` if a fragment did not survive Markdown (a macro call inside an
        HTML comment, say) or if two elements on the page share an id.
        """
        parts = _SLOT.split(html)
        lost = self.fragments.keys() - set(parts[1::2])
        if lost:
            raise PageError(
                [
                    self._finding(
                        "a block peerkit placed on this page was lost (is a macro call "
                        "inside a code block or an HTML comment?)"
                    )
                ]
            )
        for index in range(len(parts)):
            if index % 2:
                parts[index] = self.fragments.get(parts[index], "")
            elif parts[index].strip():
                parts[index] = clean_html(parts[index])
        page = "".join(parts)
        self._check_ids(page)
        return page

    def _check_ids(self, page: str) -> None:
        lines = dict(page_anchors(self.source))
        seen: set[str] = set()
        repeated: list[str] = []
        for anchor in _ANY_ID.findall(page):
            if anchor in seen and anchor not in repeated:
                repeated.append(anchor)
            seen.add(anchor)
        if repeated:
            raise PageError(
                [
                    self._finding(
                        f"the anchor #{anchor} is on the page more than once: rename a heading or "
                        "an id so that links land in one place",
                        lines.get(anchor),
                    )
                    for anchor in repeated
                ]
            )

    def _finding(self, message: str, line: int | None = None) -> Finding:
        return Finding(self.source.path, line or self.source.body_line, message)


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


class Renderer:
    """Renders one curriculum. Create one per build; it holds no page state between calls."""

    def __init__(
        self,
        curriculum: Curriculum,
        template_dirs: Sequence[Path] = (),
        settings: SiteSettings | None = None,
    ) -> None:
        self.curriculum = curriculum
        self.settings = settings or SiteSettings()
        loader = jinja2.FileSystemLoader([*map(str, template_dirs), str(TEMPLATES)])
        self.fragments = ImmutableSandboxedEnvironment(
            loader=loader,
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # one Renderer per build: no need to stat templates per call
        )
        self.fragments.filters.update(FILTERS)
        self.fragments.filters["say_line"] = say_line
        self.fragments.filters["first_sentence"] = first_sentence
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
        html = self.fragments.get_template(name).render(link=self.state.link, **context)
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
        return self._fragment("module_card.html", module=module, level=_level(level))

    def module_cards(self, level: int = 3) -> Markup:
        """A card for every module, in curriculum order."""
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

    # --- module pages -------------------------------------------------------------------

    def module_page(
        self,
        module_file: ModuleFile,
        link: Link = default_link,
        downloads: Sequence[Download] = (),
    ) -> RenderedModule:
        """The whole page for one module. Raises `PageError` when its body cannot render."""
        module = module_file.module
        with self.page(module, link, slots=True) as state:
            try:
                body = render_body(module_file.body, self.macros())
            except BodyProblem as problem:
                line = module_file.body_line + max(problem.line, 1) - 1
                raise PageError([Finding(module_file.path, line, problem.message)]) from None
            # An id used twice is reported by the checks; the page shows the first.
            rest = [
                a for a in _first_of_each(module.activities) if a.id not in state.placed_activities
            ]
            versions = module_versions(module)
            by_version = split_downloads(downloads, versions)
            parts = [
                self._fragment(
                    "module_header.html",
                    module=module,
                    anchors=section_anchors(module),
                    prerequisites=[
                        m for m in map(self.curriculum.module, module.prerequisites) if m
                    ],
                    downloads=by_version.get(STANDARD_VERSION, []),
                    versions=versions,
                    version_downloads=by_version,
                    settings=self.settings,
                ),
                body,
                *(self.activity(a.id) for a in rest),
            ]
            if module.reflection and module.id not in state.placed_prompts:
                parts.append(self.reflection(module.id))
            handouts = [
                h for h in _first_of_each(module.handouts) if h.id not in state.placed_handouts
            ]
            parts.append(
                self._fragment(
                    "module_footer.html",
                    module=module,
                    handouts=handouts,
                    anchors=section_anchors(module),
                    settings=self.settings,
                    signposting=not state.placed_signposting,
                )
            )
            fragments = state.slots or {}
        return RenderedModule(
            source=module_file,
            markdown="\n\n".join(p.strip("\n") for p in parts if p.strip()) + "\n",
            fragments=fragments,
        )


def session_page(
    renderer: Renderer, session: Session, link: Link, downloads: Sequence[Download] = ()
) -> str:
    """A session plan's page: its running order, linked to each activity, and its packs."""
    with renderer.page(None, link):
        return renderer.fragments.get_template("session_page.html").render(
            session=session, link=link, downloads=downloads
        )


_HasId = TypeVar("_HasId", Activity, Handout)


def _first_of_each(items: Sequence[_HasId]) -> list[_HasId]:
    """`items` without any whose id came before (the checks report those)."""
    first: dict[str, _HasId] = {}
    for item in items:
        first.setdefault(item.id, item)
    return list(first.values())


def prompt_anchors(owner: str, prompts: Sequence[Prompt]) -> list[tuple[str, Prompt]]:
    """Each prompt with its anchor: its own id, or its owner's id and position."""
    return [(p.id or f"{owner}-reflect-{n}", p) for n, p in enumerate(prompts, start=1)]


def _tel(number: str) -> str:
    """A phone number as a tel: address: digits and a leading plus only."""
    return re.sub(r"(?!^\+)\D", "", number.strip())


def _web_label(url: str) -> str:
    """An address as people read it aloud: no scheme, no trailing slash."""
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/")


FILTERS: dict[str, Callable[[str], str]] = {
    "plain": plain,
    "inline": inline,
    "tel": _tel,
    "web_label": _web_label,
}
"""Filters peerkit's templates use, web and print alike."""


def _level(level: Any) -> int:
    if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 6:
        raise MacroError(f"level={level!r}: a heading level is a whole number from 1 to 6")
    return level


__all__ = [
    "DOCS_MACRO_NAMES",
    "FILTERS",
    "MACRO_NAMES",
    "Download",
    "Link",
    "MacroError",
    "PageError",
    "RenderedModule",
    "Renderer",
    "default_link",
    "page_anchors",
    "prompt_anchors",
    "section_anchors",
    "session_page",
]
