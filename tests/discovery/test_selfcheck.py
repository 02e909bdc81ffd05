"""The selfcheck's rules (pure): the known account per platform, the random handle, the verdict."""

from __future__ import annotations

import random

import pytest

from crawler.config import load_config
from crawler.discovery.selfcheck import (
    RANDOM_PREFIX,
    Answer,
    KnownAccount,
    Registered,
    known_account,
    random_handle,
    random_lookup_name,
    robots_closed,
    verdict,
)
from crawler.errors import InputError
from crawler.platforms import PLATFORMS
from crawler.vocab import CheckStatus, Platform

TIKTOK = KnownAccount("tiktok", "https://www.tiktok.com/@horacehawks", "horacehawks", "registry")
RANDOM = "scoutcheck0123456789"


def test_the_random_handle_is_fresh_recognisable_and_valid_where_checked():
    handles = {random_handle() for _ in range(50)}
    assert len(handles) == 50
    for h in handles:
        assert h.startswith(RANDOM_PREFIX) and len(h) == 20
    h = random_handle(random.Random(7))
    for p in (p for p in Platform if not robots_closed(p)):
        name = random_lookup_name(p, h, "wfps@mastodon.social")
        assert PLATFORMS[p].valid_handle(name), (p, name)
    assert random_lookup_name("mastodon", h, "wfps@mastodon.social").endswith("@mastodon.social")


def test_robots_closed_platforms_are_never_checked():
    closed = {p for p in Platform if robots_closed(p)}
    assert closed == {"facebook", "instagram", "x", "threads", "linkedin"}
    assert "robots.txt disallows" in (robots_closed("facebook") or "")


def test_the_known_account_is_registered_first_then_configured():
    rows = [
        Registered("youtube", "https://www.youtube.com/@gone", "deactivated"),
        Registered("youtube", "https://www.youtube.com/@moved", "transferred"),
        Registered("youtube", "https://www.youtube.com/c/legacy", "active"),
        Registered("youtube", "https://www.youtube.com/@wfps", "active"),
    ]
    known, _ = known_account("youtube", rows, {})
    assert known is not None and known.url.endswith("/@wfps") and known.origin == "registry"
    # the Data API looks channels up by @handle: a channel id alone is not enough
    only_id = [
        Registered("youtube", "https://www.youtube.com/channel/UCabcdefghij0123456789ab", "active")
    ]
    assert known_account("youtube", only_id, {}, youtube_api=False)[0] is not None
    known, reason = known_account("youtube", only_id, {}, youtube_api=True)
    assert known is None and "forHandle" in reason
    configured = {"youtube": "https://youtube.com/@sheyennemustangmedia"}
    known, _ = known_account("youtube", only_id, configured, youtube_api=True)
    assert (
        known is not None
        and known.origin == "configured"
        and known.handle == "sheyennemustangmedia"
    )
    # Mastodon: only on a configured instance
    masto = [Registered("mastodon", "https://mstdn.social/@wfps", "active")]
    known, reason = known_account("mastodon", masto, {}, instances=("mastodon.social",))
    assert known is None and "mstdn.social" in reason
    known, reason = known_account("bluesky", [], {})
    assert known is None and "none in the registry" in reason


def _verdict(known: Answer, rnd: Answer):
    return verdict(TIKTOK, known, RANDOM, rnd)


@pytest.mark.parametrize(
    ("known", "rnd", "status", "words"),
    [
        (Answer("ok", "Horace Hawks"), Answer("not_found"), "ok", "parsed as ok"),
        (Answer("ok", "Horace Hawks"), Answer("suspended"), "ok", "suspended"),
        (Answer("unknown"), Answer("not_found"), "drift", "parsed as unknown"),
        (Answer("not_found"), Answer("not_found"), "skipped", "says it does not exist"),
        (Answer("ok", None), Answer("not_found"), "drift", "without a name"),
        (Answer("ok", "Horace Hawks"), Answer("ok", "Someone"), "drift", "calls everything live"),
        (Answer("login_wall"), Answer("not_found"), "skipped", "inconclusive"),
        (Answer("ok", "Horace Hawks"), Answer("login_wall"), "skipped", "inconclusive"),
        (Answer("ok", "Horace Hawks"), Answer("unknown"), "skipped", "inconclusive"),
        (Answer("private", "Horace Hawks"), Answer("not_found"), "skipped", "private"),
        (
            Answer(error="Forbidden by robots.txt", refused=True),
            Answer(error="Forbidden by robots.txt", refused=True),
            "skipped",
            "robots.txt disallows https://www.tiktok.com/@horacehawks",
        ),
        (Answer(error="HTTP 500"), Answer("not_found"), "skipped", "inconclusive"),
    ],
)
def test_verdict(known, rnd, status, words):
    check = _verdict(known, rnd)
    assert check.status == CheckStatus(status)
    assert words in check.reason
    d = check.as_dict()
    assert {"platform", "status", "reason", "known_url", "checked_at"} <= set(d)
    assert d["status"] == status and d["known_url"] == TIKTOK.url


def test_selfcheck_known_in_the_configuration(tmp_path):
    cfg = tmp_path / "scout.toml"
    cfg.write_text('[selfcheck]\nknown = {youtube = "https://www.youtube.com/@wfps"}\n')
    assert load_config(cfg, env={}).selfcheck_known == {"youtube": "https://www.youtube.com/@wfps"}
    cfg.write_text('[selfcheck]\nknown = {myspace = "https://myspace.com/wfps"}\n')
    with pytest.raises(InputError, match="unknown platform 'myspace'"):
        load_config(cfg, env={})
    cfg.write_text("[selfcheck]\nknwon = {}\n")
    with pytest.raises(InputError, match="unknown setting"):
        load_config(cfg, env={})
