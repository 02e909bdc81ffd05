"""Matching a stored scan: its accounts become candidates, the matcher assesses them, and
their assessments are stored (re-running replaces them). The SQL is in
:mod:`crawler.db.matches`; this module only converts and calls the matcher."""

from __future__ import annotations

from sqlalchemy.orm import Session

from crawler.db.matches import AssessmentRow, ScanAccount, replace_assessments, scan_accounts
from matching.matcher import Matcher
from matching.types import Candidate, Result, Sighting


def candidate(a: ScanAccount) -> Candidate:
    return Candidate(
        platform=a.platform,
        handle=a.handle,
        url=a.url,
        platform_id=a.platform_id,
        display_name=a.display_name,
        bio=a.bio,
        links=list(a.links),
        location=a.location,
        followers=a.followers,
        verified=a.verified,
        sightings=[
            Sighting(
                source=s.source,
                query=s.query,
                source_url=s.source_url,
                title=s.title,
                snippet=s.snippet,
                rank=s.rank,
            )
            for s in a.sightings
        ],
        live=a.live,
        id=a.id,
    )


def candidates_for_scan(session: Session, scan_id: int) -> list[tuple[int, Candidate]]:
    """Accounts with a sighting in the scan, with all of that scan's sightings, oldest account first."""
    return [(a.id, candidate(a)) for a in scan_accounts(session, scan_id)]


# The explanation entry of an account the scan could not check directly.
LIVENESS_CODE = "liveness_unconfirmed"


def assessment_row(
    account_id: int, c: Candidate, res: Result, limit: str | None = None
) -> AssessmentRow:
    """``limit``: why the scan could not confirm the account live (stated where it opens a case)."""
    explanation = [lv.as_dict() for lv in res.explanation]
    if limit and res.case_kind:
        explanation.append({"code": LIVENESS_CODE, "label": limit, "weight": None})
    return AssessmentRow(
        account_id=account_id,
        platform=c.platform,
        classification=str(res.classification),
        entity_key=res.entity,
        confidence=res.confidence,
        explanation=explanation,
        imitates_url=res.imitates,
        registered_url=res.registered_url or res.imitates,
    )


def match_scan(session: Session, scan_id: int, matcher: Matcher) -> list[tuple[int, Result]]:
    """Assess every account of the scan and store the assessments (replacing earlier ones)."""
    accounts = scan_accounts(session, scan_id)
    limits = {a.id: a.liveness.limit if a.liveness else None for a in accounts}
    pairs = [(a.id, candidate(a)) for a in accounts]
    results = list(
        zip((aid for aid, _ in pairs), matcher.assess_many(c for _, c in pairs), strict=True)
    )
    replace_assessments(
        session,
        scan_id,
        [
            assessment_row(aid, c, res, limits[aid])
            for (aid, c), (_, res) in zip(pairs, results, strict=True)
        ],
    )
    return results
