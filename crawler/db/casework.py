"""The web app's case work beside the ABCE-AR1 case itself: who a case is assigned to, and a
platform report with the platform's answer (time from report to removal per platform).
Functions take the session; the caller owns the transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.db.models import Case, utcnow
from crawler.db.users import find_user
from crawler.db.web import CaseAssignment, Takedown, TakedownAnswer
from crawler.errors import InputError

# --------------------------------------------------------------------------- assignments


def assignments(session: Session) -> dict[int, str]:
    return dict(session.execute(select(CaseAssignment.case_id, CaseAssignment.assignee)).all())


def assign(session: Session, case: Case, assignee: str | None, *, by: str) -> str | None:
    """Assign ``case`` to a web user (None: nobody). Returns the previous assignee."""
    row = session.get(CaseAssignment, case.id)
    before = row.assignee if row else None
    if not assignee:
        if row is not None:
            session.delete(row)
        return before
    user = find_user(session, assignee)
    if user is None:
        raise InputError(f"no user '{assignee}'", field="assignee")
    if row is None:
        row = CaseAssignment(case_id=case.id, assignee=user.name, assigned_by=by)
        session.add(row)
    row.assignee, row.assigned_by, row.assigned_at = user.name, by, utcnow()
    session.flush()
    return before


# --------------------------------------------------------------------------- takedowns


def takedown_json(t: Takedown | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {
        "platform": t.platform,
        "route": t.route,
        "reference": t.reference,
        "reported_on": t.reported_on.isoformat(),
        "answer": t.answer,
        "answer_by": t.answer_by.isoformat() if t.answer_by else None,
        "answered_on": t.answered_on.isoformat() if t.answered_on else None,
        "note": t.note,
    }


def record_takedown(
    session: Session,
    case: Case,
    *,
    by: str,
    route: str,
    reference: str,
    reported_on: date,
    answer: str,
    answer_by: date | None,
    answered_on: date | None,
    note: str = "",
) -> Takedown:
    """Record (or update) where a case was reported and what the platform answered."""
    try:
        ans = TakedownAnswer(answer.strip().lower() or "none")
    except ValueError:
        raise InputError(
            f"answer '{answer}' is not one of {', '.join(a.value for a in TakedownAnswer)}",
            field="answer",
        ) from None
    if ans is not TakedownAnswer.NONE and answered_on is None:
        answered_on = utcnow().date()
    if answered_on is not None and answered_on < reported_on:
        raise InputError("the answer cannot come before the report", field="answered_on")
    t = session.get(Takedown, case.id)
    if t is None:
        t = Takedown(case_id=case.id, platform=case.account.platform, reported_on=reported_on)
        session.add(t)
    t.route, t.reference, t.reported_on = route.strip()[:300], reference.strip()[:200], reported_on
    t.answer, t.answer_by = ans.value, answer_by
    t.answered_on = answered_on if ans is not TakedownAnswer.NONE else None
    t.note, t.updated_by = note, by
    session.flush()
    return t


def takedowns(session: Session) -> dict[int, Takedown]:
    return {t.case_id: t for t in session.scalars(select(Takedown))}


def takedown_stats(session: Session, *, today: date | None = None) -> list[dict[str, Any]]:
    """Per platform: reports, removed, refused, waiting, answers overdue, and the days from
    report to removal (median and longest)."""
    today = today or utcnow().date()
    by_platform: dict[str, list[Takedown]] = {}
    for t in session.scalars(select(Takedown).order_by(Takedown.platform)):
        by_platform.setdefault(t.platform, []).append(t)
    out = []
    for platform, rows in sorted(by_platform.items()):
        days = sorted(
            (t.answered_on - t.reported_on).days
            for t in rows
            if t.answer == TakedownAnswer.REMOVED and t.answered_on
        )
        waiting = [t for t in rows if t.answer == TakedownAnswer.NONE]
        out.append(
            {
                "platform": platform,
                "reported": len(rows),
                "removed": sum(1 for t in rows if t.answer == TakedownAnswer.REMOVED),
                "refused": sum(1 for t in rows if t.answer == TakedownAnswer.REFUSED),
                "waiting": len(waiting),
                "overdue": sum(1 for t in waiting if t.answer_by and t.answer_by < today),
                "median_days": _median(days),
                "max_days": days[-1] if days else None,
            }
        )
    return out


def _median(values: list[int]) -> float | None:
    if not values:
        return None
    mid = len(values) // 2
    return float(values[mid]) if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
