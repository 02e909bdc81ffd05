"""The registry of approved accounts (CSV), as ABDB-AP asks PR to keep it.

One row per registered account. The whole file is validated before anything
is written: a bad row rejects the file with its line number and field.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields, replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from crawler import platforms
from crawler.district.model import DistrictProfile
from crawler.errors import InputError, InputErrors, read_text
from crawler.platforms.urls import split_url, unwrap_redirect
from crawler.vocab import Platform

if TYPE_CHECKING:
    from crawler.platforms.base import AccountRef

COLUMNS = (
    "platform",
    "url",
    "entity",
    "display_name",
    "administrator",
    "administrator_email",
    "backup_administrator",
    "pr_coadmin",
    "district_email_used",
    "registered_on",
    "status",
    "retention_plan",
    "payments",
    "notes",
)
REQUIRED = ("platform", "url", "entity", "status")


class Status(StrEnum):
    ACTIVE = "active"
    DEACTIVATED = "deactivated"
    TRANSFERRED = "transferred"


class Payments(StrEnum):
    NONE = "none"
    APPROVED = "approved"
    UNAPPROVED = "unapproved"


_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
EMAIL_RE = re.compile(r"^[^@\s,;<>]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FLAGS = ("pr_coadmin", "district_email_used", "retention_plan")
_LONG_TEXT = ("display_name", "notes", "administrator", "backup_administrator")


@dataclass(frozen=True, slots=True)
class RegistryRow:
    platform: str
    url: str  # canonical URL
    entity: str
    display_name: str = ""
    administrator: str = ""
    administrator_email: str = ""
    backup_administrator: str = ""
    pr_coadmin: bool | None = None
    district_email_used: bool | None = None
    registered_on: date | None = None
    status: Status = Status.ACTIVE
    retention_plan: bool | None = None
    payments: Payments = Payments.NONE
    notes: str = ""
    handle: str = ""
    platform_id: str | None = None
    line: int = 0  # line in the source file (0 when built in code)
    input_url: str = ""  # the URL as written in the file

    def to_csv_row(self) -> dict[str, str]:
        def yn(v: bool | None) -> str:
            return "" if v is None else ("yes" if v else "no")

        return {
            "platform": self.platform,
            "url": self.url,
            "entity": self.entity,
            "display_name": self.display_name,
            "administrator": self.administrator,
            "administrator_email": self.administrator_email,
            "backup_administrator": self.backup_administrator,
            "pr_coadmin": yn(self.pr_coadmin),
            "district_email_used": yn(self.district_email_used),
            "registered_on": self.registered_on.isoformat() if self.registered_on else "",
            "status": self.status.value,
            "retention_plan": yn(self.retention_plan),
            "payments": self.payments.value,
            "notes": self.notes,
        }

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, self.url)


@dataclass(frozen=True, slots=True)
class RegistryLoad:
    rows: tuple[RegistryRow, ...]
    warnings: tuple[str, ...]


def parse_registry(
    text: str,
    profile: DistrictProfile,
    *,
    file: str = "registry.csv",
    mastodon_instances: Iterable[str] = (),
) -> RegistryLoad:
    """Validate a registry CSV against the profile. Raises :class:`InputErrors` listing every bad row."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = _header(reader, file)
    rows = _Rows(file, header, profile, tuple(mastodon_instances))
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rows.errors.append(InputError(f"CSV error: {exc}", file=file, line=reader.line_num))
            break
        rows.add(record, reader.line_num)
    if rows.errors:
        raise InputErrors(rows.errors)
    return RegistryLoad(rows=tuple(rows.rows), warnings=tuple(rows.warnings))


def _header(reader: Iterator[list[str]], file: str) -> list[str]:
    """The header line, lower-cased; unknown, missing or repeated columns reject the file."""
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(
            "the file is empty; the first line must be the header", file=file, line=1
        ) from None
    except csv.Error as exc:
        raise InputError(f"CSV error: {exc}", file=file, line=1) from None
    header = [h.strip().lower() for h in header]
    errors: list[InputError] = []
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if unknown:
        errors.append(
            InputError(
                f"unknown column '{unknown[0]}' (columns: {', '.join(COLUMNS)})",
                file=file,
                line=1,
                field=unknown[0],
            )
        )
    if missing:
        errors.append(
            InputError(f"missing column '{missing[0]}'", file=file, line=1, field=missing[0])
        )
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        errors.append(InputError(f"column '{dup}' appears twice", file=file, line=1, field=dup))
    if errors:
        raise InputErrors(errors)
    return header


