"""Candidate handles: the forms schools use for their teams' accounts, in an order a small
probe budget can live with, and each candidate probed once per scan."""

from __future__ import annotations

import re
from collections import Counter

from crawler.discovery.planning.handles import (
    HandleStyle,
    activity_forms,
    candidates,
    separator_cost,
    shortened,
    team_activity_forms,
)
from crawler.discovery.planning.sources import _handle_rows
from crawler.discovery.planning.terms import (
    PROBE_DEPTH,
    all_terms,
    district_style,
    handle_parts,
)
from crawler.discovery.planning.text import district_core, slug
from crawler.district.profile import profile_from_text

# An invented district, unlike the sample worlds: a two-word school name, an abbreviation
# alias, a common-word mascot, a team of the school and a program of the whole district.
HARBOR = """
district:
  key: hvsd
  name: Harbor View School District
  aliases: [HVSD]
  domains: [harborview.k12.wa.us]
  location: {city: Harbor View, state: WA}
entities:
  - {key: hvhs, kind: school, name: Harbor View High School, aliases: [HVHS], level: high,
     mascot: Herons, activities: [volleyball, basketball, cross country, band]}
  - {key: hvhs-bb, kind: team, name: Harbor View Herons Basketball, parent: hvhs,
     activities: [basketball]}
  - {key: hv-band, kind: program, name: HVSD Bands, parent: hvsd, activities: [band]}
  - {key: kelp, kind: school, name: Kelp Bay Elementary, level: elementary}
"""


def _profile():
    return profile_from_text(HARBOR, "harbor.yaml")


def _team(handles: int = 12) -> list[str]:
    p = _profile()
    return [c.handle for c in candidates(handle_parts(p, p.entity("hvhs-bb")))][:handles]


def test_a_dozen_candidates_of_a_team_try_every_form_schools_use():
    first = _team()
    assert first[0] == "harborviewheronsbasketball"  # the team's own name
    assert "hvhsheronsbball" in first  # <abbr><mascot><short activity>
    assert "heronsbball" in first  # <mascot><short activity>
    assert "harborviewheronsbball" in first  # <name><mascot><short activity>
    assert {"hvhsbball", "hvhsbasketball"} & set(first)  # <abbr><activity>
    # a separated three-word form of the team's name
    assert {"harborview_herons_basketball", "harborview.herons.basketball"} & set(first)


def test_a_separator_costs_less_where_the_joined_form_is_hard_to_read():
    style = HandleStyle()
    assert separator_cost("_", ("abbr", "act"), style) < separator_cost("_", ("name", "act"), style)
    three = ("name", "mascot", "act")
    assert separator_cost(".", three, style) < separator_cost(".", ("name", "mascot"), style)
    assert separator_cost("", three, style) == 0.0
    # a separator the district's registered handles use is cheap everywhere
    used = HandleStyle(separators=frozenset({"-"}))
    assert separator_cost("-", ("name", "mascot"), used) < separator_cost("-", three, style)


def test_abbreviation_and_underscore_come_early_for_a_district_program():
    p = _profile()
    first = [c.handle for c in candidates(handle_parts(p, p.entity("hv-band")))][:8]
    assert "hvsdband" in first or "hvsdbands" in first
    assert "hvsd_band" in first or "hvsd_bands" in first


def test_the_forms_of_the_districts_registered_handles_come_first():
    p = _profile()
    plain = [c.handle for c in candidates(handle_parts(p, p.entity("hvhs-bb")))]
    # the district writes basketball 'hoops' and the mascot singular ('hvhsheronhoops')
    style = district_style(p, [("hvhs-bb", "hvhsheronhoops")])
    assert {"hoops", "heron"} <= style.words
    styled = [c.handle for c in candidates(handle_parts(p, p.entity("hvhs-bb")), style)]
    assert styled.index("heronhoops") < plain.index("heronhoops")
    assert any("hoops" in h for h in styled[:4])


