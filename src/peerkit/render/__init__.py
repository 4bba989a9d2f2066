"""Curriculum data to HTML fragments and module pages.

Two Jinja environments, both sandboxed and autoescaping:

- the *fragment* environment renders peerkit's templates (activity, reflection, module card…),
  which a site may override by placing files of the same name in `overrides/peerkit/`;
- the *body* environment renders module bodies, which are untrusted. It has no loader, no
  filters and no globals except peerkit's macros, and an undefined name is an error.
"""

from __future__ import annotations

import operator
import re
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from peerkit.findings import Finding, did_you_mean
from peerkit.model import PEER_VALUES, Curriculum, Module, ModuleFile, Prompt
from peerkit.render.text import inline, plain

TEMPLATES = Path(__file__).parent / "templates"

Link = Callable[[str, str | None], str]
"""`link(module_id, anchor)` → an href from the page being rendered to that module."""


def default_link(module_id: str, anchor: str | None = None) -> str:
    return f"../{module_id}/" + (f"#{anchor}" if anchor else "")


MACRO_NAMES = ("activity", "reflection", "handout", "module_card", "module_cards")
"""What a module body or a docs page may call."""


class MacroError(Exception):
    """A macro was called wrongly from a page (e.g. with an unknown id)."""


@dataclass
class RenderedModule:
    """A module page as Markdown (peerkit's HTML blocks around the author's body)."""

    markdown: str
    title: str
    description: str


@dataclass
class _PageState:
    """What a page's body has placed itself, so the rest can be added in order."""

    module: Module | None
    link: Link
    placed_activities: list[str] = field(default_factory=list)
    placed_reflection: bool = False
    placed_handouts: list[str] = field(default_factory=list)


class _BodySandbox(ImmutableSandboxedEnvironment):
    """No exponentiation and no multiplying text or lists into huge values."""

    intercepted_binops = frozenset({"*", "**"})
    MAX_PRODUCT = 10_000

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, jinja2.Undefined):
            obj._fail_with_undefined_error()  # name the unknown thing, not its attribute
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, jinja2.Undefined):
            obj._fail_with_undefined_error()
        return super().getitem(obj, argument)

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        if operator_ == "**":
            raise SecurityError("the ** operator is not available in module pages")
        if isinstance(left, str | list | tuple) or isinstance(right, str | list | tuple):
            size = len(left) * right if isinstance(left, str | list | tuple) else len(right) * left
            if size > self.MAX_PRODUCT:
                raise SecurityError("that multiplication makes too large a value")
        return operator.mul(left, right)


