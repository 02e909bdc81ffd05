"""YouTube Data API v3 of the sample world: ``/youtube/v3/search`` and ``/youtube/v3/channels``.

Follows ``reference/platforms.md`` section 1: ``key=`` required (403 otherwise), ``part``
required, ``search.list`` ``maxResults`` 0-50 (default 5) with ``pageToken`` pagination, the
real ``CAUQAA``-style tokens (protobuf: field 1 = offset), ``channels.list`` with exactly one of
``id`` (comma list, up to 50), ``forHandle`` (``@`` optional) or ``forUsername``, an empty
answer without ``items`` when nothing matches, and quota accounting: ``search.list`` has its
own daily bucket (configurable, 1 per call), every other call costs 1 unit of 10,000; when a
bucket is empty the answer is the real 403 ``quotaExceeded`` body.
"""

from __future__ import annotations

import base64
import threading
from datetime import UTC, datetime
from typing import Any

from crawler.sampleworld.data import Account, WorldData
from crawler.sampleworld.formats import iso_z, token
from crawler.sampleworld.server import Request, Response
from crawler.sampleworld.server import json_response as _json
from crawler.sampleworld.textsearch import loose_score

QUOTA_MESSAGE = (
    "The request cannot be completed because you have exceeded your "
    '<a href="/youtube/v3/getting-started#quota">quota</a>.'
)
NO_KEY_MESSAGE = (
    "Method doesn't allow unregistered callers (callers without established identity). "
    "Please use API Key or other form of API consumer identity to call this API."
)


def json_response(data: Any, status: int = 200) -> Response:
    """Google APIs answer with JSON indented by two spaces."""
    return _json(data, status, indent=2)


def error_body(
    code: int,
    message: str,
    reason: str,
    domain: str = "youtube.parameter",
    status: str | None = None,
    **extra: str,
) -> dict[str, Any]:
    error: dict[str, Any] = {
        "code": code,
        "message": message,
        "errors": [{"message": message, "domain": domain, "reason": reason, **extra}],
    }
    if status:
        error["status"] = status
    return {"error": error}


def read_rfc3339(value: str) -> datetime | None:
    """``1970-01-01T00:00:00Z`` (RFC 3339), as ``publishedAfter`` takes it."""
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo is not None else None


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def page_token(offset: int, previous: bool = False) -> str:
    """The token YouTube sends: ``CAUQAA`` is offset 5 forward, ``CAUQAQ`` offset 5 back."""
    raw = b"\x08" + _varint(offset) + b"\x10" + (b"\x01" if previous else b"\x00")
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_token(value: str) -> int | None:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError:
        return None
    if len(raw) < 4 or raw[0] != 0x08:
        return None
    offset, shift, i = 0, 0, 1
    while i < len(raw) and raw[i] & 0x80:
        offset |= (raw[i] & 0x7F) << shift
        shift, i = shift + 7, i + 1
    if i >= len(raw):
        return None
    return offset | (raw[i] << shift)


def _thumbnails(a: Account, sized: bool) -> dict[str, Any]:
    out = {}
    for name, size in (("default", 88), ("medium", 240), ("high", 800)):
        item: dict[str, Any] = {
            "url": f"https://yt3.ggpht.com/{token(a.key, length=40)}=s{size}-c-k-c0x00ffffff-no-rj"
        }
        if sized:
            item |= {"width": size, "height": size}
        out[name] = item
    return out


def search_item(a: Account, clock: datetime | None = None) -> dict[str, Any]:
    # type=channel: snippet.publishedAt is when the channel was created
    published = a.created(clock or datetime.now(UTC))
    return {
        "kind": "youtube#searchResult",
        "etag": token(a.key, "s", length=27),
        "id": {"kind": "youtube#channel", "channelId": a.platform_id},
        "snippet": {
            "publishedAt": iso_z(published, millis=False),
            "channelId": a.platform_id,
            "title": a.name,
            "description": a.bio if len(a.bio) <= 160 else a.bio[:157] + "...",
            "thumbnails": _thumbnails(a, sized=False),
            "channelTitle": a.name,
            "liveBroadcastContent": "none",
            "publishTime": iso_z(published, millis=False),
        },
    }


