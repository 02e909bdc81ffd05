"""Scale benchmark of matching (not a test): a generated state-sized profile of schools
and a million accounts.

Builds a profile of ``--schools`` schools whose names are made of towns, levels,
people and mascots (so namesakes abound: many "Lincoln Elementary"), and
``--accounts`` accounts (names, handles and bios derived from those schools with
abbreviations, activities, typos and decorations, plus people and businesses).
Reports the time and peak memory of matching them all (normalise, block,
compare, decide) on ``--workers`` processes, and, on a ``--sample`` of the
accounts, how often blocking keeps brute force's top match (rapidfuzz
``process.cdist`` of the name against every school's names).

    python benchmarks/matching_scale.py [--schools 100000] [--accounts 1000000] [--workers 2]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.district.profile import District, DistrictProfile, Entity, EntityKind, Level, Location
from matching import (
    Candidate,
    Matcher,
    MatchSettings,
    lexicon,
)
from matching.compare import name_scorer

PREFIX = (
    "Maple Cedar Oak Pine Elm Willow Spring River Lake Green Fair Clear Rock Stone Silver Gold Red White "
    "Black New Mount Glen Brook Ash Birch Bright Deer Eagle Fox Bear Wolf Hawk Elk Mill Bridge Wood Kings "
    "Port Fort Union Salem Avon Bristol Dover Exeter Clay Sand Pleasant Prairie Sun Moon Star High Long "
    "Cold Warm Iron Copper Blue Rose Lily Holly Laurel Aspen Hazel Summer Winter Harbor Bay"
).split()
SUFFIX = (
    "ville|ton|field|wood|burg|ford|dale|view|port|land|mont|haven| Falls| Springs| Creek| Park| Hills| City|"
    " Grove| Valley| Heights| Ridge| Center| Junction"
).split("|")
PEOPLE = (
    (
        "Lincoln Washington Jefferson Roosevelt Kennedy Franklin Adams Jackson Madison Monroe Wilson Horace Mann|"
        "Martin Luther King|Eisenhower|Truman|Hoover|Edison|Emerson|Whittier|Longfellow|Hawthorne|Irving|"
        "McKinley|Garfield|Grant|Hamilton|Douglass|Tubman|Chavez|Columbus|Marshall|Webster"
    )
    .replace(" ", "|")
    .split("|")
)
THEMES = (
    "Liberty Freedom Independence Heritage Legacy Eastwood Westwood Westside Eastside Northside Southside "
    "Central Meadowlark Aurora Sunrise Sunset Hillside Highland Riverside Lakeside Parkside Discovery "
    "Horizon Pioneer Frontier Summit Unity Harmony Prairie"
).split()
MASCOTS = sorted(m.title() for m in lexicon.MASCOTS)
ACTS = (
    "football",
    "volleyball",
    "basketball",
    "soccer",
    "band",
    "choir",
    "hockey",
    "wrestling",
    "track",
    "cheer",
)
FIRST = "Emma Liam Olivia Noah Ava Mason Sophia Ethan Mia Lucas Harper Logan Ella Jack Grace Owen Lily Wyatt".split()
LAST = "Smith Johnson Brown Miller Davis Wilson Anderson Thomas Moore Martin Lee Clark Lewis Walker Hall".split()
STATES = sorted(lexicon.STATES)


def town(rng: random.Random) -> str:
    return rng.choice(PREFIX) + rng.choice(SUFFIX)


def make_profile(n: int, seed: int) -> DistrictProfile:
    rng = random.Random(seed)
    ents: list[Entity] = []
    for i in range(n):
        t, _state, mascot = town(rng), rng.choice(STATES), rng.choice(MASCOTS)
        kind = rng.random()
        if kind < 0.25:
            name, lvl, aliases = f"{t} High School", Level.HIGH, (f"{t} {mascot}", f"{t} High")
        elif kind < 0.45:
            who = rng.choice(PEOPLE + THEMES + [t])
            name, lvl, aliases = f"{who} Middle School", Level.MIDDLE, ()
        else:
            who = rng.choice(PEOPLE + THEMES + [t, t])
            name, lvl, aliases = f"{who} Elementary", Level.ELEMENTARY, ()
        ents.append(
            Entity(
                key=f"s{i}",
                kind=EntityKind.SCHOOL,
                name=name,
                aliases=aliases,
                level=lvl,
                mascot=mascot,
                activities=ACTS[: rng.randint(0, len(ACTS))],
                city=f"{t}",
            )
        )
    district = District(
        key="state",
        name="Generated State Schools",
        aliases=(),
        domains=("example.k12.us",),
        location=Location(city="Capital City", state="ND"),
    )
    return DistrictProfile(district=district, entities=tuple(ents))


def make_account(j: int, profile: DistrictProfile, seed: int) -> Candidate:
    rng = random.Random(seed * 1_000_003 + j)
    if rng.random() < 0.3:  # people and businesses
        if rng.random() < 0.5:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        else:
            name = f"{town(rng)} {rng.choice(['Pizza', 'Dental', 'Realty', 'Auto', 'Church', 'Library'])}"
        bio = None
    else:
        e = profile.entities[rng.randrange(len(profile.entities))]
        base = rng.choice((e.name, *e.aliases))
        v = rng.random()
        if v < 0.2:
            name = f"{base} {rng.choice(ACTS).title()}"
        elif v < 0.35:
            name = (
                base.replace("High School", "HS")
                .replace("Middle School", "MS")
                .replace("Elementary", "Elem")
            )
        elif v < 0.5:
            words = base.split()
            k = rng.randrange(len(words))
            w = words[k]
            if len(w) > 4:
                i = rng.randrange(1, len(w) - 2)
                words[k] = w[:i] + w[i + 1] + w[i] + w[i + 2 :]  # swapped letters
            name = " ".join(words)
        elif v < 0.6:
            name = f"Official {base}"
        elif v < 0.7:
            name = f"{base} {e.mascot} {rng.choice(ACTS).title()}"
        else:
            name = base
        bio = f"{e.city}, {rng.choice(STATES)}" if rng.random() < 0.5 else None
    handle = "".join(c for c in name.lower() if c.isalnum())[:28] or f"user{j}"
    if rng.random() < 0.3:
        handle = handle[:20] + rng.choice(("_", "vb", "fb", "official", "22"))
    return Candidate(
        platform="instagram",
        handle=handle,
        url=f"https://www.instagram.com/{handle}/",
        display_name=name,
        bio=bio,
    )


_MATCHER: Matcher | None = None
_PROFILE: DistrictProfile | None = None


def _work(args: tuple[int, int, int, float]) -> dict[str, Any]:
    start, end, seed, sample = args
    assert _MATCHER is not None and _PROFILE is not None
    m = _MATCHER
    name_score = name_scorer(m.settings)
    counts: dict[str, int] = {}
    samples = []
    step = max(1, round(1 / sample)) if sample > 0 else 0
    for j in range(start, end):
        c = make_account(j, _PROFILE, seed)
        res = m.assess(c)
        counts[res.classification] = counts.get(res.classification, 0) + 1
        if step and j % step == 0:
            f = m.features(c)
            q = " ".join(f.name)
            ids = m.ref.entity_index.query(f.block_words(m.settings)) if m.ref.entity_index else []
            blocked = max(
                (name_score(q, form) for i in ids for form in m.ref.entities[i].forms), default=0.0
            )
            samples.append((q, blocked))
    return {"counts": counts, "samples": samples}


def brute_force(queries: list[str], forms: list[str], s: MatchSettings) -> list[float]:
    """Best name score of each query against every form: rapidfuzz cdist, all cores."""
    from rapidfuzz import fuzz, process

    out: list[float] = []
    for i in range(0, len(queries), 64):
        chunk = queries[i : i + 64]
        ts = process.cdist(
            chunk, forms, scorer=fuzz.token_set_ratio, processor=None, workers=-1, dtype="float32"
        )
        so = process.cdist(
            chunk, forms, scorer=fuzz.token_sort_ratio, processor=None, workers=-1, dtype="float32"
        )
        scores = s.name_token_set_share * ts + s.name_token_sort_share * so
        out.extend(scores.max(axis=1).tolist())
    return out


def peak_mb() -> tuple[float, float]:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return self_kb / 1024, child_kb / 1024


def main() -> None:
    global _MATCHER, _PROFILE
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--schools", type=int, default=100_000)
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--sample", type=float, default=0.01, help="share of accounts checked against brute force"
    )
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    t0 = time.perf_counter()
    _PROFILE = make_profile(args.schools, args.seed)
    t1 = time.perf_counter()
    _MATCHER = Matcher(_PROFILE, [])
    t2 = time.perf_counter()
    forms = sorted({f for r in _MATCHER.ref.entities for f in r.forms})
    print(
        f"profile: {args.schools:,} schools generated in {t1 - t0:.1f} s; matcher built in {t2 - t1:.1f} s "
        f"({len(forms):,} distinct names, {len(_MATCHER.ref.entity_index.postings):,} indexed words)"
    )

    chunk = 5_000
    tasks = [
        (s, min(s + chunk, args.accounts), args.seed, args.sample)
        for s in range(0, args.accounts, chunk)
    ]
    counts: dict[str, int] = {}
    samples: list[tuple[str, float]] = []
    t3 = time.perf_counter()
    with mp.get_context("fork").Pool(args.workers) as pool:
        for out in pool.imap_unordered(_work, tasks):
            for k, v in out["counts"].items():
                counts[k] = counts.get(k, 0) + v
            samples.extend(out["samples"])
    t4 = time.perf_counter()
    main_mb, child_mb = peak_mb()
    rate = args.accounts / (t4 - t3)
    print(
        f"matching: {args.accounts:,} accounts on {args.workers} workers in {t4 - t3:.1f} s "
        f"({rate:,.0f} accounts/s; normalise + block + compare + decide)"
    )
    print(
        f"peak memory: main process {main_mb:,.0f} MB (profile + index), largest worker {child_mb:,.0f} MB"
    )
    print("classifications: " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())))

    queries = [q for q, _ in samples if q]
    blocked = [b for q, b in samples if q]
    t5 = time.perf_counter()
    brute = brute_force(queries, forms, _MATCHER.settings)
    t6 = time.perf_counter()
    pairs = list(zip(blocked, brute, strict=True))
    weak = _MATCHER.settings.name_weak
    matched = [(b, bf) for b, bf in pairs if bf >= weak]
    kept = sum(b >= bf - 1e-3 for b, bf in matched)
    kept_all = sum(b >= bf - 1e-3 for b, bf in pairs)
    print(
        f"brute force: {len(queries):,} sampled accounts x {len(forms):,} names with rapidfuzz cdist "
        f"in {t6 - t5:.1f} s"
    )
    print(
        f"agreement: blocking kept brute force's top match for {kept:,} of the {len(matched):,} sampled "
        f"accounts whose top match scores at least {weak:.0f} ({100 * kept / max(len(matched), 1):.2f}%); "
        f"over all {len(pairs):,} sampled accounts, including people and businesses whose best 'match' "
        f"is noise: {100 * kept_all / max(len(pairs), 1):.2f}%"
    )


if __name__ == "__main__":
    main()
