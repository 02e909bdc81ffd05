"""Every report document, one builder module each; importing this package registers them.

The order here is the order :func:`reports.write.write_reports` writes them in. ``packet``,
``letter`` and ``notification`` are made on demand (a case's packet, a step's letter, the
e-mail after a scan), never written into a scan's report folder.
"""

from reports.documents import case, exports, index, letter, notification, official, packet, summary

__all__ = ["case", "exports", "index", "letter", "notification", "official", "packet", "summary"]
