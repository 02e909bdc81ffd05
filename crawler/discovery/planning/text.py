"""Text helpers of the planner: folding, slugs, abbreviations and the distinctive part of a name."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from crawler.district.profile import DistrictProfile

# Generic English words of school names: dropped to find the distinctive part of a name.
GENERIC_WORDS = (
    "public schools",
    "school district",
    "high school",
    "middle school",
    "junior high school",
    "junior high",
    "elementary school",
    "elementary",
    "kindergarten center",
    "education center",
    "learning center",
    "early childhood center",
    "school",
    "schools",
    "academy",
    "center",
    "high",
    "middle",
)


# Words that say what kind of district a name is (stripped to get the district's own name).
DISTRICT_TYPE_WORDS = (
    "independent school district",
    "unified school district",
    "consolidated school district",
    "community school district",
    "city school district",
    "school district",
    "public schools",
    "city schools",
    "community schools",
    "county schools",
    "schools",
    "isd",
    "usd",
    "cusd",
    "csd",
    "independent",
    "unified",
    "sd",
)
# A district's number after its name: 'School District 48J', 'No. 4', '#12'.
DISTRICT_NUMBER = re.compile(r"\s+(?:no\.?\s*|#\s*)?\d+[a-z]?$", re.IGNORECASE)


def district_core(name: str) -> str:
    """The district's own name: ``Cibolo Valley Independent School District`` -> ``Cibolo
    Valley``, ``Tualatin Valley School District 48J`` and ``Tualatin Valley SD`` -> ``Tualatin
    Valley`` (the type words and the district's number dropped)."""
    core = strip_words(name, DISTRICT_TYPE_WORDS)
    if not core:
        return title_case(name)
    if core != fold(name):  # a number after type words ('TVSD 48J' keeps its number)
        core = DISTRICT_NUMBER.sub("", core) or core
    return title_case(core)


def fold(text: str) -> str:
    """Lower-case ASCII with single spaces (for comparing and de-duplicating names)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9&]+", " ", text.replace("&", " and "))
    return " ".join(text.lower().split())


def slug(text: str, sep: str = "") -> str:
    """``"L.E. Berger"`` -> ``"leberger"`` (letters and digits joined by ``sep``)."""
    words = re.findall(r"[a-z0-9]+", fold(text.replace(".", "")))
    return sep.join(words)


def strip_words(text: str, words: Iterable[str]) -> str:
    out = f" {fold(text)} "
    for w in sorted(words, key=len, reverse=True):
        out = out.replace(f" {fold(w)} ", " ")
    return " ".join(out.split())


def is_abbreviation(alias: str) -> bool:
    """``SHS``, ``WFHS``, ``LE`` — all capitals, too ambiguous to search alone."""
    return bool(re.fullmatch(r"[A-Z][A-Z0-9]{1,5}", alias.strip()))


def title_case(text: str) -> str:
    return " ".join(w if w.isupper() else w[:1].upper() + w[1:] for w in text.split())


def dedupe(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        key = fold(item) if " " in item or item[:1].isupper() else item.lower()
        if item and key and key not in seen:
            seen.add(key)
            out.append(item)
    return out


# 'Academy of Science and Technology', 'School for the Arts': a school word, then what it is of.
_SCHOOL_OF = re.compile(
    r"^(.*?)\b(?:" + "|".join(sorted(GENERIC_WORDS, key=len, reverse=True)) + r") (?:of|for) (.+)$"
)


def core_name(name: str, profile: DistrictProfile) -> str:
    """The distinctive words of a name: ``West Fargo Sheyenne High School`` -> ``Sheyenne``;
    ``Harbor Academy of Science and Technology`` -> ``Harbor`` (the words before a school word
    followed by 'of' or 'for'; without them, the words after it: ``Arts`` of ``School of the
    Arts``), never a name with a hole in it ('Harbor of Science and Technology')."""
    d = profile.district
    district_words = [d.location.city, d.name, *d.aliases]
    m = _SCHOOL_OF.match(fold(name))
    if m:
        before = strip_words(m.group(1), district_words)
        after = strip_words(m.group(2), ("the",))
        name = before or after or name
    core = strip_words(name, GENERIC_WORDS)
    stripped = strip_words(core, district_words)
    return title_case(stripped or core)