def test_each_candidate_is_in_one_group_only():
    terms = all_terms(_profile())
    seen: dict[str, str] = {}
    for t in terms:
        for g, group in enumerate(t.probe_groups()):
            for h in group:
                assert h not in seen, (h, seen.get(h), f"{t.key}[{g}]")
                seen[h] = f"{t.key}[{g}]"
    by = {t.key: t for t in terms}
    # the team and its school's basketball group share the basketball candidates: the team
    # (probed from the first round) has the plainest ones, the school's group goes on from there
    team = by["hvhs-bb"].handle_groups[0]
    school_bb = by["hvhs"].handle_groups[2]
    assert "hvhsheronsbball" in team[:12]
    assert school_bb and not set(school_bb) & set(team)


def test_an_elementary_school_probes_its_best_few_names():
    p = _profile()
    kelp = {t.key: t for t in all_terms(p)}["kelp"]
    depth = PROBE_DEPTH[kelp.rank]
    best = [c.handle for c in candidates(handle_parts(p, p.entity("kelp")))]
    assert len(best) > depth
    assert kelp.probe_groups() == [best[:depth]]


def test_school_and_activity_queries_quote_the_school_name_only():
    """The school's name (or its abbreviation, or its name and mascot) quoted, the activity
    not: team accounts call themselves 'HVHS Girls Volleyball' as often as by the name."""
    hvhs = {t.key: t for t in all_terms(_profile())}["hvhs"]
    # basketball is the team's: its own names are searched already
    assert hvhs.school_activities == [
        '"Harbor View High School" volleyball',
        '"HVHS" volleyball',
        '"Harbor View Herons" volleyball',
        '"Harbor View High School" cross country',
        '"HVHS" cross country',
        '"Harbor View Herons" cross country',
        '"Harbor View High School" band',
        '"HVHS" band',
        '"Harbor View Herons" band',
    ]
    assert not {t.key: t for t in all_terms(_profile())}["hvhs-bb"].school_activities


def test_school_and_activity_queries_use_what_the_first_pages_leave(config):
    from crawler.discovery.planner import plan
    from crawler.discovery.planning.sources import FURTHER_PAGE_SHARE, SCHOOL_ACTIVITY_SHARE
    from tests.discovery.conftest import budget, with_

    p = _profile()
    rows = plan(p, config, sources=["web_search"]).queries["web_search"]
    activity = [q for q in rows if q.query.endswith('"Harbor View High School" volleyball')]
    assert activity and all(" site:" in f" {q.query}" for q in activity)

    # a school-and-activity query: a quoted name, then a bare word ('"…" volleyball')
    def school_activity(q):
        return re.search(r'" [^"\s]', q.query) is not None

    first = [q for q in rows if not school_activity(q)]
    assert max(q.priority for q in first) < min(q.priority for q in activity)
    # a tight budget: FURTHER_PAGE_SHARE of it is kept for further pages, the first pages of
    # the other terms come first, and half of what they leave stays for further pages too
    requests = len(first) + 8
    further = int(requests * FURTHER_PAGE_SHARE)
    tight = with_(config, budget=budget(searxng_requests_per_scan=requests))
    rows = plan(p, tight, sources=["web_search"]).queries["web_search"]
    extra = [q for q in rows if school_activity(q)]
    assert len(rows) - len(extra) == len(first)
    assert len(extra) == int((requests - further - len(first)) * SCHOOL_ACTIVITY_SHARE) > 0


def test_a_school_name_with_its_level_is_a_form_too():
    """'RooseveltMSEagles': the name, the level's short form and the mascot (or an activity)."""
    p = _profile()
    own = [c.handle for c in candidates(handle_parts(p, p.entity("hvhs")))]
    assert "harborviewhsherons" in own
    style = district_style(p, [("hvhs", "harborviewhsherons")])
    assert dict(style.patterns) == {"name+level+mascot": 1}
    hvhs = {t.key: t for t in all_terms(p)}["hvhs"]
    assert "harborviewhsvolleyball" in hvhs.handle_groups[1]


