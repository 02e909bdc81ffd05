"""Property tests: classify never raises, canonical forms are fixed points, handles round-trip."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.platforms import PLATFORMS, canonicalise, classify, parse_count, parse_profile_page
from crawler.platforms.base import UrlVerdict

INSTANCES = ("mastodon.social",)
# PLATFORMS_HYPOTHESIS_EXAMPLES=5000 for a deeper run; the default keeps the suite fast.
FAST = settings(
    max_examples=int(os.environ.get("PLATFORMS_HYPOTHESIS_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

HOSTS = sorted(
    {h for p in PLATFORMS.values() for h in p.hosts}
    | {
        "www.instagram.com",
        "m.facebook.com",
        "mobile.twitter.com",
        "uk.linkedin.com",
        "mastodon.social",
        "l.facebook.com",
        "example.org",
    }
)
SEGMENT = st.text(alphabet="abcXYZ019_.-@%:", min_size=0, max_size=24)
URLS = st.builds(
    lambda scheme, host, segs, query, frag: f"{scheme}{host}/{'/'.join(segs)}{query}{frag}",
    st.sampled_from(["https://", "http://", "", "//", "HTTPS://"]),
    st.sampled_from(HOSTS),
    st.lists(SEGMENT, max_size=4),
    st.sampled_from(
        ["", "?hl=en", "?id=12345678", "?u=https%3A%2F%2Fx.com%2Ffoo", "?utm_source=x&igsh=1"]
    ),
    st.sampled_from(["", "#top", "#!/foo"]),
)


@FAST
@given(st.text(max_size=300))
def test_classify_never_raises_on_text(text: str) -> None:
    verdict = classify(text, mastodon_instances=INSTANCES)
    assert isinstance(verdict, UrlVerdict)
    assert verdict.input == text
    assert verdict.is_account == (verdict.reason == "")


@FAST
@given(URLS)
def test_canonicalisation_is_idempotent(url: str) -> None:
    ref = canonicalise(url, mastodon_instances=INSTANCES)
    if ref is not None:
        assert canonicalise(ref.url, mastodon_instances=INSTANCES) == ref
        assert "@" not in ref.handle or ref.platform == "mastodon"
        assert ref.url.startswith("https://")


def _handles(name: str) -> st.SearchStrategy[str]:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCXYZ0123456789_.-"
    handles = st.text(alphabet=alphabet, min_size=1, max_size=32)
    if name == "mastodon":
        return st.builds(
            lambda u, h: f"{u}@{h}", handles, st.sampled_from(["mastodon.social", "k12.social"])
        )
    if name == "bluesky":
        return st.builds(lambda u: f"{u}.bsky.social", handles)
    return handles


@FAST
@given(st.data())
def test_valid_handles_round_trip_through_profile_url(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(PLATFORMS)))
    platform = PLATFORMS[name]
    handle = data.draw(_handles(name))
    if not platform.valid_handle(handle):
        return
    ref = canonicalise(
        platform.profile_url(handle), mastodon_instances=("mastodon.social", "k12.social")
    )
    assert ref is not None, (name, handle)
    expected = (
        handle
        if name == "youtube" and handle.startswith("UC") and len(handle) == 24
        else handle.lower()
    )
    assert ref.handle == expected
    assert ref.url == platform.profile_url(handle)


@FAST
@given(
    st.sampled_from(sorted(PLATFORMS)),
    st.text(max_size=400),
    st.sampled_from([200, 301, 403, 500, 999]),
)
def test_page_parsers_never_raise(name: str, page: str, status: int) -> None:
    record = parse_profile_page(name, page, "https://example.org/", status)
    assert record.platform == name


@FAST
@given(st.text(max_size=60))
def test_parse_count_never_raises(text: str) -> None:
    value = parse_count(text)
    assert value is None or value >= 0


def test_reserved_names_are_not_valid_handles() -> None:
    assert not PLATFORMS["facebook"].valid_handle("events")
    assert not PLATFORMS["facebook"].valid_handle("Sheyenne-High-School-100064591945837")
    assert PLATFORMS["facebook"].valid_handle("100064591945837")
    assert not PLATFORMS["instagram"].valid_handle("explore")
    assert not PLATFORMS["x"].valid_handle("home")
    assert PLATFORMS["x"].valid_handle("wfpackers_")


def test_one_module_per_vocabulary_platform() -> None:
    """PLATFORMS is keyed by crawler.vocab.Platform, in its order; plain strings look up too."""
    from crawler.platforms.page import MetaTagPlatform
    from crawler.vocab import Platform

    assert list(PLATFORMS) == list(Platform)
    for key, module in PLATFORMS.items():
        assert module.name == key and type(module.name) is str
        assert isinstance(module, MetaTagPlatform)
        assert PLATFORMS[str(key)] is module
