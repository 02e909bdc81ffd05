"""Reports: builders turn database rows into plain dicts, Jinja2 templates format them.

One builder module per document in ``reports/documents/``, registered by the
:func:`reports.document.document` decorator, each with its template folder in
``reports/templates/<name>/``; :mod:`reports.context` is what they share.

Public API: :func:`write_reports` (every document of a scan) returning
:class:`ReportPaths`; :func:`write_official` (the public official-accounts
page); :func:`audit_registry` (ABDB-AP checks of the registry).
"""

from reports.audit import Finding, audit_registry
from reports.roster import Roster, load_roster
from reports.write import ReportPaths, publish_latest, write_official, write_reports

__all__ = [
    "Finding",
    "ReportPaths",
    "Roster",
    "audit_registry",
    "load_roster",
    "publish_latest",
    "write_official",
    "write_reports",
]
