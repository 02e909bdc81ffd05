"""The registry of approved accounts (CSV), as ABDB-AP asks PR to keep it.

One row per registered account. The whole file is validated before anything
is written: a bad row rejects the file with its line number and field.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import date
from enum import StrEnum
from pathlib import Path

from crawler.district.profile import DistrictProfile
from crawler.errors import InputError, InputErrors, read_text

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


def _yes_no(value: str, name: str, file: str, line: int, errors: list[InputError]) -> bool | None:
    v = value.strip().lower()
    if not v:
        return None
    if v in _YES:
        return True
    if v in _NO:
        return False
    errors.append(
        InputError(f"{name} '{value}' is not yes or no", file=file, line=line, field=name)
    )
    return None


def parse_registry(
    text: str,
    profile: DistrictProfile,
    *,
    file: str = "registry.csv",
    mastodon_instances: Iterable[str] = (),
) -> RegistryLoad:
    """Validate a registry CSV against the profile. Raises :class:`InputErrors` listing every bad row."""
    from crawler import platforms

    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""))
    errors: list[InputError] = []
    warnings: list[str] = []
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(
            "the file is empty; the first line must be the header", file=file, line=1
        ) from None
    except csv.Error as exc:
        raise InputError(f"CSV error: {exc}", file=file, line=1) from None
    header = [h.strip().lower() for h in header]
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

    entity_keys = profile.entity_keys
    domains = profile.district.domains
    rows: list[RegistryRow] = []
    seen: dict[tuple[str, str], int] = {}
    seen_ids: dict[tuple[str, str], int] = {}
    instances = tuple(mastodon_instances)
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(InputError(f"CSV error: {exc}", file=file, line=reader.line_num))
            break
        line = reader.line_num
        if not any(c.strip() for c in record):
            continue
        if len(record) != len(header):
            errors.append(
                InputError(
                    f"has {len(record)} cells, the header has {len(header)}", file=file, line=line
                )
            )
            continue
        cells = {h: v.strip() for h, v in zip(header, record, strict=True)}
        for h, v in cells.items():
            if any(ord(c) < 32 and c not in "\t" for c in v):
                errors.append(
                    InputError(f"{h} contains control characters", file=file, line=line, field=h)
                )
        n_before = len(errors)

        def err(field_: str, msg: str, line: int = line) -> None:
            errors.append(InputError(msg, file=file, line=line, field=field_))

        for c in REQUIRED:
            if not cells.get(c):
                err(c, f"{c} is empty")
        if len(errors) > n_before:
            continue
        platform = cells["platform"].lower()
        if platform == "twitter":
            platform = "x"
        if platform not in platforms.PLATFORMS:
            err(
                "platform",
                f"platform '{cells['platform']}' is not one of {', '.join(sorted(platforms.PLATFORMS))}",
            )
            continue
        verdict = platforms.classify(cells["url"], mastodon_instances=instances)
        if verdict.account is None:
            why = verdict.reason or "not an account URL"
            err("url", f"url '{cells['url']}' is not an account ({why})")
            continue
        ref = verdict.account
        if ref.platform != platform:
            err(
                "url",
                f"url '{cells['url']}' is a {ref.platform} account, but platform is '{platform}'",
            )
            continue
        if cells["entity"] not in entity_keys:
            err("entity", f"entity '{cells['entity']}' is not a key of the district profile")
        try:
            status = Status(cells["status"].lower())
        except ValueError:
            err(
                "status",
                f"status '{cells['status']}' is not one of {', '.join(s.value for s in Status)}",
            )
            status = Status.ACTIVE
        payments = Payments.NONE
        if cells.get("payments"):
            try:
                payments = Payments(cells["payments"].lower())
            except ValueError:
                err(
                    "payments",
                    f"payments '{cells['payments']}' is not one of {', '.join(p.value for p in Payments)}",
                )
        registered_on = None
        if cells.get("registered_on"):
            try:
                registered_on = date.fromisoformat(cells["registered_on"])
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", cells["registered_on"]):
                    raise ValueError
            except ValueError:
                err(
                    "registered_on",
                    f"registered_on '{cells['registered_on']}' is not a date YYYY-MM-DD",
                )
        email = cells.get("administrator_email", "")
        if email:
            m = EMAIL_RE.match(email)
            if not m:
                err(
                    "administrator_email", f"administrator_email '{email}' is not an e-mail address"
                )
            else:
                dom = m.group(1).lower()
                if not any(dom == d or dom.endswith("." + d) for d in domains):
                    warnings.append(
                        f"{file} line {line}: administrator_email '{email}' is not a district address "
                        f"({', '.join(domains)}); ABDB-AP asks for a district-issued e-mail"
                    )
        flags = {
            k: _yes_no(cells.get(k, ""), k, file, line, errors)
            for k in ("pr_coadmin", "district_email_used", "retention_plan")
        }
        for k in ("display_name", "notes", "administrator", "backup_administrator"):
            if len(cells.get(k, "")) > 2000:
                err(k, f"{k} is longer than 2000 characters")
        dup_line = seen.get((platform, ref.url))
        if dup_line is not None:
            err("url", f"url '{cells['url']}' is the same account as line {dup_line} ({ref.url})")
        if ref.platform_id:
            dup_id = seen_ids.get((platform, ref.platform_id))
            if dup_id is not None and dup_line is None:
                err("url", f"url '{cells['url']}' has the same platform id as line {dup_id}")
            seen_ids.setdefault((platform, ref.platform_id), line)
        seen.setdefault((platform, ref.url), line)
        if len(errors) > n_before:
            continue
        rows.append(
            RegistryRow(
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
                line=line,
                input_url=cells["url"],
            )
        )
    if errors:
        raise InputErrors(errors)
    return RegistryLoad(rows=tuple(rows), warnings=tuple(warnings))


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
