"""The Bluesky public AppView and the Mastodon instance API of the sample world.

Bluesky (``public.api.bsky.app``, ``reference/platforms.md`` section 2): ``searchActors``
(``q``, ``limit`` 1-100 default 25, opaque ``cursor``; no ``cursor`` in the answer on the
last page; ``profileView`` items without counts), ``getProfile`` / ``getProfiles``
(``profileViewDetailed`` with counts), HTTP 400 ``Profile not found``, and RateLimit headers.

Mastodon (``mastodon.social``, section 3): ``/api/v2/search?type=accounts`` (anonymous:
first page only — ``offset`` or ``resolve`` answer 401), ``/api/v1/accounts/lookup?acct=``
(404 ``Record not found``), ``X-RateLimit-*`` headers, plus the instance's ``/@user`` pages.
"""

from __future__ import annotations

import base64
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from crawler.sampleworld.data import MASTODON_INSTANCE, Account, WorldData
from crawler.sampleworld.formats import esc, iso_z, stable_time, token
from crawler.sampleworld.pages import mastodon_web
from crawler.sampleworld.robots import ROBOTS
from crawler.sampleworld.server import Request, Response, json_response, text_response
from crawler.sampleworld.textsearch import loose_score

# --- Bluesky ---------------------------------------------------------------------------------


def profile_view(a: Account, detailed: bool = False) -> dict[str, Any]:
    created = stable_time(a.key)
    view: dict[str, Any] = {
        "did": a.platform_id,
        "handle": a.lower,
        "displayName": a.name,
        "avatar": f"https://cdn.bsky.app/img/avatar/plain/{a.platform_id}/{token(a.key, length=40)}@jpeg",
        "associated": {
            "lists": 0,
            "feedgens": 0,
            "starterPacks": 0,
            "labeler": False,
            "activitySubscription": {"allowSubscriptions": "followers"},
        },
        "indexedAt": iso_z(created + timedelta(days=3)),
        "createdAt": iso_z(created),
        "viewer": {"muted": False, "blockedBy": False},
        "labels": [],
        "description": a.bio,
    }
    if detailed:
        view |= {
            "followersCount": a.followers,
            "followsCount": a.following,
            "postsCount": a.posts,
            "banner": f"https://cdn.bsky.app/img/banner/plain/{a.platform_id}/{token(a.key, 'b', length=40)}@jpeg",
        }
        if a.links:
            view["website"] = a.links[0]
    return view


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def _read_cursor(value: str) -> int | None:
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        return int(text[2:]) if text.startswith("o:") else None
    except ValueError:
        return None


def xrpc_error(error: str, message: str, status: int = 400) -> Response:
    return json_response({"error": error, "message": message}, status)


class BlueskyApi:
    """The public.api.bsky.app app."""

    def __init__(self, world: WorldData) -> None:
        self.world = world

    def _headers(self) -> list[tuple[str, str]]:
        reset = int((datetime.now(UTC) + timedelta(minutes=5)).timestamp())
        return [
            ("RateLimit-Limit", "3000"),
            ("RateLimit-Remaining", "2999"),
            ("RateLimit-Reset", str(reset)),
            ("RateLimit-Policy", "3000;w=300"),
        ]

    def _actor(self, actor: str) -> Account | None:
        actor = actor.lstrip("@").lower()
        return next(
            (a for a in self.world.on("bluesky") if a.live and actor in (a.lower, a.platform_id)),
            None,
        )

    def __call__(self, request: Request) -> Response:
        if request.path == "/robots.txt":
            return text_response(ROBOTS["public.api.bsky.app"])
        method = request.path.removeprefix("/xrpc/")
        if method == "app.bsky.actor.searchActors":
            response = self._search(request)
        elif method == "app.bsky.actor.getProfile":
            actor = request.arg("actor")
            if not actor:
                response = xrpc_error(
                    "InvalidRequest", 'Error: Params must have the property "actor"'
                )
            else:
                found = self._actor(actor)
                response = (
                    json_response(profile_view(found, detailed=True))
                    if found
                    else xrpc_error("InvalidRequest", "Profile not found")
                )
        elif method == "app.bsky.actor.getProfiles":
            actors = request.args("actors")
            if not actors:
                response = xrpc_error(
                    "InvalidRequest", 'Error: Params must have the property "actors"'
                )
            elif len(actors) > 25:
                response = xrpc_error(
                    "InvalidRequest", "Error: actors must not have more than 25 elements"
                )
            else:
                profiles = [a for a in (self._actor(x) for x in actors) if a is not None]
                response = json_response(
                    {"profiles": [profile_view(a, detailed=True) for a in profiles]}
                )
        else:
            response = xrpc_error("MethodNotImplemented", "Method Not Implemented", 501)
        response.headers.extend(self._headers())
        return response

    def _search(self, request: Request) -> Response:
        q = request.arg("q") or request.arg("term") or ""
        try:
            limit = int(request.arg("limit") or 25)
        except ValueError:
            return xrpc_error("InvalidRequest", "Error: limit must be an integer")
        if not 1 <= limit <= 100:
            return xrpc_error(
                "InvalidRequest",
                "Error: limit can not be greater than 100"
                if limit > 100
                else "Error: limit can not be less than 1",
            )
        offset = 0
        if request.arg("cursor"):
            decoded = _read_cursor(request.arg("cursor") or "")
            if decoded is None:
                return xrpc_error("InvalidRequest", "Malformed cursor")
            offset = decoded
        matches = []
        for a in self.world.on("bluesky"):
            if a.live and a.api and q:
                score = loose_score(q, f"{a.name} {a.handle.replace('.bsky.social', '')} {a.bio}")
                if score:
                    matches.append((score, a))
        matches.sort(key=lambda m: (-m[0], -m[1].followers, m[1].key))
        page = [a for _, a in matches[offset : offset + limit]]
        body: dict[str, Any] = {"actors": [profile_view(a) for a in page]}
        if offset + limit < len(matches):
            body["cursor"] = _cursor(offset + limit)
        return json_response(body)


