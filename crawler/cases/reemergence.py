"""Re-emergence (DESIGN.md, "The registry under watch"): an account the district had taken
down that comes back.

* A case resolved as deactivated, or reported to the platform, whose account was gone and is
  live again re-opens with its history (:func:`reopen_reason`).
* A *new* account that copies an account the district had taken down (the same registered
  account imitated, the same display name, or nearly the same handle on the same platform) is
  named as re-emerging from the earlier case: ``related_cases`` (:func:`related_cases`).
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.cases.records import FAMILY, LIVE_SOURCES, last_presence
from crawler.db.models import Account, Case
from crawler.vocab import CaseStatus

# Statuses of a case whose account the district had taken down (or asked the platform to).
TAKEN_DOWN = (CaseStatus.RESOLVED_DEACTIVATED, CaseStatus.REPORTED_TO_PLATFORM)


def _skeleton(handle: str) -> str:
    """The handle without separators and the words impersonators add."""
    h = re.sub(r"[^a-z0-9]", "", handle.lower().split("@")[0].split(".bsky")[0])
    return re.sub(r"(official|real|the|team)", "", h)


def related_cases(session: Session, account: Account, imitates_url: str | None) -> list[str]:
    """Numbers of earlier taken-down cases of the family on the same platform that ``account``
    copies: the same imitated registered account, the same display name, or the same handle
    skeleton. Oldest first."""
    rows = session.execute(
        select(Case, Account)
        .join(Account, Case.account_id == Account.id)
        .where(
            Case.district_id == account.district_id,
            Case.kind.in_(FAMILY),
            Case.status.in_(TAKEN_DOWN),
            Account.platform == account.platform,
            Account.id != account.id,
        )
        .order_by(Case.id)
    ).all()
    name = (account.display_name or "").casefold().strip()
    skeleton = _skeleton(account.handle)
    out = []
    for case, other in rows:
        if (
            (imitates_url and case.imitates_url == imitates_url)
            or (name and name == (other.display_name or "").casefold().strip())
            or (skeleton and skeleton == _skeleton(other.handle))
        ):
            out.append(case.number)
    return out


def reopen_reason(case: Case, sources: set[str], scan_id: int) -> str | None:
    """Why a case reported to the platform re-opens: its account had gone ("not seen") and a
    live source sees it again. (A case resolved as deactivated: :mod:`crawler.cases.lifecycle`.)"""
    if case.status != CaseStatus.REPORTED_TO_PLATFORM:
        return None
    if last_presence(case) != "not-seen" or not sources & LIVE_SOURCES:
        return None
    return (
        f"reported to the platform and gone, but live again ({', '.join(sorted(sources))}) "
        f"in scan {scan_id}"
    )