# A school known by '<ABBR> <Mascot>' and '<Initials> <Mascot>' aliases (the Tualatin Valley
# sample's 'PHS Blue Devils', 'GC Wolves'), with a two-word mascot.
COVE = """
district:
  key: ccsd
  name: Cove Creek School District 12J
  aliases: [CCSD, CCSD 12J]
  domains: [ccsd12j.k12.or.us]
  location: {city: Cove Creek, state: OR}
entities:
  - {key: shs, kind: school, name: Seaside High School, level: high, mascot: Sea Lions,
     aliases: [SHS, Seaside HS, SHS Sea Lions, SS Sea Lions], activities: [volleyball]}
  - {key: shs-vb, kind: team, name: Seaside Sea Lions Volleyball, parent: shs,
     activities: [volleyball]}
"""


def test_an_abbreviation_in_an_alias_is_an_abbreviation_not_a_name():
    p = profile_from_text(COVE, "cove.yaml")
    parts = handle_parts(p, p.entity("shs-vb"))
    assert parts.name[0] == "seaside"  # not 'shs', though it is the shortest
    assert "shs" not in parts.name and "ss" not in parts.name
    assert {"shs", "ss"} <= set(parts.abbr)  # 'SS Sea Lions' -> 'ss', an abbreviation too
    first = [c.handle for c in candidates(handle_parts(p, p.entity("shs-vb")))][:12]
    # the team's name in the forms people type, with a separator and a short activity
    assert "seasidesealionsvball" in first
    assert {"seaside.sealions.vball", "seaside_sealions_vball"} & set(first)


def test_a_districts_own_name_drops_its_type_words_and_number():
    assert district_core("Tualatin Valley School District 48J") == "Tualatin Valley"
    assert district_core("Tualatin Valley SD") == "Tualatin Valley"
    assert district_core("Harbor School District No. 4") == "Harbor"
    assert district_core("Cibolo Valley Independent School District") == "Cibolo Valley"
    # an abbreviation with its number is a name of its own ('tvsd48j')
    assert slug(district_core("TVSD 48J")) == "tvsd48j"
    # a program of the whole district: its handles start from the district's own name
    p = profile_from_text(
        COVE.replace(
            "  - {key: shs-vb",
            "  - {key: bands, kind: program, name: CCSD Bands, parent: ccsd, activities: [band]}\n  - {key: shs-vb",
        ),
        "cove.yaml",
    )
    parts = handle_parts(p, p.entity("bands"))
    assert "covecreek" in parts.name and "cc" in parts.abbr
    assert not any(n.startswith("covecreek12") for n in parts.name)


def test_a_candidate_too_long_for_a_platform_gives_its_place_to_its_short_forms():
    p = profile_from_text(COVE, "cove.yaml")
    parts = handle_parts(p, p.entity("shs-vb"))
    assert shortened("seaside.sealions.volleyball", parts) == [
        "seaside.sealions.vball",
        "seaside.sealions.vb",
    ]
    assert shortened("seasidesealions", parts) == []
    team = {t.key: t for t in all_terms(p)}["shs-vb"]
    rows = _handle_rows("handle_probe", [team], ["tiktok", "youtube"], 12).rows
    tiktok = [r.query for r in rows if r.platform == "tiktok"]
    youtube = [r.query for r in rows if r.platform == "youtube"]
    # 'seasidesealionsvolleyball' (25 characters) is too long for TikTok (24): its short
    # forms are tried where it would have been, first; YouTube (30) takes it as it is
    assert youtube[0] == "seasidesealionsvolleyball"
    assert tiktok[:2] == ["seasidesealionsvball", "seasidesealionsvb"]
    assert all(len(h) <= 24 for h in tiktok)


def test_bluesky_probes_the_districts_and_a_schools_own_domains_first():
    text = COVE.replace(
        "  domains: [ccsd12j.k12.or.us]",
        "  domains: [ccsd12j.k12.or.us]\n  website: https://www.ccsd12j.k12.or.us/",
    ).replace(
        "activities: [volleyball]}\n  - {key: shs-vb",
        "activities: [volleyball],\n     website: 'https://shs.ccsd12j.k12.or.us/'}\n  - {key: shs-vb",
    )
    p = profile_from_text(text, "cove.yaml")
    terms = {t.key: t for t in all_terms(p)}
    assert terms["ccsd"].domains == ["ccsd12j.k12.or.us"]
    assert terms["shs"].domains == ["shs.ccsd12j.k12.or.us"]  # its own sub-domain
    rows = _handle_rows("handle_probe", [terms["shs"]], ["bluesky", "tiktok"], 12).rows
    bluesky = [r.query for r in rows if r.platform == "bluesky"]
    assert bluesky[0] == "shs.ccsd12j.k12.or.us"
    assert all(r.query.endswith(".bsky.social") for r in rows[1:] if r.platform == "bluesky")
    assert "shs.ccsd12j.k12.or.us" not in {r.query for r in rows if r.platform == "tiktok"}


