"""The evidence and report packet of one case: a ZIP that PR files with the platform or keeps.

Contents (all from stored rows and the evidence folder, nothing fetched)::

    manifest.json            the case JSON (`scout cases list --json` shape) and every file
                             with its SHA-256, size and capture time
    case.pdf                 the printable case page, printed by Chromium, screenshots inside
    report-to-platform.txt   where and how that platform takes the report, and a pre-filled text
    evidence/…png, …html     the screenshots and page HTML as captured

The packet is dated by its data (``as_of``: the newest of the case's own times, its history and
its evidence), never by the clock, and the ZIP has fixed entry times, order and attributes, so
two builds from the same stored evidence are the same bytes. A person files the report: the
tool never submits one.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler import __version__
from crawler.cases.records import find_case
from crawler.cases.views import case_json
from crawler.config import Config, redact
from crawler.db.models import Case, Evidence, RegisteredAccount
from crawler.errors import InputError
from crawler.vocab import EvidenceKind
from reports.context import Context, platform_label, stamp
from reports.document import DOCUMENTS, document
from reports.documents.case import build_case
from reports.pdf import html_to_pdf
from reports.platform_table import platform_entry
from reports.render import render
from reports.text import render_text

LIVE_REGISTRY = ("active", "transferred")
# Which identity elements an explanation level says the account copies, by its code.
ELEMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("name", ("name",)),
    ("handle", ("handle",)),
    ("picture", ("avatar", "picture", "image", "photo", "logo")),
    ("bio", ("bio", "mascot")),
    ("links", ("link", "website", "domain")),
)
ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _evidence_rows(session: Session, case: Case) -> list[Evidence]:
    return list(
        session.scalars(
            select(Evidence)
            .where(
                Evidence.account_id == case.account_id,
                Evidence.kind.in_([EvidenceKind.SCREENSHOT, EvidenceKind.HTML_SHA256]),
            )
            .order_by(Evidence.captured_at, Evidence.id)
        )
    )


def as_of(session: Session, case: Case) -> datetime:
    """The packet's date: the newest time in the case's own record (never the clock)."""
    times = [case.opened_at, case.last_seen_at, case.closed_at]
    times += [e.at for e in case.events]
    times += [e.captured_at for e in _evidence_rows(session, case)]
    return max(_utc(t) for t in times if t is not None)


def _same_text(a: str | None, b: str | None) -> bool:
    def norm(t: str | None) -> str:
        return " ".join((t or "").casefold().split())

    return bool(norm(a)) and norm(a) == norm(b)


def copied_elements(page: dict[str, Any], imitated: RegisteredAccount | None = None) -> list[str]:
    """Identity elements the account shares with the district's: from the explanation, and
    for an impersonation from a comparison with the registered account it imitates."""
    codes = " ".join(str(e.get("code") or "") for e in page["explanation"])
    found = {name for name, keys in ELEMENTS if any(k in codes for k in keys)}
    if imitated is not None:
        if "impersonation" in codes:
            found.add("handle")
        if _same_text(page["account"]["display_name"], imitated.display_name):
            found.add("name")
    return [name for name, _ in ELEMENTS if name in found]


def official_accounts(ctx: Context, platform: str) -> list[dict[str, Any]]:
    rows = ctx.session.scalars(
        select(RegisteredAccount)
        .where(
            RegisteredAccount.district_id == ctx.district.id,
            RegisteredAccount.platform == platform,
            RegisteredAccount.status.in_(LIVE_REGISTRY),
        )
        .order_by(RegisteredAccount.url)
    )
    return [
        {
            "url": r.url,
            "handle": r.handle,
            "display_name": r.display_name,
            "entity": r.entity_key,
            "entity_name": ctx.entity_name(r.entity_key),
        }
        for r in rows
    ]


def own_official(ctx: Context, case: Case, official: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The official accounts the account's entity speaks through: its own, its school's or,
    failing those, the district's."""
    keys = [case.entity_key]
    entity = ctx.entities.get(case.entity_key or "")
    if entity is not None and entity.parent_key:
        keys.append(entity.parent_key)
    for key in (*keys, ctx.district.key):
        own = [o for o in official if o["entity"] == key]
        if own:
            return own
    return official[:3]


def _imitated(ctx: Context, case: Case) -> RegisteredAccount | None:
    if not case.imitates_url:
        return None
    return ctx.session.scalars(
        select(RegisteredAccount).where(
            RegisteredAccount.district_id == ctx.district.id,
            RegisteredAccount.url == case.imitates_url,
        )
    ).first()


def _mailbox(ctx: Context) -> str:
    box = ctx.config.packets.get("role_mailbox")
    return box if isinstance(box, str) and box else "the district's PR role mailbox"