class Renderer:
    """Renders one curriculum. Create one per build; it holds no page state between calls."""

    def __init__(self, curriculum: Curriculum, template_dirs: Sequence[Path] = ()) -> None:
        self.curriculum = curriculum
        loader = jinja2.FileSystemLoader([*map(str, template_dirs), str(TEMPLATES)])
        self.fragments = ImmutableSandboxedEnvironment(
            loader=loader,
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # one Renderer per build: no need to stat templates per call
        )
        self.fragments.filters["plain"] = plain
        self.fragments.filters["inline"] = inline
        self.fragments.globals["peer_values"] = [v.value for v in PEER_VALUES]
        self._state: _PageState | None = None

    # --- page state ---------------------------------------------------------------------

    @contextmanager
    def page(self, module: Module | None, link: Link = default_link) -> Iterator[_PageState]:
        """Render macros for one page: `module` is the page's module, if it is a module page."""
        outer, self._state = self._state, _PageState(module, link)
        try:
            yield self._state
        finally:
            self._state = outer

    @property
    def state(self) -> _PageState:
        return self._state or _PageState(None, default_link)

    def _fragment(self, name: str, **context: Any) -> Markup:
        html = self.fragments.get_template(name).render(link=self.state.link, **context)
        # Blank lines would end Markdown's raw HTML block, so a fragment never has one.
        return Markup("\n\n" + re.sub(r"\n\s*\n", "\n", html.strip()) + "\n\n")

    # --- macros -------------------------------------------------------------------------

    def activity(self, activity_id: str) -> Markup:
        found = self.curriculum.activity(str(activity_id))
        if found is None:
            raise MacroError(
                f"activity('{activity_id}'): no activity with that id"
                f"{self._hint_activity(activity_id)}"
            )
        module, activity = found
        self.state.placed_activities.append(activity.id)
        here = self.state.module
        return self._fragment(
            "activity.html",
            module=module,
            activity=activity,
            elsewhere=here is not None and here.id != module.id,
            prompts=self._prompts(activity.id, activity.reflection),
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
            if self.state.module is not None and module.id == self.state.module.id:
                self.state.placed_reflection = True
            return self._fragment(
                "reflection.html",
                heading="Reflection",
                anchor=f"{module.id}-reflection",
                level=2,
                prompts=self._prompts(module.id, module.reflection),
            )
        found = self.curriculum.activity(str(of))
        if found is None:
            raise MacroError(f"reflection('{of}'): no module or activity with that id")
        _, activity = found
        return self._fragment(
            "reflection.html",
            heading=f"Reflection: {activity.title}",
            anchor=f"{activity.id}-reflection",
            level=2,
            prompts=self._prompts(activity.id, activity.reflection),
        )

    def handout(self, handout_id: str) -> Markup:
        for module in self.curriculum.modules:
            found = module.handout(str(handout_id))
            if found is not None:
                self.state.placed_handouts.append(found.id)
                return self._fragment("handout.html", module=module, handout=found, level=2)
        raise MacroError(f"handout('{handout_id}'): no handout with that id")

    def module_card(self, module_id: str, level: int = 3) -> Markup:
        module = self.curriculum.module(str(module_id))
        if module is None:
            hint = did_you_mean(str(module_id), [m.id for m in self.curriculum.modules])
            raise MacroError(f"module_card('{module_id}'): no module with that id{hint}")
        return self._fragment("module_card.html", module=module, level=level)

    def module_cards(self, level: int = 3) -> Markup:
        """A card for every module, in curriculum order."""
        return self._fragment("module_cards.html", modules=self.curriculum.modules, level=level)

    def macros(self) -> dict[str, Callable[..., Markup]]:
        """The macros a page may call, by name."""
        return {name: getattr(self, name) for name in MACRO_NAMES}

    # --- module pages -------------------------------------------------------------------

    def module_page(self, module_file: ModuleFile, link: Link = default_link) -> RenderedModule:
        """The whole page for one module. Raises `BodyError` when its body cannot render."""
        module = module_file.module
        with self.page(module, link) as state:
            body = self.render_body(module_file)
            rest = [a for a in module.activities if a.id not in state.placed_activities]
            parts = [
                self._fragment(
                    "module_header.html",
                    module=module,
                    prerequisites=[
                        m for m in map(self.curriculum.module, module.prerequisites) if m
                    ],
                ),
                body,
                *(self.activity(a.id) for a in rest),
            ]
            if module.reflection and not state.placed_reflection:
                parts.append(self.reflection(module.id))
            handouts = [h for h in module.handouts if h.id not in state.placed_handouts]
            parts.append(self._fragment("module_footer.html", module=module, handouts=handouts))
        return RenderedModule(
            markdown="\n\n".join(p.strip("\n") for p in parts if p.strip()) + "\n",
            title=module.title,
            description=module.summary,
        )

    def render_body(self, module_file: ModuleFile) -> str:
        """The module's Markdown body with its macro calls rendered in the sandbox."""
        env = _BodySandbox(
            autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
        )
        env.globals.clear()
        env.filters.clear()
        env.globals.update(self.macros())
        source = module_file.body
        try:
            template = env.from_string(source)
            return template.render()
        except jinja2.TemplateSyntaxError as exc:
            line = exc.lineno
            message = f"template syntax error: {exc.message}"
        except (jinja2.UndefinedError, SecurityError, MacroError, TypeError) as exc:
            line = _template_line(exc)
            message = _body_message(exc)
        except RecursionError as exc:
            line = _template_line(exc)
            message = "a macro calls itself without end"
        raise BodyError(
            [Finding(module_file.path, module_file.body_line + max(line, 1) - 1, message)]
        )

    # --- helpers ------------------------------------------------------------------------

    def _prompts(self, owner: str, prompts: Sequence[Prompt]) -> list[tuple[str, Prompt]]:
        """Each prompt with its anchor: its own id, or its owner's id and position."""
        return [(p.id or f"{owner}-reflect-{n}", p) for n, p in enumerate(prompts, start=1)]

    def _hint_activity(self, activity_id: str) -> str:
        known = [a.id for m in self.curriculum.modules for a in m.activities]
        return did_you_mean(str(activity_id), known)


class BodyError(Exception):
    """A module body that failed to render; carries findings with file and line."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("; ".join(f.message for f in findings))
        self.findings = findings


def _template_line(exc: BaseException) -> int:
    """The line in the body template where `exc` was raised (Jinja maps frames to it)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == "<template>"]
    return frames[-1].lineno if frames and frames[-1].lineno else 1


def _body_message(exc: BaseException) -> str:
    if isinstance(exc, jinja2.UndefinedError):
        name = re.search(r"'([^']+)' is undefined", str(exc))
        if name:
            return (
                f"'{name[1]}' is not something a module page can use; the macros are "
                f"{', '.join(MACRO_NAMES)} "
                "(to show {{ as text, write {{ '{{' }})"
            )
        return f"not available in module pages: {exc}"
    if isinstance(exc, SecurityError):
        return f"refused: {exc}"
    if isinstance(exc, TypeError) and "no loader" in str(exc):
        return "module pages cannot include, import or extend templates"
    return str(exc)


__all__ = [
    "MACRO_NAMES",
    "BodyError",
    "Link",
    "MacroError",
    "RenderedModule",
    "Renderer",
    "default_link",
]
