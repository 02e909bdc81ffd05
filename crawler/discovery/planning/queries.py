"""What a plan is made of: :class:`PlannedQuery` rows, the :class:`Plan`, and budgeting."""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.db.quota import Usage


@dataclass(frozen=True, slots=True)
class PlannedQuery:
    """One thing a source is asked. ``kind``: ``search`` (a term), ``handle`` (a candidate
    handle to look up on ``platform``) or ``seed`` (a URL to start crawling from)."""

    source: str
    query: str
    platform: str | None = None
    entity_key: str | None = None
    priority: int = 0
    kind: str = "search"
    fresh: bool = False  # an incremental scan's query: only what is new, first page only
    # a popular term (the district's own names, its town): its pages may go past
    # ``budget.results_pages`` while they stay full of accounts (spiders/api_search.py)
    deep: bool = False


@dataclass(slots=True)
class Plan:
    """Queries per source, in the order they run, plus what was left out and why."""

    queries: dict[str, list[PlannedQuery]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    cut: dict[str, int] = field(default_factory=dict)
    limits: dict[str, str] = field(default_factory=dict)
    quotas: list[str] = field(default_factory=list)
    # per source and platform: (candidate handles planned, candidate handles the budget cut)
    handles: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)
    # per source: what the incremental scan's rotation deferred (entity: queries left out)
    deferred: dict[str, dict[str, int]] = field(default_factory=dict)
    increment: str = ""  # how incremental the plan is (Increment.describe)
    # per source: rows a page host's share cut, in order, for the profiles source to go on with
    overflow: dict[str, list[PlannedQuery]] = field(default_factory=dict)
    entity: str | None = None
    name: str | None = None

    def total(self) -> int:
        return sum(len(q) for q in self.queries.values())

    def as_text(self) -> str:
        """The plan as plain text for ``scout scan --dry-run``."""
        lines = []
        scope = (
            f" for '{self.name}'"
            if self.name
            else (f" for entity {self.entity}" if self.entity else "")
        )
        lines.append(f"Query plan{scope}: {self.total()} queries")
        for source, queries in self.queries.items():
            note = f" ({self.limits[source]})" if source in self.limits else ""
            cut = f", {self.cut[source]} cut by the budget" if self.cut.get(source) else ""
            lines.append(f"\n[{source}] {len(queries)} queries{cut}{note}")
            for q in queries:
                where = f" on {q.platform}" if q.platform and q.kind != "search" else ""
                who = f"  [{q.entity_key}]" if q.entity_key else ""
                new = "  (new only)" if q.fresh else ""
                lines.append(f"  {q.priority:>4}  {q.kind:<6} {q.query}{where}{who}{new}")
        for source, counts in self.handles.items():
            lines.append(f"\n[{source}] candidate handles per platform:")
            lines += [
                f"  {p}: {planned} planned, {cut} cut by the budget"
                for p, (planned, cut) in counts.items()
            ]
        if self.increment:
            lines.append(f"\nScan: {self.increment}")
        for source, deferred in self.deferred.items():
            if deferred:
                lines.append(
                    f"[{source}] deferred by the rotation: {sum(deferred.values())} queries of "
                    f"{len(deferred)} entities ({', '.join(sorted(deferred))})"
                )
        for source, reason in self.skipped.items():
            lines.append(f"\n[{source}] skipped: {reason}")
        if self.quotas:
            lines.append("\nAPI quotas (all scans and searches):")
            lines += [f"  {q}" for q in self.quotas]
        return "\n".join(lines) + "\n"


def budgeted(rows: list[PlannedQuery], limit: int) -> tuple[list[PlannedQuery], int]:
    rows = unique(rows)
    return rows[: max(limit, 0)], max(len(rows) - max(limit, 0), 0)


def unique(rows: list[PlannedQuery]) -> list[PlannedQuery]:
    seen: set[tuple[str, str | None, str]] = set()
    out = []
    for r in sorted(rows, key=lambda q: q.priority):  # stable: keeps the interleaved order
        key = (r.query.casefold(), r.platform, r.kind)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def period_left(usage: Usage | None, key: str, limit: int) -> int:
    """``limit`` capped by what is left of the bucket's quota in the current period."""
    return min(limit, usage[key].remaining) if usage and key in usage else limit