def test_a_schools_registered_handle_pattern_leads_its_activities_candidates():
    """A district whose schools' registered handles are <abbr><mascot> ('hvhsherons') names an
    activity's account the same way with the activity added ('hvhsheronsxc'): that form comes
    first in the activity's group, though no activity account is registered."""
    p = _profile()
    style = district_style(p, [("hvhs", "hvhsherons")])
    assert dict(style.patterns) == {"abbr+mascot": 1}
    assert style.bonus("abbr+mascot+act") > style.bonus("abbr+act")
    school = next(t for t in all_terms(p, style=style) if t.key == "hvhs")
    xc = next(g for g in school.handle_groups if any(h.endswith("xc") for h in g))
    assert xc[0] == "hvhsheronsxc", xc[:5]


ACADEMY = """
district:
  key: bbps
  name: Bay Bridge Public Schools
  domains: [baybridge.k12.me.us]
  location: {city: Bay Bridge, state: ME}
entities:
  - {key: kast, kind: school, name: Kestrel Academy of Science and Technology, level: high,
     mascot: Falcons, activities: [soccer]}
  - {key: mlk, kind: school, name: Martin Luther King Jr. Middle School, level: middle,
     mascot: Jaguars}
"""


def test_a_schools_acronym_skips_the_little_words_and_its_core_has_no_hole():
    """'Kestrel Academy of Science and Technology' is KAST (not 'kosat'), its distinctive name
    'Kestrel' (not 'Kestrel of Science and Technology'); 'Martin Luther King Jr. Middle School'
    signs MLKMS."""
    from crawler.discovery.planning.handles import initials
    from crawler.discovery.planning.text import core_name

    p = profile_from_text(ACADEMY, "academy.yaml")
    assert initials("Kestrel Academy of Science and Technology") == "kast"
    assert core_name("Kestrel Academy of Science and Technology", p) == "Kestrel"
    assert core_name("School of the Arts", p) == "Arts"
    kast = handle_parts(p, p.entity("kast"))
    assert kast.abbr[0] == "kast" and kast.name == ("kestrel",)
    assert "kastfalcons" in [c.handle for c in candidates(kast)][:6]
    assert handle_parts(p, p.entity("mlk")).abbr[0] == "mlkms"


# An invented district: a school with an alias of its town and mascot, a girls'-teams alias
# ("Lady <mascot>"), a girls' team named with it, and a boys' team.
MARSH = """
district:
  key: msd
  name: Marsh Point School District
  aliases: [MPSD]
  domains: [marshpoint.k12.la.us]
  location: {city: Marsh Point, state: LA}
entities:
  - {key: ghs, kind: school, name: Grayton High School, aliases: [GHS, Grayton Otters, Lady Otters],
     level: high, mascot: Otters, activities: [football, softball]}
  - {key: ghs-softball, kind: team, name: Grayton Lady Otters Softball,
     aliases: [GHS Softball, Lady Otters Softball], parent: ghs, mascot: Otters,
     activities: [softball]}
  - {key: ghs-football, kind: team, name: Grayton Football, aliases: [GHS Football],
     parent: ghs, mascot: Otters, activities: [football]}
"""


def _marsh(key: str, n: int = 6) -> list[str]:
    p = profile_from_text(MARSH, "marsh.yaml")
    return [c.handle for c in candidates(handle_parts(p, p.entity(key)))][:n]


def test_a_lady_mascot_alias_is_not_the_schools_name():
    # 'Lady Otters' names the girls' teams: 'lady' is no name of the school's
    p = profile_from_text(MARSH, "marsh.yaml")
    assert "lady" not in handle_parts(p, p.entity("ghs")).name
    first = _marsh("ghs", 3)
    assert first[0] == "graytonotters"  # its town and mascot, as its alias says
    assert not any(h.startswith("lady") for h in first)


