"""The web app's case work beside the ABCE-AR1 case itself: who a case is assigned to, a
platform report with the platform's answer (time from report to removal per platform), and
the queue: one page of cases ordered and filtered in the database, and its counts.
Functions take the session; the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from crawler.db.models import Account, Case, CaseStatus, utcnow
from crawler.db.users import find_user
from crawler.db.web import CaseAssignment, Takedown, TakedownAnswer
from crawler.errors import InputError
from crawler.vocab import Platform

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
            f"answer '{answer}' is not one of {', '.join(TakedownAnswer)}",
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
    t.answer, t.answer_by = ans, answer_by
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


# --------------------------------------------------------------------------- the queue


@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows: each field None for "any"."""

    status: str | None = None
    kind: str | None = None
    platform: str | None = None
    entity_keys: frozenset[str] | None = None  # a school: its own key and its teams' keys
    no_entity: bool = False  # with entity_keys: also cases that name no entity
    assignee: str | None = None  # a user name, or "-" for nobody


@dataclass(frozen=True)
class QueueOrder:
    """The facts the order depends on: today, the latest scan (its cases are new), the statuses
    still followed (``crawler.cases.lifecycle.FOLLOWED_STATUSES``)."""

    today: date
    latest_scan_id: int | None
    followed: tuple[str, ...]


def _priority(order: QueueOrder) -> tuple[Any, Any]:
    """Overdue (or a platform's answer overdue) first, then new and open cases, then the other
    followed ones, each by due date; then the decided ones. Within that, the order of
    ``scout cases list``: open first, higher confidence, older, by number."""
    overdue = or_(
        and_(Case.status == CaseStatus.OPEN, Case.due_at < order.today),
        and_(Takedown.answer == TakedownAnswer.NONE, Takedown.answer_by < order.today),
    )
    fresh = or_(Case.status == CaseStatus.OPEN, Case.opened_scan_id == order.latest_scan_id)
    followed = Case.status.in_(order.followed)
    group = case(
        (~followed, 4),
        (overdue, 0),
        (fresh, 1),
        else_=2,
    )
    due = case(
        (~followed, literal(date(1, 1, 1), Date())),
        (overdue, func.coalesce(Case.due_at, literal(date(1, 1, 1), Date()))),
        else_=func.coalesce(Case.due_at, literal(date(9999, 12, 31), Date())),
    )
    return group, due


def queue_page(
    session: Session, f: QueueFilter, order: QueueOrder, *, limit: int, offset: int
) -> tuple[list[Case], int]:
    """One page of the queue, ordered and filtered in the database, and the number of cases
    that match. The cases come with their accounts and histories loaded.

    The first query orders the narrow rows (ids) and takes the page; the second loads those
    cases whole; the count is a query of its own unless the page shows them all."""
    q = select(Case.id).outerjoin(Takedown, Takedown.case_id == Case.id)
    if f.platform:
        q = q.join(Account, Account.id == Case.account_id).where(Account.platform == f.platform)
    if f.assignee:
        q = q.outerjoin(CaseAssignment, CaseAssignment.case_id == Case.id)
        q = q.where(
            CaseAssignment.case_id.is_(None)
            if f.assignee == "-"
            else CaseAssignment.assignee == f.assignee
        )
    if f.status:
        q = q.where(Case.status == f.status)
    if f.kind:
        q = q.where(Case.kind == f.kind)
    if f.entity_keys is not None:
        keys = Case.entity_key.in_(sorted(f.entity_keys) or [""])
        q = q.where(or_(keys, Case.entity_key.is_(None)) if f.no_entity else keys)
    group, due = _priority(order)
    rank = case((Case.status == CaseStatus.OPEN, 0), (Case.status.in_(order.followed), 1), else_=2)
    ids = list(
        session.scalars(
            q.order_by(group, due, rank, Case.confidence.desc(), Case.opened_at, Case.number)
            .limit(limit)
            .offset(offset)
        )
    )
    if 0 < len(ids) < limit or (offset == 0 and not ids):
        total = offset + len(ids)  # the last page: no need to count
    else:
        total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
    loaded = {
        c.id: c
        for c in session.scalars(
            select(Case)
            .where(Case.id.in_(ids or [-1]))
            .options(joinedload(Case.account), selectinload(Case.events))
        ).unique()
    }
    return [loaded[i] for i in ids], total


def queue_counts(session: Session, order: QueueOrder, me: str | None) -> dict[str, int]:
    """The figures at the top of the queue, over all cases (one pass over the cases)."""
    new = (
        Case.opened_scan_id == order.latest_scan_id
        if order.latest_scan_id is not None
        else literal(False)
    )
    by_status: dict[str, tuple[int, int, int]] = {
        status: (int(n), int(n_new or 0), int(n_due or 0))
        for status, n, n_new, n_due in session.execute(
            select(
                Case.status,
                func.count(),
                func.sum(case((new, 1), else_=0)),
                func.sum(case((Case.due_at < order.today, 1), else_=0)),
            ).group_by(Case.status)
        )
    }
    followed = [v for s, v in by_status.items() if s in order.followed]

    def count(q: Any) -> int:
        return int(session.scalar(q) or 0)

    return {
        "open": by_status.get(CaseStatus.OPEN, (0, 0, 0))[0],
        "followed": sum(v[0] for v in followed),
        "new": sum(v[1] for v in followed),
        "overdue": by_status.get(CaseStatus.OPEN, (0, 0, 0))[2],
        "answers_overdue": count(
            select(func.count()).where(
                Takedown.answer == TakedownAnswer.NONE, Takedown.answer_by < order.today
            )
        ),
        "decided": sum(v[0] for v in by_status.values()) - sum(v[0] for v in followed),
        "mine": count(
            select(func.count())
            .select_from(Case)
            .join(CaseAssignment, CaseAssignment.case_id == Case.id)
            .where(Case.status.in_(order.followed), CaseAssignment.assignee == me)
        )
        if me
        else 0,
    }


def queue_platforms(session: Session) -> list[str]:
    """The platforms that have cases (one EXISTS per platform: index look-ups, not a scan)."""
    platforms = list(Platform)
    found = session.execute(
        select(
            *(
                select(Case.id)
                .join(Account, Account.id == Case.account_id)
                .where(Account.platform == p)
                .exists()
                for p in platforms
            )
        )
    ).one()
    return sorted(p for p, yes in zip(platforms, found, strict=True) if yes)
