"""What one build keeps for the next while `serve` runs, so that an edit to one module
re-checks and re-renders that module and what depends on it, not the whole curriculum.

A `BuildCache` holds, by content:

- each module file as loaded and validated, by its path and a hash of its text;
- the findings of the checks that look at one module at a time (cards that must fit);
- each module page as rendered, with what the render used: the module's own text, the text of
  every other module its page drew on (an activity placed from elsewhere, a prerequisite's
  title, a handout, a module card), the curriculum's outline (every module's id with its
  activities' and handouts' ids, so a lookup that found nothing is redone when one appears)
  and the build's settings. A page is reused only when all of those are unchanged.

It imports nothing from MkDocs: the plugin keeps one for as long as `mkdocs serve` runs, and
`peerkit check` uses none.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from peerkit.findings import Finding
from peerkit.load import parse_module, read_text
from peerkit.model import Curriculum, ModuleFile

ALL = "*"
"""In a page's dependencies: the page drew on every module (a list of module cards)."""


def digest(*parts: str) -> str:
    hashed = hashlib.blake2b(digest_size=16)
    for part in parts:
        hashed.update(part.encode("utf-8", "surrogatepass"))
        hashed.update(b"\0")
    return hashed.hexdigest()


def outline(curriculum: Curriculum) -> str:
    """What any lookup by id in the curriculum depends on: every module's id and the ids of
    its activities and handouts, in order."""
    return digest(
        *(
            " ".join([m.id, *(a.id for a in m.activities), "|", *(h.id for h in m.handouts)])
            for m in curriculum.modules
        )
    )


@dataclass
class _Loaded:
    stat: tuple[int, int, int, int]
    module_file: ModuleFile | None
    findings: list[Finding]
    hashed: str
    front: str
    """A hash of the file's text less its Markdown body: its front-matter."""


@dataclass
class _Page:
    own: str
    outline: str
    setting: str
    uses: dict[str, str]
    page: object


@dataclass
class BuildCache:
    """Loaded modules, per-module check results and rendered pages, kept between builds."""

    _loaded: dict[Path, _Loaded] = field(default_factory=dict)
    _checked: dict[tuple[str, Path], tuple[ModuleFile, list[Finding]]] = field(default_factory=dict)
    _pages: dict[str, _Page] = field(default_factory=dict)
    _outline: str = ""
    _hashes: dict[str, str] = field(default_factory=dict)
    fronts: str = ""
    """A hash of every module's front-matter, in order: what browse pages show."""
    loads: int = 0
    """Module files parsed and validated in the last build (the rest came from the cache)."""
    rendered: list[str] = field(default_factory=list)
    """Module ids whose page the last build rendered."""
    reused: list[str] = field(default_factory=list)
    """Module ids whose page the last build took from the cache."""

    def start(self) -> None:
        """A new build: forget what the last one counted."""
        self.loads = 0
        self.rendered, self.reused = [], []

    def load(self, path: Path, root: Path | None = None) -> tuple[ModuleFile | None, list[Finding]]:
        """`peerkit.load.load_module`, reading only a file whose size, time or inode changed
        and parsing only one whose text changed."""
        # By absolute path: MkDocs may name the same folder "." in one build and in full in
        # the next.
        where = path.absolute()
        known = self._loaded.get(where)
        try:
            info = os.stat(path, follow_symlinks=False)
        except OSError:
            info = None
        stat = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_mode) if info else (0,) * 4
        if known is None or info is None or known.stat != stat:
            text, findings = read_text(path, root)
            if text is None:
                self._loaded.pop(where, None)
                return None, findings
            hashed = digest(str(where), text)  # not the text itself: it is as big as the body
            if known is None or known.hashed != hashed:
                self.loads += 1
                module_file, found = parse_module(path, text)
                body = module_file.body if module_file is not None else ""
                front = text[: len(text) - len(body)] if text.endswith(body) else text
                known = _Loaded(stat, module_file, found, hashed, digest(str(where), front))
            known.stat = stat
            self._loaded[where] = known
        if known.module_file is not None and known.module_file.path != path:
            # The same file, named another way: findings name it as this build does.
            known.module_file = known.module_file.model_copy(update={"path": path})
        known.findings = [replace(f, path=path) if f.path != path else f for f in known.findings]
        return known.module_file, list(known.findings)

    def _hash(self, module_file: ModuleFile) -> str:
        known = self._loaded.get(module_file.path.absolute())
        if known is not None and known.module_file is module_file:
            return known.hashed
        return digest(module_file.model_dump_json())

    def per_module(
        self,
        name: str,
        check: Callable[[list[ModuleFile]], Iterable[Finding]],
        files: list[ModuleFile],
    ) -> list[Finding]:
        """A check that looks at each module on its own, run only on modules that changed."""
        found: list[Finding] = []
        for module_file in files:
            known = self._checked.get((name, module_file.path))
            if known is None or known[0] is not module_file:
                known = (module_file, list(check([module_file])))
                self._checked[(name, module_file.path)] = known
            found.extend(known[1])
        return found

    def curriculum(self, curriculum: Curriculum) -> None:
        """The curriculum this build renders: its outline, and each module's hash by id."""
        self._outline = outline(curriculum)
        self._hashes = {}
        for module_file in curriculum.files:
            self._hashes.setdefault(module_file.module.id, self._hash(module_file))
        self._hashes[ALL] = digest(*self._hashes.values())
        self.fronts = digest(*(self._front(f) for f in curriculum.files))

    def _front(self, module_file: ModuleFile) -> str:
        known = self._loaded.get(module_file.path.absolute())
        if known is not None and known.module_file is module_file:
            return known.front
        return digest(module_file.module.model_dump_json())

    def page(self, module_file: ModuleFile, setting: str) -> object | None:
        """The module's page from an earlier build, if nothing it used has changed."""
        known = self._pages.get(module_file.module.id)
        if known is None or known.own != self._hash(module_file):
            return None
        if known.outline != self._outline or known.setting != setting:
            return None
        if any(self._hashes.get(used, "") != hashed for used, hashed in known.uses.items()):
            return None
        self.reused.append(module_file.module.id)
        return known.page

    def keep(self, module_file: ModuleFile, setting: str, uses: set[str], page: object) -> None:
        """Remember a page just rendered, with the module ids it drew on (or `ALL`)."""
        wanted = {ALL} if ALL in uses else uses - {module_file.module.id}
        self._pages[module_file.module.id] = _Page(
            self._hash(module_file),
            self._outline,
            setting,
            {used: self._hashes.get(used, "") for used in wanted},
            page,
        )
        self.rendered.append(module_file.module.id)