def test_a_girls_team_writes_its_qualifier_with_the_mascot():
    first = _marsh("ghs-softball", 4)
    assert "ladyotterssoftball" in first
    assert {"ladyottersoftball", "ladyottersb", "ladyotterssb"} & set(_marsh("ghs-softball", 8))
    assert not any(h.startswith("lady") for h in _marsh("ghs-football", 12))


def test_a_team_adds_its_activity_to_what_its_school_calls_itself():
    # the school's alias 'Grayton Otters' plus the activity, though the team's own names
    # carry no mascot
    assert "graytonottersfootball" in _marsh("ghs-football", 4)


def _web(key: str, n: int = 3) -> list[str]:
    p = profile_from_text(MARSH, "marsh.yaml")
    return next(t for t in all_terms(p) if t.key == key).web_terms()[:n]


def test_a_web_search_asks_a_teams_narrowest_names_first():
    # 'Grayton Lady Otters Softball' holds 'Lady Otters Softball': the shorter finds all the
    # longer does, and more of what accounts write ('Lady Otters Softball 🥎 | GHS')
    first = _web("ghs-softball")
    assert first[0] == "Lady Otters Softball"
    assert "Grayton Lady Otters Softball" not in first
    assert "GHS Softball" in first


def test_a_web_search_asks_what_a_teams_accounts_write():
    # the school's own mascot name with the activity, and the mascot with the activity in its
    # town: 'Otter Football', bio 'Marsh Point, LA'
    terms = _web("ghs-football", 12)
    assert "Grayton Otters football" in terms
    assert '"Otters football" "Marsh Point"' in terms


def test_a_web_search_asks_spellings_an_engine_takes_as_one_once():
    text = MARSH.replace("aliases: [GHS Football]", "aliases: [Otter Football, Otters Football]")
    p = profile_from_text(text, "marsh.yaml")
    terms = next(t for t in all_terms(p) if t.key == "ghs-football").web_terms()
    assert ("Otter Football" in terms) != ("Otters Football" in terms)


def test_activities_take_the_short_forms_people_type():
    assert activity_forms("lacrosse")[:2] == ["lacrosse", "lax"]
    assert "swimdive" in activity_forms("Swim & Dive")[:2]  # a pair, joined
    assert "speechdebate" in activity_forms("Speech and Debate")
    assert "folklorico" in activity_forms("Ballet Folklórico")[:2]
    # a qualified sport takes the qualifier's letter before the sport's short forms
    girls = activity_forms("Girls Volleyball")
    assert girls[0] == "girlsvolleyball"
    assert {"gvb", "gvball", "girlsvball"} <= set(girls[:4])
    assert {"volleyball", "vball"} <= set(girls)  # and the sport's own forms after
    assert activity_forms("Women's Lacrosse")[:2] == ["womenslacrosse", "wlax"]
    assert "bsoccer" in activity_forms("Boys Soccer")[:3]
    assert activity_forms("trap shooting") == ["trapshooting"]  # nothing invented


GIRLS_SOCCER = (
    HARBOR
    + """
  - {key: hvhs-gsoc, kind: team, name: Harbor View Girls Soccer, aliases: [HVHS Girls Soccer],
     parent: hvhs, mascot: Herons, activities: [soccer]}
"""
)


def test_a_team_whose_names_say_girls_probes_the_girls_forms():
    p = profile_from_text(GIRLS_SOCCER, "harbor.yaml")
    team = p.entity("hvhs-gsoc")
    forms = team_activity_forms(team, "soccer")
    assert forms[:2] == ["soccer", "soc"]  # the sport's own forms keep their place
    assert {"girlssoccer", "gsoccer", "gsoc"} <= set(forms)
    first = [c.handle for c in candidates(handle_parts(p, team))][:40]
    assert {"hvhsgsoccer", "hvhs_gsoccer", "heronsgsoccer"} & set(first)
    # a team no name qualifies keeps the sport's forms only
    assert team_activity_forms(p.entity("hvhs-bb"), "basketball") == activity_forms("basketball")


