"""Liveness at the case stage (DESIGN.md, "Liveness and page states"), through the real matching
and case stages on rows as the crawl stores them: a page or API answer in this scan outranks a
search result or a link; no case for a gone account; a case the scan could not confirm live
states why; a registered account that is gone is a registry-audit finding, not a case."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from crawler.cases.views import case_json
from crawler.db.models import Account, Case, CaseEvent, Scan, ScanQuery, Sighting, utcnow
from crawler.db.store import current_profile, district_row, registry_rows
from crawler.platforms import PageState, classify
from crawler.scan import ScanOptions, ScanOutcome, _match_and_decide
from crawler.vocab import ScanStatus
from reports.audit import audit_registry

SEARCH = "web_search"
LINK = "district_site"
PROFILES = "profiles"
AT = datetime(2026, 3, 2, 10, 14, tzinfo=UTC)

DANCE = "https://www.tiktok.com/@wfhsdance"  # deleted, still in the search index
FOOTBALL = "https://www.tiktok.com/@horacehawksfootball"  # its page check was blocked
HOOPS = "https://www.instagram.com/sheyennehoops/"  # instagram.com: robots.txt closes it
VB = "https://www.tiktok.com/@sheyennemustangsvb"  # checked: live
MEDIA = "https://www.youtube.com/@sheyennemustangmedia"  # registered, active: deleted
JROTC = "https://www.instagram.com/wfjrotc/"  # registered as deactivated, still linked

PROFILE = {
    DANCE: ("West Fargo High School Dance", "West Fargo High School dance team, West Fargo ND."),
    FOOTBALL: ("Horace Hawks Football", "West Fargo Horace High School football. Fly Hawks!"),
    HOOPS: ("Sheyenne Mustangs Basketball", "Official home of Sheyenne Mustangs boys basketball."),
    VB: ("Sheyenne Mustangs VB", "Sheyenne Mustangs volleyball, West Fargo ND"),
    MEDIA: ("Sheyenne Mustang Media Productions", "Sheyenne High School students, West Fargo"),
    JROTC: ("West Fargo JROTC", "West Fargo High School Army JROTC cadets."),
}


def scan(world, seen: dict[str, list[tuple[str, str | None]]], checks: dict[str, str] = ()):  # type: ignore[assignment]
    """One scan as the crawl stores it: ``seen`` maps an account URL to its (source, page
    state) sightings in order; ``checks`` the profiles source's failed checks (URL -> error).
    Then the scan's matching and case stages. Returns (scan id, outcome)."""
    with world.session() as s:
        district = district_row(s)
        row = Scan(district_id=district.id, status=ScanStatus.RUNNING, params={}, stats={})
        s.add(row)
        s.flush()
        for url, sightings in seen.items():
            ref = classify(url).account
            assert ref is not None
            acc = s.scalars(select(Account).where(Account.url == ref.url)).first()
            if acc is None:
                name, bio = PROFILE[url]
                acc = Account(
                    district_id=district.id,
                    platform=ref.platform,
                    url=ref.url,
                    handle=ref.handle,
                    display_name=name,
                    bio=bio,
                )
                s.add(acc)
                s.flush()
            for source, state in sightings:
                s.add(Sighting(account_id=acc.id, scan_id=row.id, source=source, fetched_at=AT))
                if state is not None:  # the store pipeline keeps the latest answer's state
                    acc.page_state = PageState(state)
            if any(source == PROFILES for source, _ in sightings):
                s.add(ScanQuery(scan_id=row.id, source=PROFILES, query=ref.url, status="done"))
        for url, error in dict(checks).items():
            s.add(
                ScanQuery(scan_id=row.id, source=PROFILES, query=url, status="failed", error=error)
            )
        row.status, row.finished_at = ScanStatus.COMPLETED, utcnow()
        s.flush()
        outcome = ScanOutcome(scan_id=row.id, resumed=False)
        _match_and_decide(
            s, world.config, ScanOptions(), current_profile(s), registry_rows(s), row.id, outcome
        )
        return row.id, outcome


def cases(world) -> dict[str, dict]:
    with world.session() as s:
        return {c.account.url: case_json(c) for c in s.scalars(select(Case))}


def liveness_notes(case: dict) -> list[str]:
    return [e["summary"] for e in case["evidence"] if "liveness not confirmed" in e["summary"]]