class _Rows:
    """Validates the data rows one by one, collecting rows, errors and warnings.

    Each cell has its own check (``_platform``, ``_account``, ``_status`` ...); a row with any
    error is left out, and the file is rejected at the end if any row had one.
    """

    def __init__(
        self, file: str, header: list[str], profile: DistrictProfile, instances: tuple[str, ...]
    ) -> None:
        self.file = file
        self.header = header
        self.entity_keys = profile.entity_keys
        self.domains = profile.district.domains
        self.instances = instances
        self.rows: list[RegistryRow] = []
        self.errors: list[InputError] = []
        self.warnings: list[str] = []
        self.seen: dict[tuple[str, str], int] = {}
        self.seen_ids: dict[tuple[str, str], int] = {}
        self.line = 0

    def err(self, field_: str, msg: str) -> None:
        self.errors.append(InputError(msg, file=self.file, line=self.line, field=field_))

    def add(self, record: list[str], line: int) -> None:
        self.line = line
        if not any(c.strip() for c in record):
            return
        if len(record) != len(self.header):
            self.errors.append(
                InputError(
                    f"has {len(record)} cells, the header has {len(self.header)}",
                    file=self.file,
                    line=line,
                )
            )
            return
        cells = {h: v.strip() for h, v in zip(self.header, record, strict=True)}
        for h, v in cells.items():
            if any(ord(c) < 32 and c not in "\t" for c in v):
                self.err(h, f"{h} contains control characters")
        n_before = len(self.errors)
        for c in REQUIRED:
            if not cells.get(c):
                self.err(c, f"{c} is empty")
        if len(self.errors) > n_before:
            return
        platform = self._platform(cells)
        ref = self._account(cells, platform) if platform else None
        if platform is None or ref is None:
            return
        row = self._row(cells, platform, ref)
        self._duplicates(cells, platform, ref)
        if len(self.errors) == n_before:
            self.rows.append(row)

    def _platform(self, cells: dict[str, str]) -> str | None:
        platform = cells["platform"].lower()
        if platform == "twitter":
            platform = str(Platform.X)
        if platform not in platforms.PLATFORMS:
            known = ", ".join(sorted(platforms.PLATFORMS))
            self.err("platform", f"platform '{cells['platform']}' is not one of {known}")
            return None
        return platform

    def _account(self, cells: dict[str, str], platform: str) -> AccountRef | None:
        verdict = platforms.classify(cells["url"], mastodon_instances=self.instances)
        if verdict.account is None and platform == Platform.MASTODON:
            # any server runs Mastodon: the row's platform column says this one does (an
            # account on an instance the scan does not search is still the district's)
            parsed = split_url(unwrap_redirect(cells["url"]))
            if parsed is not None and parsed[0].netloc:
                verdict = platforms.classify(cells["url"], mastodon_instances=(parsed[0].netloc,))
        if verdict.account is None and platform == Platform.YOUTUBE:
            # a channel's live page ('/c/<name>/live', '/@<handle>/live') is a video to a crawl
            # (the stream now on), but a registry row that gives it means the channel
            parsed = split_url(cells["url"])
            path = parsed[0].path.rstrip("/") if parsed is not None else ""
            if parsed is not None and path.lower().endswith("/live") and path.count("/") >= 2:
                bare = parsed[0]._replace(path=path[: -len("/live")], query="").geturl()
                verdict = platforms.classify(bare, mastodon_instances=self.instances)
        if verdict.account is None:
            why = verdict.reason or "not an account URL"
            self.err("url", f"url '{cells['url']}' is not an account ({why})")
            return None
        ref = verdict.account
        if ref.platform != platform:
            self.err(
                "url",
                f"url '{cells['url']}' is a {ref.platform} account, but platform is '{platform}'",
            )
            return None
        return ref

    def _row(self, cells: dict[str, str], platform: str, ref: AccountRef) -> RegistryRow:
        """The row's own cells checked in column order (errors keep that order)."""
        if cells["entity"] not in self.entity_keys:
            self.err("entity", f"entity '{cells['entity']}' is not a key of the district profile")
        status = self._status(cells["status"])
        payments = self._payments(cells.get("payments", ""))
        registered_on = self._registered_on(cells.get("registered_on", ""))
        email = self._email(cells.get("administrator_email", ""))
        flags = {k: self._yes_no(cells.get(k, ""), k) for k in _FLAGS}
        for k in _LONG_TEXT:
            if len(cells.get(k, "")) > 2000:
                self.err(k, f"{k} is longer than 2000 characters")
        return RegistryRow(
            platform=platform,
            url=ref.url,
            entity=cells["entity"],
            display_name=cells.get("display_name", ""),
            administrator=cells.get("administrator", ""),
            administrator_email=email,
            backup_administrator=cells.get("backup_administrator", ""),
            pr_coadmin=flags["pr_coadmin"],
            district_email_used=flags["district_email_used"],
            registered_on=registered_on,
            status=status,
            retention_plan=flags["retention_plan"],
            payments=payments,
            notes=cells.get("notes", ""),
            handle=ref.handle,
            platform_id=ref.platform_id,
            line=self.line,
            input_url=cells["url"],
        )

    def _status(self, value: str) -> Status:
        try:
            return Status(value.lower())
        except ValueError:
            self.err("status", f"status '{value}' is not one of {', '.join(Status)}")
            return Status.ACTIVE

    def _payments(self, value: str) -> Payments:
        if not value:
            return Payments.NONE
        try:
            return Payments(value.lower())
        except ValueError:
            self.err("payments", f"payments '{value}' is not one of {', '.join(Payments)}")
            return Payments.NONE

    def _registered_on(self, value: str) -> date | None:
        if not value:
            return None
        try:
            registered_on = date.fromisoformat(value)
            if not _ISO_DATE.fullmatch(value):
                raise ValueError
        except ValueError:
            self.err("registered_on", f"registered_on '{value}' is not a date YYYY-MM-DD")
            return None
        return registered_on

    def _email(self, email: str) -> str:
        """The administrator's address; a non-district address is a warning, not an error."""
        if not email:
            return email
        m = EMAIL_RE.match(email)
        if not m:
            self.err(
                "administrator_email", f"administrator_email '{email}' is not an e-mail address"
            )
            return email
        dom = m.group(1).lower()
        if not any(dom == d or dom.endswith("." + d) for d in self.domains):
            self.warnings.append(
                f"{self.file} line {self.line}: administrator_email '{email}' is not a district address "
                f"({', '.join(self.domains)}); ABDB-AP asks for a district-issued e-mail"
            )
        return email

    def _yes_no(self, value: str, name: str) -> bool | None:
        v = value.strip().lower()
        if not v:
            return None
        if v in _YES:
            return True
        if v in _NO:
            return False
        self.err(name, f"{name} '{value}' is not yes or no")
        return None

    def _duplicates(self, cells: dict[str, str], platform: str, ref: AccountRef) -> None:
        """The same account (canonical URL, or platform id) on two lines is an error."""
        dup_line = next(
            (
                self.seen[(platform, url)]
                for url in platforms.same_account_urls(platform, ref.url)
                if (platform, url) in self.seen
            ),
            None,
        )
        if dup_line is not None:
            self.err(
                "url", f"url '{cells['url']}' is the same account as line {dup_line} ({ref.url})"
            )
        if ref.platform_id:
            dup_id = self.seen_ids.get((platform, ref.platform_id))
            if dup_id is not None and dup_line is None:
                self.err("url", f"url '{cells['url']}' has the same platform id as line {dup_id}")
            self.seen_ids.setdefault((platform, ref.platform_id), self.line)
        self.seen.setdefault((platform, ref.url), self.line)


def load_registry(
    path: str | Path, profile: DistrictProfile, *, mastodon_instances: Iterable[str] = ()
) -> RegistryLoad:
    text = read_text(path)
    return parse_registry(text, profile, file=str(path), mastodon_instances=mastodon_instances)


def registry_to_csv(rows: Iterable[RegistryRow]) -> str:
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in sorted(rows, key=lambda r: (r.entity, r.platform, r.url)):
        w.writerow(r.to_csv_row())
    return buf.getvalue()


def comparable(row: RegistryRow) -> RegistryRow:
    """The row without load-time bookkeeping (line, input URL), for equality checks."""
    return replace(row, line=0, input_url="")


FIELD_NAMES = tuple(f.name for f in fields(RegistryRow))
