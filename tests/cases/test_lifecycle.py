"""Cases across simulated scans: decisions kept, no duplicates, renames, failed fetches."""

from __future__ import annotations

from sqlalchemy import func, select

from crawler.cases.decisions import decide
from crawler.cases.records import find_case, fingerprint, next_number
from crawler.cases.views import case_json
from crawler.db.models import Account, Case, CaseCounter
from tests.cases.scout_world import Seen, run_scan

HOOPS = Seen(
    "https://www.instagram.com/sheyennehoops/",
    entity="shs-basketball",
    confidence=0.9,
    display_name="Sheyenne Hoops",
    bio="Sheyenne Mustangs basketball, West Fargo ND",
    sources=("web_search", "profiles"),
)
COPY = Seen(
    "https://www.instagram.com/westfargoschools_/",
    classification="impersonation",
    entity="wfps",
    imitates="https://www.instagram.com/westfargoschools/",
    display_name="West Fargo Public Schools",
    confidence=0.95,
)
LMS = Seen(
    "https://www.tiktok.com/@lmsmustangs",
    entity="lms",
    confidence=0.55,
    display_name="LMS Mustangs",
    bio="Go Mustangs!",
)
BSKY = Seen(
    "https://bsky.app/profile/shsvolley.bsky.social",
    entity="shs-volleyball",
    confidence=0.8,
    platform_id="did:plc:volley0000000000000000aa",
    display_name="SHS Volleyball",
    sources=("bluesky",),
)
BOOSTERS = Seen(
    "https://www.facebook.com/mustangboosters", classification="affiliated", entity="shs"
)
JROTC = Seen(
    "https://www.instagram.com/wfjrotc/",
    classification="registered",
    entity="jrotc",
    sources=("profiles",),
)


def _numbers(world):
    with world.session() as s:
        return sorted(s.scalars(select(Case.number)))


def _case(world, number):
    with world.session() as s:
        c = find_case(s, number)
        return {
            "status": c.status,
            "kind": c.kind,
            "handle": c.account.handle,
            "last_scan": c.last_scan_id,
            "events": [e.action for e in c.events],
            "json": case_json(c),
        }


def test_first_scan_opens_one_case_per_unregistered_or_impersonation(world):
    _, upd = run_scan(world, [HOOPS, COPY, LMS, BOOSTERS, JROTC], deactivated_live=(JROTC.url,))
    assert len(upd.opened) == 4
    year = upd.opened[0].split("-")[1]
    assert upd.opened == [f"ABCE-{year}-000{i}" for i in range(1, 5)]
    kinds = {_case(world, n)["kind"] for n in upd.opened}
    assert kinds == {"unregistered", "impersonation", "deactivation_incomplete"}
    copy = next(_case(world, n) for n in upd.opened if _case(world, n)["kind"] == "impersonation")
    assert copy["json"]["imitates"] == "https://www.instagram.com/westfargoschools/"
    with world.session() as s:
        c = find_case(s, upd.opened[0])
        assert (
            c.due_at is not None and (c.due_at - c.opened_at.date()).days == world.config.due_days
        )


def test_decisions_survive_the_next_scan_and_nothing_is_duplicated(world):
    _, first = run_scan(world, [HOOPS, COPY, LMS])
    hoops, copy, lms = first.opened
    with world.session() as s:
        decide(s, hoops, "notified", by="pr", note="emailed the coach")
        decide(s, copy, "reported", by="pr")
        decide(s, lms, "not-district", by="pr", note="Lemoore CA")
    new = Seen(
        "https://www.youtube.com/channel/UCnewchannel0000000000aa",
        entity="hhs",
        confidence=0.7,
        display_name="Horace Hawks Sports",
        sources=("youtube",),
    )
    _, second = run_scan(world, [HOOPS, COPY, LMS, new])
    assert len(second.opened) == 1 and second.opened[0] not in first.opened
    assert set(second.kept_closed) == {copy, lms}
    assert _case(world, hoops)["status"] == "notified"
    assert _case(world, copy)["status"] == "reported-to-platform"
    assert _case(world, lms)["status"] == "dismissed-not-district"
    assert len(_numbers(world)) == 4
    assert "decided" in _case(world, hoops)["events"]


def test_dismissed_case_reopens_only_on_material_change(world):
    _, first = run_scan(world, [LMS])
    (lms,) = first.opened
    with world.session() as s:
        decide(s, lms, "not-district", by="pr")
    # Same name and bio, a slightly different score: stays dismissed.
    run_scan(
        world,
        [Seen(LMS.url, entity="lms", confidence=0.6, display_name=LMS.display_name, bio=LMS.bio)],
    )
    assert _case(world, lms)["status"] == "dismissed-not-district"
    # A new name, but no stronger match: stays dismissed.
    run_scan(
        world,
        [Seen(LMS.url, entity="lms", confidence=0.56, display_name="Mustang fans", bio=LMS.bio)],
    )
    assert _case(world, lms)["status"] == "dismissed-not-district"
    # New name and bio that match the school much more strongly: re-opened, same number.
    _, upd = run_scan(
        world,
        [
            Seen(
                LMS.url,
                entity="lms",
                confidence=0.92,
                display_name="Liberty Middle School (official)",
                bio="Official account of Liberty Middle School, West Fargo ND",
            )
        ],
    )
    assert upd.reopened == [lms] and not upd.opened
    c = _case(world, lms)
    assert c["status"] == "open" and c["events"][-1] == "reopened"


