"""The curriculum as typed data.

This module is the one source of the front-matter schema: validation, the JSON Schema for
editors (`peerkit schema`) and every renderer read these classes.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Slug = Annotated[
    str,
    StringConstraints(pattern=SLUG_PATTERN, max_length=80),
    Field(description="Lowercase letters, digits and single hyphens, e.g. `power-walk`."),
]


def slugify(text: str, default: str = "") -> str:
    """`text` as a slug: its ASCII letters and digits, lower-cased, in runs joined by single
    hyphens (`default` when none are left). peerkit's one slug function."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())) or default


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
_OWN_NUMBER = re.compile(r"^\s*(\d+[.)]|step\s+\d+\b)", re.IGNORECASE)


def _unnumbered(step: str) -> str:
    own = _OWN_NUMBER.match(step)
    if own:
        raise ValueError(f"starts with its own number '{own[1]}': steps are numbered for you")
    return step


def _no_repeats(items: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    for item in items:
        if item in seen:
            raise ValueError(f"'{item}' is listed twice")
        seen.add(item)
    return items


Step = Annotated[Text, AfterValidator(_unnumbered)]

MAX_LIST = 100
"""Items in any front-matter list without a limit of its own (the reference modules have at
most 12: easy_read)."""
MAX_TAGS = 30
"""Themes or audiences of one module (reference: at most 8 themes, 5 audiences)."""
MAX_CARDS = 200
"""Cards in one activity's set (reference: at most 22)."""
MAX_PILES = 12
"""Piles cards are sorted into (reference: at most 6)."""

CardText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]


class Value(StrEnum):
    """The fixed values vocabulary: CHIME (Leamy et al., 2011) and the Values Framework for
    Peer Working (Scottish Recovery Network, 2012). Hope and empowerment belong to both."""

    connection = "connection"
    hope = "hope"
    identity = "identity"
    meaning = "meaning"
    empowerment = "empowerment"
    experience = "experience"
    authenticity = "authenticity"
    responsibility = "responsibility"
    mutuality = "mutuality"

    @property
    def label(self) -> str:
        """How the value is shown: CHIME's first term is "Connectedness" (Leamy et al., 2011);
        the id stays `connection`."""
        return "Connectedness" if self is Value.connection else self.value.capitalize()


CHIME = (Value.connection, Value.hope, Value.identity, Value.meaning, Value.empowerment)
PEER_VALUES = (
    Value.hope,
    Value.experience,
    Value.authenticity,
    Value.responsibility,
    Value.mutuality,
    Value.empowerment,
)


class Format(StrEnum):
    in_person = "in-person"
    online = "online"
    both = "both"

    @property
    def label(self) -> str:
        return {"in-person": "In person", "online": "Online", "both": "In person or online"}[
            self.value
        ]