def test_a_direct_answer_outranks_a_search_result_or_a_link(world):
    scan_id, outcome = scan(
        world,
        {
            DANCE: [(SEARCH, None), (PROFILES, "not_found")],
            FOOTBALL: [(SEARCH, None)],
            HOOPS: [(SEARCH, None)],
            VB: [(SEARCH, None), (PROFILES, "ok")],
            MEDIA: [(LINK, None), (PROFILES, "not_found")],
            JROTC: [(LINK, None)],
        },
        checks={FOOTBALL: "blocked (HTTP 403)"},
    )
    opened = cases(world)
    # deleted, though the search index still lists it: no case
    assert DANCE not in opened and DANCE in outcome.cases["gone"]
    # checked live: a case, nothing to qualify
    assert opened[VB]["kind"] == "unregistered" and liveness_notes(opened[VB]) == []
    # the direct check was blocked: a case, saying that liveness could not be confirmed and why
    (note,) = liveness_notes(opened[FOOTBALL])
    assert "blocked (HTTP 403)" in note and "search result" in note
    # robots.txt closes instagram.com: a case, with that limit stated
    (note,) = liveness_notes(opened[HOOPS])
    assert "robots.txt" in note
    # registered and deleted: no case of any kind; deactivated but still linked (instagram.com
    # cannot be checked): deactivation incomplete, with the limit stated
    assert MEDIA not in opened
    assert opened[JROTC]["kind"] == "deactivation_incomplete"
    assert liveness_notes(opened[JROTC]) and "robots.txt" in liveness_notes(opened[JROTC])[0]

    # the registered account that is gone is a registry-audit finding naming source and time
    with world.session() as s:
        findings = [f for f in audit_registry(s, world.config, scan_id=scan_id) if f.code == "gone"]
    (gone,) = findings
    assert (gone.severity, gone.platform, gone.status) == ("problem", "youtube", "active")
    assert gone.url == MEDIA
    assert "does not exist" in gone.message and "not_found" in gone.message
    assert "profiles" in gone.message and "2026-03-02 10:14 UTC" in gone.message
    assert set(gone.as_dict()) == {
        "code", "severity", "registered_id", "platform", "url", "handle", "entity", "status",
        "message",
    }  # fmt: skip


def test_deactivation_incomplete_needs_the_account_shown_live(world):
    scan(world, {JROTC: [(LINK, None), (PROFILES, "not_found")]})
    assert JROTC not in cases(world)  # the registry is right: it is gone
    with world.session() as s:
        assert not [f for f in audit_registry(s, world.config) if f.code == "deactivated-but-live"]
    scan(world, {JROTC: [(LINK, None), (PROFILES, "private")]})
    assert cases(world)[JROTC]["kind"] == "deactivation_incomplete"


def test_a_followed_case_whose_account_is_gone_is_not_seen(world):
    scan(world, {VB: [(SEARCH, None), (PROFILES, "ok")]})
    (number,) = [c["case_id"] for c in cases(world).values()]
    _, outcome = scan(world, {VB: [(SEARCH, None), (PROFILES, "suspended")]})
    assert outcome.cases.get("not_seen") == [number] and "seen" not in outcome.cases
    with world.session() as s:
        (event,) = s.scalars(select(CaseEvent).where(CaseEvent.action == "not-seen")).all()
        assert "does not exist" in event.note and "suspended" in event.note
    # a blocked check is no news either way: the case is neither seen gone nor closed
    _, outcome = scan(world, {VB: [(SEARCH, None)]}, checks={VB: "blocked (cloudflare challenge)"})
    assert cases(world)[VB]["status"] == "open"


def test_a_stored_rate_limited_state_reads_as_blocked(world):
    """``rate_limited``, the earlier name of ``blocked``, may be stored by an older version."""
    from sqlalchemy import text

    with world.session() as s:
        acc = Account(
            district_id=district_row(s).id,
            platform="tiktok",
            url=VB,
            handle="sheyennemustangsvb",
            page_state=PageState.OK,
        )
        s.add(acc)
        s.flush()
        s.execute(
            text("UPDATE accounts SET page_state = 'rate_limited' WHERE id = :i"), {"i": acc.id}
        )
        account_id = acc.id
    with world.session() as s:
        acc = s.get(Account, account_id)
        assert acc is not None and acc.page_state is PageState.BLOCKED and acc.page_state.gap
        acc.page_state = PageState.UNKNOWN
    with world.session() as s:
        s.get(Account, account_id).page_state = PageState.BLOCKED  # type: ignore[union-attr]
    with world.session() as s:
        stored = s.execute(text("SELECT page_state FROM accounts WHERE id = :i"), {"i": account_id})
        assert stored.scalar_one() == "blocked"


def test_blocked_checks_are_coverage_gaps_per_platform_in_the_summary(world):
    from reports.context import Context
    from reports.documents.summary import build_summary, gap_platform

    scan_id, _ = scan(
        world,
        {FOOTBALL: [(SEARCH, None)], VB: [(SEARCH, None)]},
        checks={FOOTBALL: "blocked (HTTP 403)", VB: "login wall"},
    )
    with world.session() as s:
        summary = build_summary(Context(s, world.config, scan_id))
    tiktok = next(p for p in summary["per_platform"] if p["platform"] == "tiktok")
    assert tiktok["gaps"] == 2 and tiktok["accounts"] == 2
    errors = {g["query"]: g["error"] for g in summary["gaps"] if g["source"] == PROFILES}
    assert errors == {FOOTBALL: "blocked (HTTP 403)", VB: "login wall"}
    # neither found live nor absent: both still open a case that says so
    assert all(liveness_notes(c) for c in cases(world).values())
    assert gap_platform("tiktok @horacehawks") == "tiktok"
    assert gap_platform('site:instagram.com "Sheyenne Mustangs"') == "instagram"


def test_a_selfcheck_answer_is_described_by_the_channel_it_used():
    """The selfcheck asks each platform as the scan does: a TikTok account's page, Bluesky's
    and Mastodon's APIs; the registry audit's ``gone`` message names the right one."""
    from crawler.db.liveness import Liveness

    def said(platform: str, source: str = "selfcheck") -> str:
        return Liveness(PageState.NOT_FOUND, source, AT, platform=platform).describe()

    assert said("tiktok").startswith("its page answered not_found (source selfcheck")
    assert said("mastodon").startswith("its API answered not_found")
    assert said("tiktok", PROFILES).startswith("its page answered")
    assert said("youtube", "youtube").startswith("its API answered")