def channel_item(a: Account, parts: set[str], clock: datetime | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "kind": "youtube#channel",
        "etag": token(a.key, "c", length=27),
        "id": a.platform_id,
    }
    if "snippet" in parts:
        item["snippet"] = {
            "title": a.name,
            "description": a.bio,
            "customUrl": f"@{a.lower}",
            "publishedAt": iso_z(a.created(clock or datetime.now(UTC)), millis=False),
            "thumbnails": _thumbnails(a, sized=True),
            "localized": {"title": a.name, "description": a.bio},
            "country": "US",
        }
    if "statistics" in parts:
        item["statistics"] = {
            "viewCount": str(a.followers * 57 + a.posts * 311),
            "subscriberCount": str(a.followers),
            "hiddenSubscriberCount": False,
            "videoCount": str(a.posts),
        }
    if "brandingSettings" in parts:
        item["brandingSettings"] = {
            "channel": {
                "title": a.name,
                "description": a.bio,
                "keywords": f'"{a.name}"',
                "country": "US",
            },
            "image": {
                "bannerExternalUrl": f"https://yt3.googleusercontent.com/{token(a.key, 'b', length=40)}"
            },
        }
    if "contentDetails" in parts:
        item["contentDetails"] = {
            "relatedPlaylists": {"likes": "", "uploads": "UU" + a.platform_id[2:]}
        }
    return item