# --- Mastodon --------------------------------------------------------------------------------


def mastodon_account(a: Account, instance: str) -> dict[str, Any]:
    created = stable_time(a.key)
    local = a.mastodon_domain == instance
    links = "".join(
        f'<a href="{esc(u)}" rel="nofollow noopener" target="_blank">{esc(u)}</a>' for u in a.links
    )
    fields = [
        {
            "name": "Website",
            "value": f'<a href="{esc(u)}" rel="nofollow noopener me" target="_blank">'
            f'<span class="invisible">https://</span><span class="">{esc(u.removeprefix("https://"))}</span></a>',
            "verified_at": iso_z(created + timedelta(days=30)),
        }
        for u in a.links[:1]
    ]
    return {
        "id": a.platform_id,
        "username": a.mastodon_user,
        "acct": a.mastodon_user if local else f"{a.mastodon_user}@{a.mastodon_domain}",
        "display_name": a.name,
        "locked": a.private,
        "bot": False,
        "discoverable": True,
        "indexable": True,
        "group": False,
        "created_at": iso_z(created.replace(hour=0, minute=0, second=0)),
        "note": f"<p>{esc(a.bio)}</p>" + (f"<p>{links}</p>" if links else ""),
        "url": a.public_url,
        "uri": f"https://{a.mastodon_domain}/users/{a.mastodon_user}",
        "avatar": f"https://files.mastodon.social/accounts/avatars/{token(a.key, length=18)}/original/a.png",
        "avatar_static": f"https://files.mastodon.social/accounts/avatars/{token(a.key, length=18)}/original/a.png",
        "header": "https://mastodon.social/headers/original/missing.png",
        "header_static": "https://mastodon.social/headers/original/missing.png",
        "followers_count": a.followers,
        "following_count": a.following,
        "statuses_count": a.posts,
        "last_status_at": a.last_post or (created + timedelta(days=400)).strftime("%Y-%m-%d"),
        "hide_collections": False,
        "noindex": False,
        "emojis": [],
        "roles": [],
        "fields": fields,
    }


class MastodonInstance:
    """One Mastodon instance (API and web pages)."""

    def __init__(self, world: WorldData, instance: str = MASTODON_INSTANCE) -> None:
        self.world = world
        self.instance = instance
        self._lock = threading.Lock()
        self._remaining = 300

    def _headers(self) -> list[tuple[str, str]]:
        with self._lock:
            self._remaining = self._remaining - 1 if self._remaining > 1 else 300
            remaining = self._remaining
        reset = (datetime.now(UTC) + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return [
            ("X-RateLimit-Limit", "300"),
            ("X-RateLimit-Remaining", str(remaining)),
            ("X-RateLimit-Reset", reset),
        ]

    def __call__(self, request: Request) -> Response:
        if request.path == "/robots.txt":
            return text_response(ROBOTS["mastodon.social"])
        if request.path.startswith("/api/"):
            response = self._api(request)
            response.headers.extend(self._headers())
            return response
        page = mastodon_web(self.world, self.instance, request)
        if page is not None:
            return page
        return Response(
            200,
            "<!DOCTYPE html><html><head><title>Mastodon</title></head>"
            "<body><div id='mastodon'></div></body></html>",
        )

    def _api(self, request: Request) -> Response:
        if request.path == "/api/v2/search":
            q = request.arg("q")
            if not q:
                return json_response({"error": "param is missing or the value is empty: q"}, 400)
            if request.arg("offset"):
                return json_response(
                    {"error": "Search queries pagination is not supported without authentication"},
                    401,
                )
            if (request.arg("resolve") or "").lower() in ("true", "1"):
                return json_response(
                    {
                        "error": "Search queries that resolve remote resources are not supported "
                        "without authentication"
                    },
                    401,
                )
            try:
                limit = min(40, max(1, int(request.arg("limit") or 20)))
            except ValueError:
                limit = 20
            accounts: list[dict[str, Any]] = []
            if request.arg("type") in (None, "", "accounts"):
                scored = [
                    (loose_score(q, f"{a.name} {a.handle}"), a)
                    for a in self.world.on("mastodon")
                    if a.live and a.api
                ]
                scored = [s for s in scored if s[0]]
                scored.sort(key=lambda m: (-m[0], -m[1].followers, m[1].key))
                accounts = [mastodon_account(a, self.instance) for _, a in scored[:limit]]
            return json_response({"accounts": accounts, "statuses": [], "hashtags": []})
        if request.path == "/api/v1/accounts/lookup":
            acct = (request.arg("acct") or "").lstrip("@")
            user, _, domain = acct.partition("@")
            handle = user if not domain or domain == self.instance else acct
            found = self.world.find("mastodon", handle) if acct else None
            if found is None:
                return json_response({"error": "Record not found"}, 404)
            return json_response(mastodon_account(found, self.instance))
        if request.path == "/api/v1/accounts/search":
            return json_response({"error": "The access token is invalid"}, 401)
        return json_response({"error": "Record not found"}, 404)
