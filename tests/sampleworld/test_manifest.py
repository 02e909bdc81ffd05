"""The manifest: the answer key the demo and end-to-end tests score a scan against."""

from __future__ import annotations

from collections import Counter

from crawler.platforms import canonicalise
from crawler.sampleworld import SampleWorld, recall_by_source
from crawler.sampleworld.manifest import SOURCE_ORDER


def test_manifest_has_every_kind_of_account(sample_world: SampleWorld):
    manifest = sample_world.manifest
    assert len(manifest) >= 60
    counts = Counter(h.classification for h in manifest)
    assert set(counts) == {
        "registered",
        "unregistered",
        "impersonation",
        "affiliated",
        "unrelated",
        "review",
    }
    assert {h.platform for h in manifest if h.classification == "unregistered"} == {
        "facebook",
        "instagram",
        "x",
        "youtube",
        "tiktok",
        "threads",
        "bluesky",
        "linkedin",
        "mastodon",
    }
    assert len({h.url for h in manifest}) == len(manifest)
    for h in manifest:
        assert set(h.sources) <= set(SOURCE_ORDER)
        assert (
            canonicalise(h.url, mastodon_instances=("mastodon.social", "mstdn.social")).url == h.url
        )
        if h.classification in ("registered", "unregistered", "impersonation", "affiliated"):
            assert h.entity, h.key
        assert (h.imitates is not None) == (h.classification == "impersonation"), h.key


def test_every_registry_row_is_a_registered_account(sample_world: SampleWorld, sample_registry):
    registered = {h.url: h for h in sample_world.manifest if h.classification == "registered"}
    registered |= {alias: h for h in registered.values() for alias in h.aliases}
    for row in sample_registry:
        hidden = registered.get(row.url)
        assert hidden is not None, row.url
        assert hidden.entity == row.entity
        assert (hidden.expected_case == "deactivation_incomplete") == (row.status == "deactivated")
    for h in sample_world.manifest:
        if h.imitates:
            assert h.imitates in registered


def test_sources_and_robots(sample_world: SampleWorld):
    by_key = {h.key: h for h in sample_world.manifest}
    assert (
        by_key["staff-hockey-instagram"].sources == ()
        and by_key["staff-hockey-instagram"].hidden_by_robots
    )
    assert by_key["lms-band-instagram"].sources == (
        "district_site",
    )  # only the district site links it
    assert by_key["shs-hoops-x"].sources == ("web_search",)  # only search finds it
    assert "handle_probe" in by_key["hhs-football-tiktok"].sources
    assert "profiles" not in by_key["shs-hoops-instagram"].sources  # instagram.com robots.txt
    for source in SOURCE_ORDER:
        assert any(source in h.sources for h in sample_world.manifest), source


def test_recall_by_source(sample_world: SampleWorld):
    manifest = sample_world.manifest
    recall = recall_by_source(manifest, [h.url for h in manifest if "youtube" in h.sources])
    found, total = recall["youtube"]
    assert found == total > 0
    assert recall["district_site"][0] < recall["district_site"][1]
