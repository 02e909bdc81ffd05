"""Known accounts re-observed by stable id each scan, end to end on West Fargo scanned a month
apart (the shared ``west_fargo_months`` scans): a registered channel taken over and renamed out
of every search is still watched (its finding raised, no case opened on it), and an open case
whose account was deleted, and that no search lists any more, is not seen, because the platform
says the account does not exist (DESIGN.md, "Liveness and page states")."""

from __future__ import annotations

import os

from sqlalchemy import select

from tests.watch.conftest import KEYS

MEDIA = "sheyennemustangmedia"  # registered; month 2: renamed @moondroprewards, a crypto scam
DELETED = "https://bsky.app/profile/shsmustangs.bsky.social"  # an open case; deleted in month 2


def test_renamed_out_of_every_search_is_still_watched(west_fargo_months):
    from crawler.config import load_config
    from crawler.db import transaction
    from crawler.db.models import Account, Case, RegisteredAccount, Sighting
    from reports import audit_registry

    cfg = load_config(
        west_fargo_months.folder / "scout.toml",
        env={**os.environ, **KEYS, "SCOUT_DATABASE_URL": west_fargo_months.database_url},
    )
    first, second = west_fargo_months.scans
    with transaction(west_fargo_months.database_url) as s:
        row = s.scalars(select(RegisteredAccount).where(RegisteredAccount.handle == MEDIA)).one()
        assert row.platform_id  # resolved in month 1
        acc = s.scalars(select(Account).where(Account.platform_id == row.platform_id)).one()
        assert acc.handle == "moondroprewards" and MEDIA in (acc.previous_handles or [])
        # month 2: only the re-observation by stable id saw it
        sources = set(
            s.scalars(
                select(Sighting.source).where(
                    Sighting.account_id == acc.id, Sighting.scan_id == second
                )
            )
        )
        assert sources == {"profiles"}
        assert not s.scalars(select(Case).where(Case.account_id == acc.id)).all()
        found = [f for f in audit_registry(s, cfg) if f.registered_id == row.id]
    codes = {f.code: f for f in found}
    assert set(codes) == {"takeover-suspected", "handle-changed"}, codes
    takeover = codes["takeover-suspected"]
    assert takeover.before["display_name"] == "Sheyenne Mustang Media Productions"
    assert takeover.before["scan_id"] == first
    assert takeover.after["display_name"] == "MoonDrop Rewards"
    assert (takeover.after["scan_id"], takeover.after["source"]) == (second, "profiles")
    assert "crypto" in takeover.message
    # month 1 saw it through the YouTube search API, month 2 through the re-observation: both
    # the channel's own API answer, so its name and bio are judged against its school too
    assert takeover.before["source"] == "youtube"
    assert "no longer fit shs" in takeover.message
    renamed = codes["handle-changed"]
    assert renamed.new_url == "https://www.youtube.com/@moondroprewards"
    assert "secure the account" in renamed.message  # not "update the registry" for a hijack


def test_an_open_cases_deleted_account_is_not_seen_the_platform_says_gone(west_fargo_months):
    from crawler.db import transaction
    from crawler.db.liveness import scan_liveness
    from crawler.db.models import Account, Case, Sighting

    first, second = west_fargo_months.scans
    with transaction(west_fargo_months.database_url) as s:
        acc = s.scalars(select(Account).where(Account.url == DELETED)).one()
        case = s.scalars(select(Case).where(Case.account_id == acc.id)).one()
        assert case.opened_scan_id == first
        seen = list(
            s.execute(
                select(Sighting.source, Sighting.query).where(
                    Sighting.account_id == acc.id, Sighting.scan_id == second
                )
            )
        )
        # no search lists it any more: the only sighting is the getProfiles answer without it
        assert [src for src, _ in seen] == ["profiles"]
        liveness = scan_liveness(s, second, [acc.id])[acc.id]
        assert liveness.gone and liveness.source == "profiles"
        events = [e for e in case.events if e.scan_id == second]
        assert [e.action for e in events] == ["not-seen"], [(e.action, e.note) for e in events]
        assert "the platform says the account does not exist" in (events[0].note or "")
        assert case.status in ("open", "notified")  # not seen is news for PR, not a decision
