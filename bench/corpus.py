"""A curriculum of N modules for the benchmarks, made from the reference modules.

Module n is a copy of one of the reference modules (in turn), with every id made unique
(`-n`), its prerequisites dropped and a theme of its own ("topic 7") first among its themes,
so that a large site has many themes the way a real one would, not one.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from peerkit import safeyaml

ROOT = Path(__file__).resolve().parent.parent
TOPICS = 40
"""How many themes a generated curriculum spreads its modules over."""


def _reference() -> list[tuple[dict[str, Any], str]]:
    modules = []
    for path in sorted((ROOT / "modules").glob("*.md")):
        _, front_text, body = path.read_text(encoding="utf-8").split("---\n", 2)
        front, _, problems = safeyaml.load(front_text)
        assert not problems, problems
        modules.append((front, body))
    return modules


RENAMED = {"id", "break_after", "handouts", "activity", "after"}
"""Keys whose values are (or list) ids of the module's own activities and handouts."""


def _renamed(value: Any, ids: dict[str, str], key: str = "") -> Any:
    if isinstance(value, str):
        return ids.get(value, value) if key in RENAMED else value
    if isinstance(value, list):
        return [_renamed(v, ids, key) for v in value]
    if isinstance(value, dict):
        return {k: _renamed(v, ids, k) for k, v in value.items()}
    return value


def module_copy(front: dict[str, Any], body: str, n: int) -> str:
    """Module file text: `front` and `body` with every id ending in `-n`."""
    ids = {front["id"]: f"{front['id']}-{n}"}
    for key in ("activities", "handouts"):
        for item in front.get(key, []):
            ids[item["id"]] = f"{item['id']}-{n}"
    # Its short versions name activities and questions by id: left out, like prerequisites.
    data = _renamed({k: v for k, v in front.items() if k != "versions"}, ids)
    data["prerequisites"] = []
    data["title"] = f"{front['title']} ({n})"
    data["themes"] = [f"topic {n % TOPICS + 1}", *front.get("themes", [])]
    for old, new in ids.items():
        body = re.sub(rf"([\"']){re.escape(old)}\1", rf"\g<1>{new}\g<1>", body)
    dumped = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    return f"---\n{dumped}---\n{body}"


def make_site(dest: Path, size: int) -> Path:
    """The reference site (mkdocs.yml, docs/, overrides/) with `size` generated modules."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "macros.py"):
        shutil.copy(ROOT / name, dest / name)
    # The site's vocabulary (if it lists themes) gains the generated ones. As text: mkdocs.yml
    # holds tags (!ENV) that a YAML loader would refuse.
    config = (dest / "mkdocs.yml").read_text(encoding="utf-8")
    topics = ", ".join(f"topic {n}" for n in range(1, TOPICS + 1))
    config = re.sub(r"^(\s+themes: \[)", rf"\g<1>{topics}, ", config, count=1, flags=re.M)
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, dest / name)
    (dest / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    reference = _reference()
    (dest / "modules").mkdir()
    for n in range(1, size + 1):
        front, body = reference[(n - 1) % len(reference)]
        (dest / "modules" / f"module-{n:04}.md").write_text(module_copy(front, body, n))
    return dest
