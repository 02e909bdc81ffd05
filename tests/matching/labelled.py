"""The labelled evaluation sets and their scoring.

Each invented district has a profile, a registry and its labelled accounts (:data:`DISTRICTS`):
the sample district (West Fargo, ``labelled_accounts.csv``), a second one in Oregon
(``second_district*``) and a third one in Kansas whose city's name a university, a pro team, a
venue and the city share, and whose team's name a company and a youth club use
(``third_district*``).

One row per account, as a scan would store it: platform, canonical URL, handle,
display name, bio, links, location, and where it was seen (``sources``:
``web_search``, ``youtube``, ``bluesky``, ``mastodon``, ``handle_probe`` or
``district_site@PAGE``), with the expected classification and entity. Shared by
the evaluation test and ``benchmarks/matching_eval.py``.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from crawler.district.profile import load_profile
from crawler.district.registry import load_registry
from crawler.sample import PROFILE, REGISTRY
from matching.matcher import Matcher
from matching.settings import MatchSettings
from matching.types import Candidate, Result, Sighting

HERE = Path(__file__).parent
LABELLED = HERE / "labelled_accounts.csv"
CASES = ("unregistered", "impersonation")
CLASSES = ("registered", "unregistered", "impersonation", "affiliated", "unrelated", "review")
_TITLES = {
    "x": "X",
    "instagram": "Instagram",
    "facebook": "Facebook",
    "tiktok": "TikTok",
    "threads": "Threads",
    "linkedin": "LinkedIn",
    "youtube": "YouTube",
    "bluesky": "Bluesky",
    "mastodon": "Mastodon",
}


@dataclass(frozen=True)
class District:
    """One invented district: its profile, registry and labelled accounts."""

    name: str
    profile: Path
    registry: Path
    labelled: Path

    def matcher(self, settings: MatchSettings | None = None) -> Matcher:
        profile = load_profile(self.profile)
        return Matcher(profile, load_registry(self.registry, profile).rows, settings)

    def rows(self) -> list[Row]:
        return load(self.labelled)


DISTRICTS = (
    District("West Fargo ND (sample)", PROFILE, REGISTRY, LABELLED),
    District(
        "Riverton Valley OR (second)",
        HERE / "second_district.yaml",
        HERE / "second_district.csv",
        HERE / "second_district_accounts.csv",
    ),
    District(
        "Brenton KS (third)",
        HERE / "third_district.yaml",
        HERE / "third_district.csv",
        HERE / "third_district_accounts.csv",
    ),
)


@dataclass(frozen=True)
class Row:
    line: int
    candidate: Candidate
    expected: str
    entity: str | None
    case_kind: str | None
    note: str


def sightings(sources: str, display_name: str, handle: str, platform: str) -> list[Sighting]:
    out = []
    for src in filter(None, sources.split("|")):
        name, _, page = src.partition("@")
        if name == "web_search":
            title = f"{display_name} (@{handle}) • {_TITLES[platform]}" if display_name else None
            out.append(Sighting(source=name, query=display_name or handle, title=title, rank=1))
        else:
            out.append(Sighting(source=name, source_url=page or None))
    return out


def load(path: Path = LABELLED) -> list[Row]:
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for i, r in enumerate(csv.DictReader(fh), start=2):
            c = Candidate(
                platform=r["platform"],
                handle=r["handle"],
                url=r["url"],
                platform_id=r["platform_id"] or None,
                display_name=r["display_name"] or None,
                bio=r["bio"] or None,
                links=r["links"].split() if r["links"] else [],
                location=r["location"] or None,
                sightings=sightings(r["sources"], r["display_name"], r["handle"], r["platform"]),
                live=r["live"] == "1",
            )
            rows.append(
                Row(i, c, r["expected"], r["entity"] or None, r["case_kind"] or None, r["note"])
            )
    return rows


@dataclass
class Scores:
    confusion: Counter[tuple[str, str]]
    precision: float
    recall: float
    entity_accuracy: float
    wrong: list[tuple[Row, Result]]


def score(rows: list[Row], results: list[Result]) -> Scores:
    """Precision and recall of opening a case (unregistered + impersonation), and where it erred."""
    confusion: Counter[tuple[str, str]] = Counter()
    tp = fp = fn = 0
    ent_ok = ent_n = 0
    wrong = []
    for row, res in zip(rows, results, strict=True):
        confusion[(row.expected, res.classification)] += 1
        exp_case, got_case = row.expected in CASES, res.classification in CASES
        tp += exp_case and got_case
        fp += got_case and not exp_case
        fn += exp_case and not got_case
        if row.expected == res.classification and row.expected in (*CASES, "registered"):
            ent_n += 1
            ent_ok += res.entity == row.entity
        if row.expected != res.classification or (
            row.expected in (*CASES, "registered") and res.entity != row.entity
        ):
            wrong.append((row, res))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return Scores(confusion, precision, recall, ent_ok / ent_n if ent_n else 1.0, wrong)


def confusion_table(conf: Counter[tuple[str, str]]) -> str:
    width = max(len(c) for c in CLASSES) + 2
    lines = ["expected \\ got".ljust(width + 2) + "".join(c[:12].rjust(14) for c in CLASSES)]
    for e in CLASSES:
        lines.append(e.ljust(width + 2) + "".join(str(conf[(e, g)]).rjust(14) for g in CLASSES))
    return "\n".join(lines)
