"""The registry watch's rules (pure: no database, no scan): ``handle-changed`` on registry rows
in every URL form, and the scam signals of ``takeover-suspected``. A legacy YouTube ``/user/``
or ``/c/`` URL names a legacy name, not a handle: the channel it resolves to (the same id) is
the registered account, and only a handle that changed between snapshots is a
``handle-changed``."""

from __future__ import annotations

from crawler.db.models import RegisteredAccount, RegistrySnapshot
from reports.watch import _renamed

CHANNEL = "UCtvsd48jSample0Channel1"


def _row(url: str, handle: str, platform_id: str | None = CHANNEL) -> RegisteredAccount:
    return RegisteredAccount(platform="youtube", url=url, handle=handle, platform_id=platform_id)


def _snaps(*handles: str, platform_id: str | None = CHANNEL) -> list[RegistrySnapshot]:
    """Snapshots newest first, one a scan (the last handle is the newest)."""
    return [
        RegistrySnapshot(
            scan_id=n + 1,
            platform="youtube",
            handle=h,
            url=h if h.startswith("https://") else f"https://www.youtube.com/@{h}",
            platform_id=platform_id,
        )
        for n, h in reversed(list(enumerate(handles)))
    ]


def test_a_legacy_user_url_whose_channel_kept_its_handle_is_no_change():
    row = _row("https://www.youtube.com/user/tualatinvalleysd", "tualatinvalleysd")
    assert _renamed(row, _snaps("tvsd48j", "tvsd48j")) is None
    assert _renamed(row, _snaps("tvsd48j")) is None  # the first scan: nothing to compare
    custom = _row("https://www.youtube.com/c/PHSBlueDevilsBand", "phsbluedevilsband")
    assert _renamed(custom, _snaps("phsbluedevilsband", "phsbluedevilsband")) is None


def test_a_legacy_url_whose_channel_changed_its_handle_is_a_change():
    row = _row("https://m.youtube.com/user/drcstv", "drcstv")
    got = _renamed(row, _snaps("drcstv", "daytonriversidetv"))
    assert got == {"handle": "drcstv", "url": "https://www.youtube.com/@drcstv", "scan_id": 1}
    custom = _row("https://www.youtube.com/c/PHSBlueDevilsBand", "phsbluedevilsband")
    got = _renamed(custom, _snaps("phsbluedevilsband", "pacificbluedevilsband"))
    assert got is not None and got["handle"] == "phsbluedevilsband"


def test_a_snapshot_under_a_legacy_url_names_no_handle():
    """An observation that only knew the legacy URL (its handle is the legacy name) is not the
    handle the channel had: the channel seen under its @handle later is no rename."""
    row = _row("https://www.youtube.com/user/tualatinvalleysd", "tualatinvalleysd")
    snaps = _snaps("https://www.youtube.com/user/tualatinvalleysd", "tvsd48j")
    snaps[1].handle = "tualatinvalleysd"
    assert _renamed(row, snaps) is None


def test_a_handle_url_and_an_id_url_keep_their_rules():
    handle = _row("https://www.youtube.com/@westfargoschools", "westfargoschools")
    assert _renamed(handle, _snaps("westfargoschools")) is None
    got = _renamed(handle, _snaps("wfpublicschools"))  # against the registry's own handle
    assert got == {"handle": "westfargoschools", "url": "https://www.youtube.com/@westfargoschools"}
    by_id = _row(f"https://www.youtube.com/channel/{CHANNEL}", CHANNEL)
    assert _renamed(by_id, _snaps("westfargoschools", "westfargoschools")) is None
    got = _renamed(by_id, _snaps("westfargoschools", "wfpublicschools"))
    assert got is not None and got["handle"] == "westfargoschools"
    # another channel under the registry's URL is not this account renamed
    assert _renamed(handle, _snaps("someoneelse", platform_id="UCother")) is None


class _Fits:
    """An entity comparison that finds every name and bio fitting (the scam signals alone)."""

    def fits(self, platform, entity, name, bio) -> bool:
        return True


def _bio(bio: str, scan_id: int) -> RegistrySnapshot:
    return RegistrySnapshot(
        scan_id=scan_id,
        platform="bluesky",
        handle="district.bsky.social",
        display_name="Some District Schools",
        bio=bio,
        links=["https://www.district.example.org/"],
        source="bluesky",
    )


def test_an_advance_fee_prize_in_the_bio_is_a_scam_signal():
    """A bio telling followers they won a prize and must pay a fee (or follow a link) to claim
    it is a scam, even when the name and the district link stay."""
    from reports.watch import _takeover, scam_signals

    for bio in (
        "You won a raffle prize! Send the delivery fee at the link to claim it.",
        "Congratulations, you've won! Claim your prize before Friday.",
        "Winners selected: pay the small processing fee to receive your reward",
    ):
        assert "prize claim" in scam_signals(bio), bio
    for routine in (
        "We won the state title in 2024! Go Cardinals",
        "Science fair prize winners announced in May. Home of the Railsplitters",
        "Award-winning band and choir; fees for field trips at the office",
    ):
        assert scam_signals(routine) == [], routine
    row = RegisteredAccount(
        platform="bluesky", entity_key="district", handle="district.bsky.social"
    )
    before = _bio("Official account of Some District Schools.", 1)
    after = _bio("You won a 4-H fair raffle prize! Send the delivery fee to claim it.", 2)
    why = _takeover(row, after, before, _Fits(), ["district.example.org"])
    assert why == ["scam signals: prize claim"]
    assert _takeover(row, before, _bio("New season, same Cardinals!", 0), _Fits(), []) == []
