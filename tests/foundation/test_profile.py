"""District profile validation: every error names the file, line and field."""

from __future__ import annotations

import textwrap

import pytest

from crawler.district.profile import EntityKind, load_profile, profile_from_text, profile_to_dict
from crawler.errors import InputError

GOOD = textwrap.dedent("""\
    district:
      key: bps
      name: Bismarck Public Schools
      aliases: [BPS]
      domains: [bismarckschools.org]
      location: {city: Bismarck, state: ND, nearby: [Lincoln]}
    entities:
      - key: legacy
        kind: school
        name: Legacy High School
        aliases: [LHS]
        level: high
        mascot: Sabers
        activities: [football, hockey]
      - key: legacy-hockey
        kind: team
        name: Legacy Sabers Hockey
        parent: legacy
    affiliated:
      - {key: saber-boosters, name: Saber Boosters, kind: booster, entity: legacy}
    not_district:
      - {name: Legacy Elementary, location: Orlando FL}
    """)


def test_sample_profile_loads(sample_profile):
    assert sample_profile.district.key == "wfps"
    assert sample_profile.district.domains == ("west-fargo.k12.nd.us",)
    shs = sample_profile.entity("shs")
    assert shs is not None and shs.mascot == "Mustangs" and shs.kind is EntityKind.SCHOOL
    assert "volleyball" in shs.activities
    assert {a.kind.value for a in sample_profile.affiliated} >= {"booster", "pto", "student_media"}
    assert any(n.name == "Green Bay Packers" for n in sample_profile.not_district)


def test_another_district_loads_without_code_change():
    p = profile_from_text(GOOD, "bps.yaml")
    assert p.district.name == "Bismarck Public Schools"
    assert [e.key for e in p.entities] == ["legacy", "legacy-hockey"]
    assert p.entity("legacy-hockey").parent == "legacy"
    assert p.entity_keys == {"bps", "legacy", "legacy-hockey"}


@pytest.mark.parametrize(
    ("old", "new", "line", "fragment"),
    [
        (
            "aliases: [BPS]",
            "aliasses: [BPS]",
            4,
            "district.aliasses: unknown key 'aliasses' (did you mean 'aliases'?)",
        ),
        (
            "kind: school",
            "kind: academy",
            9,
            "kind: 'academy' is not one of school, program, team, department",
        ),
        (
            "level: high",
            "level: senior",
            12,
            "level: 'senior' is not one of elementary, middle, high, other",
        ),
        ("parent: legacy", "parent: nowhere", 18, "parent: unknown entity key 'nowhere'"),
        (
            "entity: legacy}",
            "entity: ghost}",
            20,
            "affiliated[0].entity: unknown entity key 'ghost'",
        ),
        ("state: ND,", "state: North Dakota,", 6, "must be a two-letter code"),
        (
            "domains: [bismarckschools.org]",
            "domains: [not a domain]",
            5,
            "'not a domain' is not a domain name",
        ),
        ("- key: legacy-hockey", "- key: legacy", 15, "duplicate key 'legacy'"),
        ("    name: Legacy Sabers Hockey\n", "", 15, "name: is required"),
        ("mascot: Sabers", "mascot: [a, b]", 13, "mascot: must be a single value"),
        ("aliases: [LHS]", "aliases: LHS", 11, "aliases: must be a list"),
        ("location: Orlando FL}", "url: ftp://x}", 22, "is not an http(s) URL"),
    ],
)
def test_bad_profile_names_line_and_field(old, new, line, fragment):
    assert old in GOOD
    with pytest.raises(InputError) as err:
        profile_from_text(GOOD.replace(old, new, 1), "bps.yaml")
    message = str(err.value)
    assert fragment in message
    assert f"bps.yaml line {line}:" in message


def test_yaml_syntax_error_has_its_line(tmp_path):
    p = tmp_path / "profile.yaml"
    p.write_text(GOOD.replace("name: Bismarck Public Schools", "name: [Bismarck"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_profile(p)
    assert "YAML syntax error" in str(err.value)
    assert err.value.file == str(p) and err.value.line is not None and err.value.line >= 3


def test_all_errors_are_reported_at_once():
    bad = GOOD.replace("kind: school", "kind: academy").replace("level: high", "level: senior")
    with pytest.raises(InputError) as err:
        profile_from_text(bad, "bps.yaml")
    assert "academy" in str(err.value) and "senior" in str(err.value)


@pytest.mark.parametrize(
    "text", ["", "- a\n- b\n", "district: 3\nentities: []\n", "\x00\x01", "entities: [1, 2]"]
)
def test_nonsense_is_an_input_error(text):
    with pytest.raises(InputError):
        profile_from_text(text, "x.yaml")


def test_round_trip_through_plain_data(sample_profile):
    import yaml

    again = profile_from_text(yaml.safe_dump(profile_to_dict(sample_profile)), "again.yaml")
    assert again == sample_profile