def test_a_distinctive_abbreviation_alone_is_a_candidate_a_common_one_is_not():
    """'hvhs' alone is a handle a school takes (four letters: its own); 'shs' alone is
    everybody's Sheyenne, Seaside or Springfield High School."""
    p = _profile()
    hvhs = {t.key: t for t in all_terms(p)}["hvhs"]
    assert "hvhs" in hvhs.handle_groups[0]
    cove = profile_from_text(COVE, "cove.yaml")
    shs = {t.key: t for t in all_terms(cove)}["shs"]
    assert "shs" not in [h for g in shs.handle_groups for h in g]


def test_an_activity_ends_in_a_word_people_leave_out():
    """'Nordic Skiing' is 'nordic' in a handle ('tessawickvalleynordic'), 'Woodsmen Team' is
    'woodsmen', 'French Club' is 'french'; 'Marching Band' keeps its own forms."""
    assert activity_forms("nordic skiing")[:2] == ["nordicskiing", "nordic"]
    assert activity_forms("woodsmen team")[:2] == ["woodsmenteam", "woodsmen"]
    assert "french" in activity_forms("French Club")
    assert activity_forms("marching band")[:1] == ["marchingband"]  # no such word at its end
    assert "marching" not in activity_forms("marching band")


def test_a_short_form_of_another_activity_does_not_push_this_ones_long_form_back():
    """The district writes volleyball 'vb' ('hvhsvb'): volleyball's long form comes after its
    short ones, but basketball's long form stays ahead of its later short forms ('hoops')."""
    p = _profile()
    style = district_style(p, [("hvhs", "hvhsvb")])
    assert style.short_forms and "vb" in style.words
    team = [c.handle for c in candidates(handle_parts(p, p.entity("hvhs-bb")), style)]
    assert team.index("heronsbasketball") < team.index("heronshoops")
    school = next(t for t in all_terms(p, style=style) if t.key == "hvhs")
    vb = next(g for g in school.handle_groups if any(h.endswith("vb") for h in g))
    assert vb.index("hvhsvb") < vb.index("hvhsvolleyball")


def test_a_web_search_asks_a_programs_name_as_its_accounts_cut_it():
    """'CdB Sports Med' is how the account of 'CdB Sports Medicine' writes its name: a phrase
    search for the whole word misses it, so the cut name is one of the program's names."""
    text = HARBOR + (
        "  - {key: hvhs-sm, kind: program, name: HVHS Sports Medicine, parent: hvhs,\n"
        "     activities: [sports medicine]}\n"
    )
    p = profile_from_text(text, "harbor.yaml")
    terms = next(t for t in all_terms(p) if t.key == "hvhs-sm")
    assert terms.names == ["HVHS Sports Medicine", "HVHS Sports Med"]
    assert terms.web_terms().index("HVHS Sports Med") < 3


def test_a_short_activity_name_is_written_whole_first():
    """'esports' is short already: a district that writes activities short ('hvhsvb') still
    gets 'heronsesports' before 'heronsgaming'."""
    text = HARBOR.replace("cross country, band]", "cross country, band, esports]")
    p = profile_from_text(text, "harbor.yaml")
    style = district_style(p, [("hvhs", "hvhsvb")])
    school = next(t for t in all_terms(p, style=style) if t.key == "hvhs")
    group = next(g for g in school.handle_groups if any("esports" in h for h in g))
    assert group.index("harborviewesports") < group.index("harborviewgaming"), group[:12]


def test_the_names_first_letter_with_the_mascot_is_a_form_a_school_uses():
    """'<initial><mascot><activity>' (issue 17's list): a coach's short form where the
    school's abbreviation is everybody's ('keaglesvball', 'ltigerswrestling'); only where the
    school has a mascot, and never a bare letter."""
    p = _profile()
    school = [c.handle for g in [candidates(handle_parts(p, p.entity("hvhs")))] for c in g]
    assert "hherons" in school
    team = [c.handle for c in candidates(handle_parts(p, p.entity("hvhs-bb")))]
    assert "hheronsbasketball" in team and "hheronsbball" in team
    # a school without a mascot has no such form
    kelp = [c.handle for c in candidates(handle_parts(p, p.entity("kelp")))]
    assert not [h for h in kelp if len(h) <= 2 or re.fullmatch(r"k[a-z]{0,2}", h)]


