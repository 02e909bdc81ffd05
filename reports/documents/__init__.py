"""Every report document, one builder module each; importing this package registers them.

The order here is the order :func:`reports.write.write_reports` writes them in.
"""

from reports.documents import case, exports, index, official, summary

__all__ = ["case", "exports", "index", "official", "summary"]