class Strict(BaseModel):
    """Base for every front-matter object: unknown keys are errors, never ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Range(Strict):
    """A span of whole numbers, written `90-120` or `90` in front-matter."""

    min: int = Field(ge=1)
    max: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min > self.max:
            raise ValueError(
                f"starts higher than it ends ({self.min}-{self.max}); "
                f"write it as {self.max}-{self.min}"
            )
        return self

    def __str__(self) -> str:
        return str(self.min) if self.min == self.max else f"{self.min}\N{EN DASH}{self.max}"


_RANGE_TEXT = re.compile(r"^\s*(\d+)\s*(?:-|\N{EN DASH}|to)\s*(\d+)\s*$")


def _parse_range(value: Any) -> Any:
    if isinstance(value, bool):
        return value  # let validation report it as the wrong type
    if isinstance(value, float):
        raise ValueError(f"{value} is not a whole number; write it like 20-30 or 20")
    if isinstance(value, int):
        return {"min": value, "max": value}
    if isinstance(value, str):
        match = _RANGE_TEXT.match(value)
        if match:
            return {"min": int(match[1]), "max": int(match[2])}
        if value.strip().isdigit():
            return {"min": int(value), "max": int(value)}
        raise ValueError(f"'{value}' is not a range; write it like 20-30 or 20")
    return value


_RANGE_SCHEMA = WithJsonSchema(
    {
        "anyOf": [
            {"type": "integer", "minimum": 1},
            {"type": "string", "pattern": "^\\s*\\d+\\s*(-|\N{EN DASH}|to)\\s*\\d+\\s*$"},
        ],
        "description": "A number, or a range written like `20-30`.",
    }
)


def _at_most(limit: int, unit: str) -> AfterValidator:
    def check(value: Range) -> Range:
        if value.max > limit:
            raise ValueError(f"{value.max} {unit} is more than the most allowed, {limit}")
        return value

    return AfterValidator(check)


Minutes = Annotated[
    Range, BeforeValidator(_parse_range), _at_most(8 * 60, "minutes"), _RANGE_SCHEMA
]
Duration = Annotated[
    Range, BeforeValidator(_parse_range), _at_most(5 * 24 * 60, "minutes"), _RANGE_SCHEMA
]
GroupSize = Annotated[Range, BeforeValidator(_parse_range), _at_most(500, "people"), _RANGE_SCHEMA]


class Prompt(Strict):
    """A reflection prompt. Written as plain text, or with an `id` for a stable anchor."""

    text: Text
    id: Slug | None = None


def _parse_prompt(value: Any) -> Any:
    if isinstance(value, str):
        return {"text": value}
    if not isinstance(value, dict):
        raise ValueError("should be the text of a question, or 'text:' with an 'id:'")
    return value


PromptField = Annotated[
    Prompt,
    BeforeValidator(_parse_prompt),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "minLength": 1},
                {
                    "type": "object",
                    "properties": {
                        "text": {"type": "string", "minLength": 1},
                        "id": {"type": "string", "pattern": SLUG_PATTERN},
                    },
                    "required": ["text"],
                    "additionalProperties": False,
                },
            ]
        }
    ),
]


class Source(Strict):
    """A work whose facts the module relies on."""

    author: ShortText
    title: ShortText
    year: int = Field(ge=1800, le=2100)
    publisher: ShortText | None = None


WebAddress = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^https?://[^\s<>\"']+$", max_length=500),
]


class Credit(Strict):
    """Published training this module is modelled on. The site and the packs show it in fixed
    words: "Inspired by <title> (<publisher>). Inspired by, not endorsed by: <publisher> has
    not reviewed or approved this material." """

    title: ShortText = Field(description="The training's title, e.g. a module set's name.")
    publisher: ShortText = Field(description="Who published it.")
    url: WebAddress | None = Field(default=None, description="Where to find it (http or https).")
    part: ShortText | None = Field(
        default=None,
        description=(
            'Which part of it this module draws on, when not the whole, e.g. "the how we'
            ' connect card activity".'
        ),
    )


class Handout(Strict):
    """A participant handout. `body` is plain text: a blank line starts a paragraph and lines
    starting with `- ` or `1. ` make lists."""

    id: Slug
    title: ShortText
    body: Text


class CardSet(Strict):
    """Printable cards a trainer cuts out, optionally sorted into named piles."""

    items: list[CardText] = Field(min_length=1, max_length=MAX_CARDS)
    sort_into: list[ShortText] = Field(
        default_factory=list,
        max_length=MAX_PILES,
        description="Names of the piles or circles cards are sorted into.",
    )
    layout: Literal["piles", "circles"] = Field(
        default="piles",
        description=(
            "How the sorting template prints: a header card per pile, or a plan of two or"
            " three overlapping circles to draw on a flipchart, with the names as labels."
        ),
    )

    @model_validator(mode="after")
    def _circles_need_names(self) -> CardSet:
        if self.layout == "circles" and not 2 <= len(self.sort_into) <= 3:
            raise ValueError("a circles layout needs two or three names in sort_into")
        return self


ShowText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=700)]
ShowTitle = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]


class ShowSheet(Strict):
    """Something the facilitator puts on a slide or a printed sheet for the room to see: a
    scenario, a key, a poster or a set of questions. It prints on one A4 landscape page in
    large type, so its text is kept short."""

    title: ShowTitle = Field(description="The heading on the sheet, at most 80 characters.")
    body: ShowText = Field(
        description=(
            "What the room reads, at most 700 characters. A blank line starts a paragraph and"
            " lines starting with `- ` or `1. ` make lists."
        )
    )


# Lists in which no item may appear twice.
UniqueTexts = Annotated[list[ShortText], AfterValidator(_no_repeats)]
UniqueValues = Annotated[list[Value], AfterValidator(_no_repeats)]
UniqueIds = Annotated[list[Slug], AfterValidator(_no_repeats)]


class Activity(Strict):
    """One timed activity in a module."""

    id: Slug = Field(description="Unique across the whole curriculum; used as the page anchor.")
    title: ShortText
    aim: Text
    minutes: Minutes
    group_size: GroupSize
    format: Format
    materials: list[ShortText] = Field(default_factory=list, max_length=MAX_LIST)
    preparation: list[Text] = Field(default_factory=list, max_length=MAX_LIST)
    steps: list[Step] = Field(
        min_length=1, max_length=MAX_LIST, description="Numbered for you: do not number them."
    )
    facilitator_notes: Text | None = None
    content_notes: list[Text] = Field(default_factory=list, max_length=MAX_LIST)
    online_variation: Text | None = None
    alternative: Text | None = Field(
        default=None, description="A gentler option, or how someone can step out."
    )
    reflection: list[PromptField] = Field(default_factory=list, max_length=MAX_LIST)
    handouts: UniqueIds = Field(
        default_factory=list, description="Ids of this module's handouts the activity uses."
    )
    cards: CardSet | None = None
    show: list[ShowSheet] = Field(
        default_factory=list,
        max_length=MAX_LIST,
        description=(
            "What the steps say to put on a slide or print for the room: each prints as a"
            " large-type sheet in the module's show pack."
        ),
    )


