"""Policy quotes for case pages: the ABDB-AP text and the rules that say which sections apply.

Both are data files in ``reports/policy/`` (the policy text as published, and
``quotes.yaml``), so a district with a different policy replaces the files,
not the code. Sections of the text are the lines written in capitals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

POLICY_DIR = Path(__file__).with_name("policy")


@dataclass(frozen=True, slots=True)
class Quote:
    id: str
    label: str
    section: str
    paragraphs: tuple[str, ...]
    when: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Policy:
    code: str
    title: str
    sections: dict[str, tuple[str, ...]]
    quotes: tuple[Quote, ...]


def _is_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and line == line.upper() and len(line) < 80 and not line.endswith(".")


def parse_sections(text: str) -> dict[str, tuple[str, ...]]:
    """Heading -> paragraphs (the text before the first heading is the preamble, key "")."""
    sections: dict[str, list[str]] = {"": []}
    current = ""
    para: list[str] = []

    def flush() -> None:
        if para:
            sections[current].append(" ".join(para))
            para.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if _is_heading(line):
            flush()
            current = line
            sections.setdefault(current, [])
            continue
        if re.match(r"^\d+\.\s", line):  # numbered options are paragraphs of their own
            flush()
        para.append(line)
    flush()
    return {k: tuple(v) for k, v in sections.items()}


@lru_cache(maxsize=4)
def load_policy(directory: Path = POLICY_DIR) -> Policy:
    meta = yaml.safe_load((directory / "quotes.yaml").read_text(encoding="utf-8"))
    sections = parse_sections((directory / meta["text"]).read_text(encoding="utf-8"))
    quotes = []
    for q in meta["quotes"]:
        paras = sections.get(q["section"])
        if paras is None:
            raise ValueError(
                f"{directory / 'quotes.yaml'}: section '{q['section']}' is not in {meta['text']}"
            )
        picked = tuple(paras[i - 1] for i in q["paragraphs"]) if q.get("paragraphs") else paras
        quotes.append(Quote(q["id"], q["label"], q["section"], picked, q.get("when") or {}))
    return Policy(meta["policy"], meta.get("title", ""), sections, tuple(quotes))


def _applies(when: dict[str, Any], platform: str, entity_kind: str | None, text: str) -> bool:
    if "platforms" in when and platform not in when["platforms"]:
        return False
    if "entity_kinds" in when and entity_kind not in when["entity_kinds"]:
        return False
    if "words" in when:
        folded = text.casefold()
        return any(
            re.search(rf"(?<!\w){re.escape(w.casefold())}(?!\w)", folded) for w in when["words"]
        )
    return True


def quotes_for(
    platform: str, entity_kind: str | None, text: str, policy: Policy | None = None
) -> list[dict[str, Any]]:
    """The quotes that apply to one account, each once: {label, section, paragraphs}."""
    policy = policy or load_policy()
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for q in policy.quotes:
        if not _applies(q.when, platform, entity_kind, text):
            continue
        key = (q.section, q.paragraphs)
        if key in seen:
            continue
        seen.add(key)
        out.append(
            {
                "id": q.id,
                "label": q.label,
                "section": q.section,
                "paragraphs": list(q.paragraphs),
                "policy": policy.code,
            }
        )
    return out
