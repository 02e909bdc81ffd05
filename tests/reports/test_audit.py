"""Registry audit rules and the staff roster format."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from crawler.db.models import RegisteredAccount, utcnow
from crawler.errors import InputError
from reports.audit import audit_registry
from reports.roster import parse_roster
from tests.cases.scout_world import Seen, run_scan


def _codes(findings):
    return {(f.handle, f.code, f.severity) for f in findings}


def test_audit_flags_policy_gaps(world):
    with world.session() as s:
        found = _codes(audit_registry(s, world.config))
    assert ("wfpackerfb", "admin-email-not-district", "problem") in found
    assert ("wfpackerfb", "no-retention-plan", "problem") in found
    assert ("horacehawks", "pr-not-coadmin", "problem") in found
    assert ("shsmustangband", "payments-unapproved", "problem") in found
    assert not any(h == "westfargosportsarena" and c == "payments-unapproved" for h, c, _ in found)
    assert not any(c == "not-seen" for _, c, _ in found)  # no scan yet: nothing to say


def test_deactivated_but_live_and_not_seen(world):
    jrotc = Seen(
        "https://www.instagram.com/wfjrotc/",
        classification="registered",
        entity="jrotc",
        sources=("profiles",),
    )
    run_scan(world, [jrotc], deactivated_live=(jrotc.url,))
    with world.session() as s:
        reg = s.scalars(
            select(RegisteredAccount).where(RegisteredAccount.handle == "wfhspackers")
        ).one()
        reg.last_seen_at = utcnow() - timedelta(days=400)
        found = _codes(audit_registry(s, world.config))
    assert ("wfjrotc", "deactivated-but-live", "problem") in found
    assert ("wfhspackers", "not-seen", "check") in found
    assert (
        "horacehawks",
        "not-seen",
        "check",
    ) not in found  # never seen, but scanning only just began


def test_roster_rules(world):
    roster = parse_roster("name,email\nB. Principal,principal.wfhs@west-fargo.k12.nd.us\n")
    with world.session() as s:
        found = _codes(audit_registry(s, world.config, roster=roster))
    assert ("wfhspackers", "administrator-left", "problem") not in found
    assert ("sheyenne_mustangs", "administrator-left", "problem") in found


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("", 1, None),
        ("name,mail\n", 1, "mail"),
        ("name,email\nA,a@b.org\nB,bad\n", 3, "email"),
        ("name,email,status\nA,a@b.org,retired\n", 2, "status"),
        ("name,email\n,\n", None, None),
    ],
)
def test_roster_errors_name_line_and_field(text, line, field):
    if line is None:
        parse_roster(text)  # an empty row is skipped
        return
    with pytest.raises(InputError) as err:
        parse_roster(text, file="staff.csv")
    assert err.value.line == line and err.value.field == field and "staff.csv" in str(err.value)


def test_a_renamed_registered_account_is_not_gone(world):
    """Its old handle answers "not found" while the same channel (its stable id) is seen live
    under the new handle in the same scan: no ``gone``; the old handle alone is gone."""
    from crawler.db.models import Account
    from crawler.platforms.base import PageState

    with world.session() as s:
        reg = s.scalars(
            select(RegisteredAccount).where(RegisteredAccount.handle == "sheyennemustangmedia")
        ).one()
        reg.platform_id = "UCshsMedia0Sample0000001"
    old = Seen(
        "https://www.youtube.com/@sheyennemustangmedia",
        classification="registered",
        entity="shs",
        sources=("profiles",),
    )
    new = Seen(
        "https://www.youtube.com/@shsmustangmedia",
        classification="registered",
        entity="shs",
        sources=("youtube",),
        platform_id="UCshsMedia0Sample0000001",
    )

    def gone_after(accounts):
        run_scan(world, accounts)
        with world.session() as s:
            acc = s.scalars(select(Account).where(Account.url == old.url)).one()
            acc.page_state = PageState.NOT_FOUND
            s.flush()
            return ("sheyennemustangmedia", "gone", "problem") in _codes(
                audit_registry(s, world.config)
            )

    assert not gone_after([old, new])
    assert gone_after([old])