@document("packet", "report-to-platform.txt", per_case=True, on_demand=True)
def build_report_to_platform(ctx: Context, case: Case) -> dict[str, Any]:
    """What ``report-to-platform.txt`` says: the platform's route and a pre-filled report."""
    page = build_case(ctx, case)
    acc = case.account
    signature = ctx.config.packets.get("signature")
    official = official_accounts(ctx, acc.platform)
    return {
        **page,
        "platform": platform_entry(ctx.config, acc.platform, acc.url),
        "platform_label": platform_label(acc.platform),
        "official": official,
        "own_official": own_official(ctx, case, official),
        "copies": copied_elements(page, _imitated(ctx, case)),
        "role_mailbox": _mailbox(ctx),
        "signature": signature
        if isinstance(signature, str) and signature
        else f"Public Relations Department, {ctx.district.name}",
        "district_website": ctx.district.website,
    }


def report_text(ctx: Context, case: Case) -> str:
    """``report-to-platform.txt``: the bundled template or the district's own."""
    doc = DOCUMENTS["packet"]
    own = ctx.config.packets.get("report_template")
    path = None
    if isinstance(own, str) and own:
        path = Path(own) if Path(own).is_absolute() else ctx.config.base_dir / own
        if not path.is_file():
            raise InputError(f"packets.report_template: no file {path}", field="report_template")
    return redact(render_text(doc.template(doc.files[0]), doc.build(ctx, case), own=path))


def case_pdf_html(ctx: Context, case: Case) -> str:
    """The printable case page, its screenshots inlined as ``data:`` images."""
    page = build_case(ctx, case)
    for shot in page["screenshots"]:
        shot["href"] = None
        if shot["exists"]:
            data = Path(shot["source_path"]).read_bytes()
            kind = Path(shot["name"]).suffix.lstrip(".").replace("jpg", "jpeg")
            shot["href"] = f"data:image/{kind};base64,{base64.b64encode(data).decode()}"
        shot.pop("source_path", None)
    return redact(render(DOCUMENTS["case"].template("case.html"), page))


def _evidence_files(ctx: Context, case: Case) -> list[tuple[str, bytes | None, Evidence]]:
    """(name in the packet, bytes or None when the file is gone, row) of each capture."""
    out = []
    for ev in _evidence_rows(ctx.session, case):
        if not ev.file_path:
            continue
        src = Path(ev.file_path)
        if not src.is_absolute():
            src = ctx.config.evidence_dir / src
        suffix = src.suffix.lower() or ".bin"
        name = f"evidence/{case.number}-{ev.id}-{ev.kind}{suffix}"
        out.append((name, src.read_bytes() if src.is_file() else None, ev))
    return out


def _entry(path: str, data: bytes, captured: datetime, what: str) -> dict[str, Any]:
    return {
        "path": path,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "captured_at": _utc(captured).isoformat(),
        "description": what,
    }


def _zip(files: list[tuple[str, bytes]], when: datetime) -> bytes:
    buf = io.BytesIO()
    stamp_ = max(_utc(when), ZIP_EPOCH).timetuple()[:6]
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=stamp_)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            stored = name.endswith((".png", ".jpg", ".jpeg", ".webp", ".gif", ".pdf", ".zip"))
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()


def packet_files(session: Session, config: Config, case_id: str | int) -> list[tuple[str, bytes]]:
    """The packet's files in ZIP order: manifest first, then the documents, then evidence."""
    case = find_case(session, case_id)
    if case is None:
        raise InputError(f"no case '{case_id}'", field="ID")
    when = as_of(session, case)
    ctx = Context(session, config, None)
    ctx.now = when
    pdf = html_to_pdf(config, case_pdf_html(ctx, case), when)
    text = report_text(ctx, case).encode("utf-8")
    entries = [
        _entry("case.pdf", pdf, when, "the printable case page (Chromium)"),
        _entry("report-to-platform.txt", text, when, "where and how to report to the platform"),
    ]
    files: list[tuple[str, bytes]] = [("case.pdf", pdf), ("report-to-platform.txt", text)]
    for name, data, ev in _evidence_files(ctx, case):
        what = "full-page screenshot" if ev.kind == EvidenceKind.SCREENSHOT else "page HTML"
        if data is None:
            entries.append({"path": name, "missing": True, "recorded_sha256": ev.sha256})
            continue
        entry = _entry(name, data, ev.captured_at, f"{what} of {ev.url or case.account.url}")
        entry["source_url"] = ev.url
        if ev.sha256:
            entry["matches_record"] = ev.sha256 == entry["sha256"]
        entries.append(entry)
        files.append((name, data))
    manifest = {
        "packet": {
            "case_id": case.number,
            "district": ctx.district.name,
            "procedure": config.procedure,
            "as_of": when.isoformat(),
            "as_of_text": stamp(when),
            "generator": f"District Account Scout {__version__}",
        },
        "case": case_json(case),
        "files": entries,
    }
    body = redact(json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False)) + "\n"
    return [("manifest.json", body.encode("utf-8")), *files]


def build_packet(session: Session, config: Config, case_id: str | int) -> bytes:
    """The packet ZIP of a case (number or id): the same bytes for the same stored evidence."""
    files = packet_files(session, config, case_id)
    manifest = json.loads(files[0][1])
    return _zip(files, datetime.fromisoformat(manifest["packet"]["as_of"]))


def packet_name(case_number: str) -> str:
    """The packet's file name."""
    return f"{case_number}-packet.zip"