class YouTubeApi:
    """The www.googleapis.com app; holds the quota counters of one world."""

    def __init__(
        self,
        world: WorldData,
        search_quota: int = 100,
        units: int = 10_000,
        required_key: str | None = None,
        clock: datetime | None = None,
    ) -> None:
        self.world = world
        self.clock = clock or datetime.now(UTC)
        self.required_key = required_key  # None: any non-empty key is accepted
        self._lock = threading.Lock()
        self.search_quota = search_quota
        self.units = units
        self.search_calls = 0
        self.unit_calls = 0

    def reset_quota(self) -> None:
        with self._lock:
            self.search_calls = self.unit_calls = 0

    def _spend(self, search: bool) -> bool:
        with self._lock:
            if search:
                if self.search_calls >= self.search_quota:
                    return False
                self.search_calls += 1
            else:
                if self.unit_calls >= self.units:
                    return False
                self.unit_calls += 1
            return True

    def __call__(self, request: Request) -> Response:
        path = request.path.rstrip("/")
        if path == "/robots.txt":
            return Response(404, "", "text/html; charset=UTF-8")
        if path not in ("/youtube/v3/search", "/youtube/v3/channels"):
            return json_response(error_body(404, "Not Found", "notFound", domain="global"), 404)
        if not (request.arg("key") or "").strip():
            return json_response(
                error_body(
                    403, NO_KEY_MESSAGE, "forbidden", domain="global", status="PERMISSION_DENIED"
                ),
                403,
            )
        if self.required_key is not None and request.arg("key") != self.required_key:
            return json_response(
                error_body(
                    400,
                    "API key not valid. Please pass a valid API key.",
                    "badRequest",
                    domain="global",
                    status="INVALID_ARGUMENT",
                ),
                400,
            )
        search = path.endswith("/search")
        if not self._spend(search):
            return json_response(
                error_body(403, QUOTA_MESSAGE, "quotaExceeded", domain="youtube.quota"), 403
            )
        if not request.arg("part"):
            return json_response(
                error_body(
                    400,
                    "Required parameter: part",
                    "required",
                    location="part",
                    locationType="parameter",
                ),
                400,
            )
        return self._search(request) if search else self._channels(request)

    def _search(self, request: Request) -> Response:
        try:
            size = int(request.arg("maxResults") or 5)
        except ValueError:
            size = -1
        if not 0 <= size <= 50:
            return json_response(
                error_body(400, "Invalid value for maxResults.", "invalidParameter"), 400
            )
        offset = 0
        if request.arg("pageToken"):
            decoded = read_token(request.arg("pageToken") or "")
            if decoded is None:
                return json_response(
                    error_body(
                        400, "The request specifies an invalid page token.", "invalidPageToken"
                    ),
                    400,
                )
            offset = decoded
        q = request.arg("q") or ""
        after = None
        if request.arg("publishedAfter"):
            after = read_rfc3339(request.arg("publishedAfter") or "")
            if after is None:
                return json_response(
                    error_body(400, "Invalid value for publishedAfter.", "invalidParameter"), 400
                )
        kinds = (request.arg("type") or "video,channel,playlist").split(",")
        # q=a|b: YouTube's documented OR operator (a result matches either term)
        alternatives = [t for t in q.split("|") if t.strip()] if q else []
        matches: list[tuple[int, Account]] = []
        if "channel" in kinds:
            for a in self.world.on("youtube"):
                if not (a.live and a.api):
                    continue
                if after is not None and a.created(self.clock) <= after:
                    continue
                text = f"{a.name} {a.bio} {a.handle}"
                score = max((loose_score(t, text) for t in alternatives), default=0) if q else 1
                if score:
                    matches.append((score, a))
        if request.arg("order") == "date":  # newest first
            matches.sort(key=lambda m: (-m[1].created(self.clock).timestamp(), m[1].key))
        else:
            matches.sort(key=lambda m: (-m[0], -m[1].followers, m[1].key))
        page = matches[offset : offset + size]
        body: dict[str, Any] = {
            "kind": "youtube#searchListResponse",
            "etag": token("search", q, str(offset), length=27),
        }
        if offset + size < len(matches):
            body["nextPageToken"] = page_token(offset + size)
        if offset > 0:
            body["prevPageToken"] = page_token(max(0, offset - size), previous=True)
        body["regionCode"] = (request.arg("regionCode") or "US").upper()
        body["pageInfo"] = {"totalResults": len(matches), "resultsPerPage": size}
        body["items"] = [search_item(a, self.clock) for _, a in page]
        return json_response(body)

    def _channels(self, request: Request) -> Response:
        parts = {p.strip() for p in (request.arg("part") or "").split(",")}
        filters = [f for f in ("id", "forHandle", "forUsername") if request.arg(f) is not None]
        if len(filters) != 1:
            message = (
                "No filter selected. Expected one of: forUsername, managedByMe, categoryId, mine, "
                "mySubscribers, id, idParam, forHandle."
                if not filters
                else "Incompatible parameters specified in the request: " + ", ".join(filters)
            )
            reason = "missingRequiredParameter" if not filters else "incompatibleParameters"
            return json_response(error_body(400, message, reason), 400)
        live = [a for a in self.world.on("youtube") if a.live]
        value = request.arg(filters[0]) or ""
        if filters[0] == "id":
            ids = [i.strip() for i in value.split(",") if i.strip()]
            if len(ids) > 50:
                return json_response(
                    error_body(400, "Invalid value for id.", "invalidParameter"), 400
                )
            found = [a for i in ids for a in live if a.platform_id == i]
        elif filters[0] == "forHandle":
            wanted = value.lstrip("@").lower()
            found = [a for a in live if a.lower == wanted]
        else:
            found = [a for a in live if (a.username or "").lower() == value.lower()]
        body: dict[str, Any] = {
            "kind": "youtube#channelListResponse",
            "etag": token("channels", value, length=27),
            "pageInfo": {"totalResults": len(found), "resultsPerPage": max(5, len(found))},
        }
        if found:
            body["items"] = [channel_item(a, parts, self.clock) for a in found]
        return json_response(body)