def test_the_schools_own_handle_with_the_activity_after_an_underscore():
    """'jensenjaguars_bball': the school's name and mascot run together, as its own handle is,
    and the activity after an underscore. It comes with the other separated forms of its
    words, after the run-together and the fully separated ones."""
    p = _profile()
    group = [c.handle for c in candidates(handle_parts(p, p.entity("hvhs-bb")))]
    mixed = "harborviewherons_bball"
    assert mixed in group[:20]  # twenty-two characters: after the shorter forms
    assert group.index("harborviewheronsbball") < group.index(mixed)
    assert group.index("harborview_herons_bball") < group.index(mixed)
    assert "harborviewherons.bball" not in group  # an underscore only


# An invented district: a school that calls itself by its name and mascot (seventeen letters
# run together), a girls' team named with 'Lady <mascot>', and a wrestling team.
QUARRY = """
district:
  key: qgsd
  name: Quarry Glen School District
  aliases: [QGSD]
  domains: [quarryglen.k12.vt.us]
  location: {city: Quarry Glen, state: VT}
entities:
  - {key: srhs, kind: school, name: Slate Run High School, aliases: [SRHS, Slate Run Quarriers],
     level: high, mascot: Quarriers, activities: [volleyball, wrestling]}
  - {key: srhs-vb, kind: team, name: Slate Run Lady Quarriers Volleyball,
     aliases: [SRHS Volleyball, Lady Quarriers Volleyball], parent: srhs, mascot: Quarriers,
     activities: [volleyball]}
  - {key: srhs-wr, kind: team, name: Slate Run Quarriers Wrestling,
     aliases: [SRHS Wrestling], parent: srhs, mascot: Quarriers, activities: [wrestling]}
"""


def _quarry(key: str, platform: str | None = None) -> list[str]:
    p = profile_from_text(QUARRY, "quarry.yaml")
    if platform is None:
        return [c.handle for c in candidates(handle_parts(p, p.entity(key)))]
    team = {t.key: t for t in all_terms(p)}[key]
    return [r.query for r in _handle_rows("handle_probe", [team], [platform], 12).rows]


def test_a_girls_team_writes_its_qualified_mascot_as_its_names_do():
    first = _quarry("srhs-vb")
    assert first[0] == "ladyquarriersvolleyball"  # 'Lady Quarriers', as the names write it
    # the other number ('Lady Quarrier') is rarer than the school's short forms
    singular = first.index("ladyquarriervolleyball")
    assert singular > first.index("srhs_vball")
    assert singular > first.index("slaterunvball")


def test_one_separator_spelling_of_a_word_comes_ahead_of_its_place():
    # 'srhs_volleyball' may follow 'srhsvolleyball' at once, 'srhs.volleyball' waits its turn
    first = _quarry("srhs-vb")[:10]
    spellings = Counter(h.replace("_", "").replace(".", "").replace("-", "") for h in first)
    assert max(spellings.values()) <= 2
    assert "srhs.volleyball" not in first


def test_long_candidates_and_their_short_forms_leave_room_for_short_ones():
    # 'slaterunquarrierswrestling' (26 characters) is too long for TikTok: its short forms
    # take its place, but its separated spellings take one short form each, and a plain
    # '<mascot><activity>' is among the first few
    tiktok = _quarry("srhs-wr", "tiktok")
    assert "quarrierswrestling" in tiktok[:6]
    assert not {"slaterun_quarriers_wr", "slaterun_quarriers_wrestle"} <= set(tiktok)
    p = profile_from_text(COVE, "cove.yaml")
    team = {t.key: t for t in all_terms(p)}["shs-vb"]
    rows = [r.query for r in _handle_rows("handle_probe", [team], ["tiktok"], 12).rows]
    assert "shsvball" in rows[:4]
    assert not {"seaside_sealions_vball", "seaside_sealions_vb"} <= set(rows)
