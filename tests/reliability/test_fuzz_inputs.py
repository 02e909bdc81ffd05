"""Bad input of every kind gives a clear error (InputError), never a traceback."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.config import load_config
from crawler.district.profile import profile_from_text
from crawler.district.registry import COLUMNS, parse_registry
from crawler.errors import InputError

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@FUZZ
@given(text=st.text(max_size=400))
def test_profile_text_never_raises_anything_but_input_error(text):
    try:
        profile_from_text(text, "fuzz.yaml")
    except InputError as exc:
        assert str(exc).startswith("fuzz.yaml")


@FUZZ
@given(data=json_like)
def test_profile_structures_never_raise_anything_but_input_error(data):
    text = yaml.safe_dump({"district": data, "entities": [data]})
    with pytest.raises(InputError):
        profile_from_text(text, "fuzz.yaml")


@FUZZ
@given(sample_mutation=st.tuples(st.integers(min_value=0, max_value=5000), st.text(max_size=12)))
def test_mutated_sample_profile(sample_mutation):
    from crawler.sample import PROFILE

    pos, insert = sample_mutation
    text = PROFILE.read_text(encoding="utf-8")
    pos = min(pos, len(text))
    try:
        profile_from_text(text[:pos] + insert + text[pos:], "mut.yaml")
    except InputError as exc:
        assert "mut.yaml" in str(exc)


cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@FUZZ
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=16), max_size=5))
def test_registry_never_raises_anything_but_input_error(sample_profile, rows):
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(COLUMNS)
    w.writerows(rows)
    try:
        loaded = parse_registry(buf.getvalue(), sample_profile, file="fuzz.csv")
    except InputError as exc:
        assert str(exc).startswith("fuzz.csv")
    else:
        assert len(loaded.rows) <= len(rows)


@FUZZ
@given(text=st.text(max_size=300))
def test_registry_raw_text(sample_profile, text):
    try:
        parse_registry(text, sample_profile, file="raw.csv")
    except InputError:
        pass


toml_value = st.one_of(
    st.integers(),
    st.booleans(),
    st.text(max_size=10).map(repr),
    st.lists(st.integers(), max_size=3).map(str),
)


@FUZZ
@given(
    section=st.sampled_from(
        [
            "district",
            "database",
            "sources",
            "budget",
            "crawl",
            "cases",
            "reports",
            "hostmap",
            "matching",
            "nonsense",
        ]
    ),
    key=st.sampled_from(
        [
            "profile",
            "url",
            "enabled",
            "searxng_url",
            "requests_per_host",
            "download_delay",
            "prefix",
            "steps",
            "out",
            "www.instagram.com",
            "mastodon_instances",
            "allow_networks",
            "weird",
        ]
    ),
    value=toml_value,
)
def test_config_never_raises_anything_but_input_error(tmp_path_factory, section, key, value):
    p = tmp_path_factory.mktemp("cfg") / "scout.toml"
    p.write_text(f'[{section}]\n"{key}" = {value}\n'.replace("'", '"'), encoding="utf-8")
    try:
        load_config(p, env={})
    except InputError as exc:
        assert "scout.toml" in str(exc)


@FUZZ
@given(text=st.text(max_size=200))
def test_config_raw_text(tmp_path_factory, text):
    p = tmp_path_factory.mktemp("cfg") / "scout.toml"
    p.write_text(text, encoding="utf-8")
    try:
        load_config(p, env={})
    except InputError:
        pass


@FUZZ
@given(
    url=st.one_of(st.text(max_size=200), st.from_regex(r"https?://[a-z.]{1,30}/[@\w./?=&%-]{0,60}"))
)
def test_check_urls_never_raises(sqlite_url, url):
    from crawler.cases.checking import check_urls
    from crawler.db import transaction

    with transaction(sqlite_url) as s:
        [result] = check_urls(s, [url])
    assert result["input"] == url
    assert isinstance(result["is_account"], bool)


def test_env_overrides_are_validated(tmp_path):
    with pytest.raises(InputError) as err:
        load_config(None, env={"SCOUT_SOURCES": "youtube,myspace"})
    assert "unknown source 'myspace'" in str(err.value)
    with pytest.raises(InputError):
        load_config(None, env={"SCOUT_ALLOW_NETWORKS": "not-a-cidr"})
    with pytest.raises(InputError):
        load_config(None, env={"SCOUT_MASTODON_INSTANCES": "bad host/x"})
    cfg = load_config(
        None,
        env={
            "SCOUT_MASTODON_INSTANCES": "Mastodon.Social, fosstodon.org",
            "SCOUT_DATABASE_URL": "postgresql://u@h/db",
        },
    )
    assert cfg.mastodon_instances == ("mastodon.social", "fosstodon.org")
    assert cfg.database_url == "postgresql+psycopg://u@h/db"