def test_handle_rename_keeps_the_case(world):
    _, first = run_scan(world, [BSKY])
    (number,) = first.opened
    renamed = Seen(
        "https://bsky.app/profile/sheyennevolleyball.bsky.social",
        entity="shs-volleyball",
        confidence=0.85,
        platform_id=BSKY.platform_id,
        display_name="SHS Volleyball",
        sources=("bluesky",),
    )
    _, second = run_scan(world, [renamed])
    assert not second.opened and second.renamed == [number]
    c = _case(world, number)
    assert c["handle"] == "sheyennevolleyball.bsky.social" and "renamed" in c["events"]
    _, third = run_scan(world, [renamed])
    assert not third.renamed and _case(world, number)["events"].count("renamed") == 1


def test_rename_to_a_new_account_row_is_found_by_platform_id(world):
    _, first = run_scan(world, [BSKY])
    (number,) = first.opened
    new_url = "https://bsky.app/profile/newname.bsky.social"
    with world.session() as s:  # a pipeline that made a new row for the new handle, same stable id
        old = find_case(s, number).account
        s.add(
            Account(
                district_id=old.district_id,
                platform="bluesky",
                url=new_url,
                handle="newname.bsky.social",
                platform_id=BSKY.platform_id,
            )
        )
    _, second = run_scan(
        world,
        [
            Seen(
                new_url,
                entity="shs-volleyball",
                confidence=0.85,
                platform_id=BSKY.platform_id,
                sources=("bluesky",),
            )
        ],
    )
    assert not second.opened and second.renamed == [number]
    assert _case(world, number)["handle"] == "newname.bsky.social"
    assert len(_numbers(world)) == 1


def test_failed_source_is_unknown_not_gone(world):
    _, first = run_scan(world, [HOOPS, LMS])
    _, lms = first.opened
    # web_search failed: LMS (found only by web_search) is unknown; HOOPS was also seen by profiles.
    _, second = run_scan(
        world,
        [Seen(HOOPS.url, entity="shs-basketball", sources=("profiles",))],
        failed=("web_search",),
    )
    assert lms in second.unknown and lms not in second.not_seen
    c = _case(world, lms)
    assert c["status"] == "open" and "not-seen" not in c["events"]
    # A complete scan that does not find it: noted once, still open.
    _, third = run_scan(world, [HOOPS])
    assert third.not_seen == [lms]
    run_scan(world, [HOOPS])
    c = _case(world, lms)
    assert c["status"] == "open" and c["events"].count("not-seen") == 1
    # Found again: noted as seen again.
    run_scan(world, [HOOPS, LMS])
    assert _case(world, lms)["events"][-1] == "seen-again"


def test_interrupted_scan_marks_nothing_not_seen(world):
    _, first = run_scan(world, [LMS])
    _, second = run_scan(world, [], status="interrupted")
    assert second.unknown == first.opened and not second.not_seen


def test_deactivation_incomplete_is_its_own_case_and_kept(world):
    _, first = run_scan(world, [JROTC], deactivated_live=(JROTC.url,))
    (number,) = first.opened
    _, second = run_scan(world, [JROTC], deactivated_live=(JROTC.url,))
    assert second.seen == [number] and not second.opened
    assert _case(world, number)["json"]["entity"] == "jrotc"


def test_now_registered_account_resolves_its_open_case(world):
    new = Seen(
        "https://www.instagram.com/wfhspackers/", entity="wfhs"
    )  # registered in the sample registry
    # First scan: the matcher (wrongly, or before the registry import) called it unregistered.
    _, first = run_scan(world, [new])
    (number,) = first.opened
    _, second = run_scan(world, [Seen(new.url, classification="registered", entity="wfhs")])
    assert second.resolved == [number]
    assert _case(world, number)["status"] == "resolved-registered"


def test_numbers_never_repeat(world):
    with world.session() as s:
        a = next_number(s, "ABCE", 2026)
        b = next_number(s, "ABCE", 2026)
        s.add(CaseCounter(prefix="WF-2026", last=0))
    assert (a, b) == ("ABCE-2026-0001", "ABCE-2026-0002")
    _, first = run_scan(world, [LMS])
    assert first.opened[0].endswith("-0003") or first.opened[0].split("-")[1] != "2026"
    with world.session() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 1


def test_fingerprint_ignores_case_and_spacing(world):
    run_scan(world, [LMS])
    with world.session() as s:
        c = s.scalars(select(Case)).one()
        fp = fingerprint(c.account)
        c.account.display_name = "  lms   MUSTANGS "
        assert fingerprint(c.account) == fp
