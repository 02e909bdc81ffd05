"""The registry watch's ``handle-changed`` rule on registry rows in every URL form (pure: no
database, no scan). A legacy YouTube ``/user/`` or ``/c/`` URL names a legacy name, not a
handle: the channel it resolves to (the same id) is the registered account, and only a handle
that changed between snapshots is a ``handle-changed``."""

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
