"""Evidence capture with the system Chromium against the sample world."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from crawler.cases.evidence import EvidenceTarget, capture_evidence, refusal
from tests.discovery.test_crawl import prepare

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which("chromium") and not Path("/usr/bin/chromium").exists(),
        reason="no system Chromium",
    ),
]


def test_screenshots_and_hashes(sample_world, tmp_path):
    config, _ = prepare(sample_world, tmp_path)
    sample_world.reset_log()
    targets = [
        EvidenceTarget(1, 11, "https://www.tiktok.com/@sheyennemustangsvb", "tiktok"),
        EvidenceTarget(2, 12, "https://www.youtube.com/@sheyennemustangsfootball", "youtube"),
        EvidenceTarget(3, 13, "https://bsky.app/profile/shsmustangs.bsky.social", "bluesky"),
        EvidenceTarget(4, 14, "https://www.instagram.com/sheyennehoops/", "instagram"),
        EvidenceTarget(5, 15, "https://x.com/SheyenneHoops", "x"),
    ]
    out = capture_evidence(config, targets, tmp_path / "evidence")
    by_case: dict[int | None, dict[str, object]] = {}
    for ev in out:
        by_case.setdefault(ev.case_id, {})[ev.kind] = ev
        assert ev.file_path.exists() and ev.file_path.parent == tmp_path / "evidence"
        assert ev.sha256 == hashlib.sha256(ev.file_path.read_bytes()).hexdigest()
    assert set(by_case) == {11, 12, 13}
    for kinds in by_case.values():
        assert set(kinds) == {"screenshot", "html_sha256"}
        assert kinds["screenshot"].file_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert kinds["html_sha256"].sha256 in kinds["html_sha256"].summary
    assert {s.case_id: s.reason for s in out.skipped} == {
        14: "instagram's robots.txt forbids crawlers",
        15: "x's robots.txt forbids crawlers",
    }
    hosts = {r.host for r in sample_world.requests}
    assert "www.instagram.com" not in hosts and "x.com" not in hosts  # not even their robots.txt
    assert {"www.tiktok.com", "www.youtube.com", "bsky.app"} <= hosts


def test_robots_disallowed_paths_are_not_opened(sample_world, tmp_path):
    config, _ = prepare(sample_world, tmp_path)
    ua = config.user_agent("West Fargo Public Schools")
    target = EvidenceTarget(1, None, "https://www.tiktok.com/share/user/123", "tiktok")
    assert (
        refusal(config, target, ua, ["west-fargo.k12.nd.us"])
        == "robots.txt of www.tiktok.com disallows /share/user/123"
    )
    assert (
        capture_evidence(config, [target], tmp_path / "e")
        .skipped[0]
        .reason.startswith("robots.txt")
    )
