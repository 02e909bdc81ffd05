"""Every report document, one builder module each; importing this package registers them.

The order here is the order :func:`reports.write.write_reports` writes them in. ``packet``,
``letter``, ``notification`` and ``digest`` are made on demand (a case's packet, a step's
letter, the e-mail after a scan, the monthly digest), never written into a scan's report folder.
"""

from reports.documents import (
    case,
    digest,
    exports,
    index,
    letter,
    notification,
    official,
    packet,
    summary,
    watch,
)

__all__ = [
    "case",
    "digest",
    "exports",
    "index",
    "letter",
    "notification",
    "official",
    "packet",
    "summary",
    "watch",
]