class Module(Strict):
    """A training module: the front-matter of one file in `modules/`."""

    id: Slug
    title: ShortText
    summary: Text
    version: Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+){0,2}$")] = Field(
        description='Quote it: `version: "1.0"`.'
    )
    duration: Duration = Field(description="Total minutes for the session, breaks included.")
    outcomes: list[Text] = Field(min_length=1, max_length=MAX_LIST)
    themes: UniqueTexts = Field(min_length=1, max_length=MAX_TAGS)
    values: UniqueValues = Field(min_length=1)
    audience: UniqueTexts = Field(min_length=1, max_length=MAX_TAGS)
    format: Format
    group_size: GroupSize
    content_notes: list[Text] = Field(default_factory=list, max_length=MAX_LIST)
    prerequisites: UniqueIds = Field(default_factory=list, max_length=MAX_LIST)
    licence: ShortText
    adapted_from: Text | None = None
    inspired_by: list[Credit] = Field(
        default_factory=list,
        max_length=10,
        description=(
            "Published training this module is modelled on (title, publisher, optional url and"
            " part), shown as inspired by, not endorsed by."
        ),
    )
    sources: list[Source] = Field(default_factory=list, max_length=MAX_LIST)
    facilitator_notes: Text | None = None
    easy_read: list[Text] = Field(
        default_factory=list,
        max_length=MAX_LIST,
        description="An Easy Read summary: short sentences, one idea each.",
    )
    reflection: list[PromptField] = Field(default_factory=list, max_length=MAX_LIST)
    handouts: list[Handout] = Field(default_factory=list, max_length=MAX_LIST)
    activities: list[Activity] = Field(min_length=1, max_length=MAX_LIST)
    break_after: Slug | None = Field(
        default=None,
        description=(
            "The id of the activity the break follows in the module's own run-sheet (without"
            " it, the break goes about halfway)."
        ),
    )

    def activity_minutes(self) -> Range:
        """The shortest and longest the activities can take, back to back."""
        return Range(
            min=sum(a.minutes.min for a in self.activities),
            max=sum(a.minutes.max for a in self.activities),
        )

    def handout(self, handout_id: str) -> Handout | None:
        return next((h for h in self.handouts if h.id == handout_id), None)


class ModuleFile(BaseModel):
    """A loaded module: its data, its Markdown body and where each came from."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    path: Path
    module: Module
    body: str
    body_line: int = Field(description="1-based line in the file where the body starts.")
    lines: dict[tuple[str | int, ...], int] = Field(
        default_factory=dict, description="Source line of each front-matter key path."
    )

    def line_of(self, *key_path: str | int) -> int:
        """The source line of the deepest known key on `key_path`."""
        return deepest_line(self.lines, key_path)


def deepest_line(lines: dict[tuple[str | int, ...], int], key_path: tuple[str | int, ...]) -> int:
    """The line of the deepest key on `key_path` that `lines` knows (1 if none)."""
    for end in range(len(key_path), -1, -1):
        line = lines.get(tuple(key_path[:end]))
        if line is not None:
            return line
    return 1


class Curriculum(BaseModel):
    """Every module loaded from one folder, in a stable order."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    files: list[ModuleFile]

    @cached_property
    def modules(self) -> list[Module]:
        return [f.module for f in self.files]

    @cached_property
    def _by_id(self) -> dict[str, Module]:
        """Each module by id (the first of any that share one: the checks report the rest)."""
        found: dict[str, Module] = {}
        for module in self.modules:
            found.setdefault(module.id, module)
        return found

    @cached_property
    def _activities(self) -> dict[str, tuple[Module, Activity]]:
        """Each activity, with its module, by id (the first of any that share one)."""
        found: dict[str, tuple[Module, Activity]] = {}
        for module in self.modules:
            for activity in module.activities:
                found.setdefault(activity.id, (module, activity))
        return found

    def module(self, module_id: str) -> Module | None:
        return self._by_id.get(module_id)

    def activity(self, activity_id: str) -> tuple[Module, Activity] | None:
        return self._activities.get(activity_id)
