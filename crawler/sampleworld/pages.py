"""Public profile pages of the sample world, in each platform's real logged-out shape.

Shapes follow ``reference/platforms.md`` and the real captures in ``fixtures/real``:
Instagram meta tags with ``&#064;`` and ``&#x2022;`` entities, TikTok's
``__UNIVERSAL_DATA_FOR_REHYDRATION__`` JSON, YouTube's ``ytInitialData`` (both header layouts),
Facebook ``og:*`` plus ``al:android:url fb://page/<id>``, LinkedIn ``og:url`` on a country
sub-domain plus JSON-LD, Threads and X ``og:title`` forms, bskyweb's profile template and
Mastodon's profile page. Each platform's "not found" answer is its real one (Instagram
``Sorry, this page isn&#39;t available.``, TikTok ``statusCode`` 10221, YouTube HTTP 404,
bsky.app's empty profile shell, ...).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import quote

from crawler.sampleworld.data import Account, WorldData
from crawler.sampleworld.formats import (
    esc,
    grouped,
    instagram_count,
    stable_time,
    tiktok_count,
    token,
    youtube_count,
)
from crawler.sampleworld.robots import ROBOTS
from crawler.sampleworld.server import App, Request, Response, redirect, text_response


def _meta(prop: str, content: str, attr: str = "property") -> str:
    return f'<meta {attr}="{prop}" content="{esc(content)}" />'


def _doc(head: str, body: str, lang: str = "en", html_attrs: str = "") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"{html_attrs}>\n<head>\n<meta charset="utf-8" />\n'
        f"{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _page(body: str, status: int = 200) -> Response:
    return Response(status, body, "text/html; charset=utf-8")


# --- Instagram -------------------------------------------------------------------------------


def _ig_at(name: str, handle: str) -> str:
    """``Name (&#064;handle)`` written the way Instagram writes it (the entity stays escaped)."""
    return f"{esc(name)} (&#064;{esc(handle)})"


def instagram_page(a: Account) -> Response:
    h = a.lower
    counts = (
        f"{instagram_count(a.followers)} Followers, {instagram_count(a.following)} Following, "
        f"{instagram_count(a.posts)} Posts"
    )
    bio = esc(a.bio).replace("&#x27;", "&#39;")
    head = "\n".join(
        [
            '<meta name="robots" content="noarchive, noimageindex" />',
            '<meta property="og:type" content="profile" />',
            '<meta property="al:ios:app_name" content="Instagram" />',
            '<meta property="al:android:package" content="com.instagram.android" />',
            f"<title>{_ig_at(a.name, h)} • Instagram photos and videos</title>",
            f'<meta property="og:image" content="https://scontent.cdninstagram.com/v/t51.2885-19/'
            f'{token(a.key)}_n.jpg?stp=dst-jpg_s100x100_tt6&amp;_nc_cat=1" />',
            f'<meta property="og:title" content="{_ig_at(a.name, h)} &#x2022; Instagram photos and videos" />',
            f'<meta property="og:url" content="https://www.instagram.com/{h}/" />',
            f'<meta property="og:description" content="{counts} - See Instagram photos and videos from {_ig_at(a.name, h)}" />',
            f"<meta content='{counts} - {_ig_at(a.name, h)} on Instagram: &quot;{bio}&quot;' name=\"description\" />",
            f'<link rel="canonical" href="https://www.instagram.com/{h}/" />',
        ]
    )
    body = (
        '<div id="splash-screen"></div>\n<script type="application/json" data-sjs>'
        '{"require":[["ScheduledServerJS","handle",null,[{"__bbox":{"define":[["PolarisSiteData",[],'
        '{"country_code":"US","device_id":null},1]]}}]]]}</script>'
    )
    return _page(_doc(head, body, html_attrs=' class="_9dls _ar44" dir="ltr"'))


INSTAGRAM_NOT_FOUND = _doc(
    "<title>Instagram</title>",
    '<div role="dialog" class="dialog-404"><h2>Sorry, this page isn&#39;t available.</h2>'
    "<p>The link you followed may be broken, or the page may have been removed. "
    '<a href="/">Go back to Instagram.</a></p></div>',
)

INSTAGRAM_LOGIN = _doc(
    "<title>Login • Instagram</title>",
    '<div id="react-root"></div><script type="application/json">{"config":{"csrf_token":"x"},'
    '"routePath":"\\/","entry_data":{"LoginAndSignupPage":[{}]}}</script>',
)

INSTAGRAM_THROTTLED = _doc(
    "<title>Instagram</title>",
    "<div><p>Please wait a few minutes before you try again.</p></div>",
)


def _instagram(world: WorldData, request: Request) -> Response:
    parts = [p for p in request.path.split("/") if p]
    if not parts:
        return _page(_doc("<title>Instagram</title>", '<div id="react-root"></div>'))
    if parts[0] in ("p", "reel", "reels", "tv", "explore", "stories"):
        return _page(
            _doc(f"<title>Instagram</title>{_meta('og:type', 'article')}", "<div>post</div>")
        )
    if parts[0] == "accounts":
        return _page(INSTAGRAM_LOGIN)
    account = world.find("instagram", parts[0])
    if account is None:
        return _page(INSTAGRAM_NOT_FOUND, 404)
    return instagram_page(account)


# --- Threads ---------------------------------------------------------------------------------


def threads_page(a: Account) -> Response:
    h = a.lower
    description = (
        f"{instagram_count(a.followers)} Followers • {grouped(a.posts)} Threads • {a.bio} "
        f"See the latest conversations with @{h}."
    )
    head = "\n".join(
        [
            f"<title>{esc(a.name)} (@{h}) • Threads, Say more</title>",
            _meta("og:title", f"{a.name} (@{h}) • Threads, Say more"),
            _meta("og:description", description),
            _meta("og:url", f"https://www.threads.com/@{h}"),
            _meta("og:type", "profile"),
            _meta("og:site_name", "Threads"),
            f'<link rel="canonical" href="https://www.threads.com/@{h}" />',
        ]
    )
    return _page(_doc(head, '<div id="barcelona-page-layout"></div>'))


THREADS_LOGIN = _doc(
    "<title>Threads • Log in</title>", '<div id="barcelona-page-layout">Log in</div>'
)


def _threads(world: WorldData, request: Request) -> Response:
    parts = [p for p in request.path.split("/") if p]
    if parts and parts[0].startswith("@"):
        account = world.find("threads", parts[0][1:])
        if account is not None and len(parts) == 1:
            return threads_page(account)
        if account is not None:
            return _page(_doc(_meta("og:type", "article"), "<div>post</div>"))
        return _page(THREADS_LOGIN, 404)
    return _page(THREADS_LOGIN)


# --- Facebook --------------------------------------------------------------------------------


def facebook_page(a: Account) -> Response:
    pid = a.platform_id
    url = a.public_url
    talking = max(1, a.followers // 40)
    head = "\n".join(
        [
            f"<title>{esc(a.name)} | Facebook</title>",
            _meta("og:title", a.name),
            _meta(
                "og:description",
                f"{a.name}. {grouped(a.followers)} likes · {grouped(talking)} talking about this. {a.bio}",
            ),
            _meta("og:url", url),
            _meta("og:type", "website"),
            _meta("og:image", f"https://scontent.xx.fbcdn.net/v/t39.30808-1/{token(a.key)}_n.jpg"),
            _meta("al:android:url", f"fb://page/{pid}?referrer=app_link"),
            _meta("al:android:app_name", "Facebook"),
            _meta("al:android:package", "com.facebook.katana"),
            _meta("al:ios:url", f"fb://page/?id={pid}"),
            _meta("al:ios:app_name", "Facebook"),
            _meta("al:ios:app_store_id", "284882215"),
            f'<link rel="canonical" href="{esc(url)}" />',
        ]
    )
    return _page(_doc(head, '<div id="mount_0_0_x"></div>', html_attrs=' id="facebook"'))


FACEBOOK_NOT_FOUND = _doc(
    "<title>Page Not Found</title>", "<div><h2>This content isn't available right now</h2></div>"
)

FACEBOOK_LOGIN = _doc(
    f"<title>Log in to Facebook</title>{_meta('og:url', 'https://www.facebook.com/login/')}",
    '<form id="login_form" action="/login/device-based/regular/login/" method="post"></form>',
)

FACEBOOK_THROTTLED = _doc(
    "<title>Facebook</title>", '<script>{"__dr":"CometErrorRoot.react"}</script>'
)


def _facebook(world: WorldData, request: Request) -> Response:
    parts = [p for p in request.path.split("/") if p]
    if not parts:
        return _page(FACEBOOK_LOGIN)
    first = parts[0]
    if first in ("login", "login.php"):
        return _page(FACEBOOK_LOGIN)
    if first == "profile.php":
        key = request.arg("id") or ""
    elif first == "people" and len(parts) >= 3:
        key = parts[2]
    else:
        key = first
    account = world.find("facebook", key)
    if account is None:
        return _page(FACEBOOK_NOT_FOUND, 404)
    if len(parts) > 1 and first not in ("people",):
        return _page(_doc(_meta("og:type", "article"), "<div>post</div>"))
    return facebook_page(account)


def _l_facebook(world: WorldData, request: Request) -> Response:
    """l.facebook.com: the "Leaving Facebook" interstitial (never to be fetched: decode locally)."""
    target = esc(request.arg("u") or "")
    return _page(
        _doc(
            "<title>Leaving Facebook</title>",
            f'<p>You are leaving Facebook.</p><a href="{target}">Follow link</a>',
        )
    )


# --- X ---------------------------------------------------------------------------------------


def x_page(a: Account) -> Response:
    head = "\n".join(
        [
            f"<title>{esc(a.name)} (@{esc(a.handle)}) / X</title>",
            _meta("og:site_name", "X (formerly Twitter)"),
            _meta("og:title", f"{a.name} (@{a.handle}) / X"),
            _meta("og:description", a.bio),
            _meta("og:url", f"https://x.com/{a.handle}"),
            _meta("og:type", "profile"),
        ]
    )
    body = '<noscript><p>JavaScript is not available.</p></noscript>\n<div id="react-root"></div>'
    return _page(_doc(head, body, html_attrs=' dir="ltr"'))


X_NOT_FOUND = _doc(
    "<title>X</title>" + _meta("og:site_name", "X (formerly Twitter)"),
    '<div id="react-root"></div><script>window.__INITIAL_STATE__={"entities":{}};</script>',
)


def _x(world: WorldData, request: Request) -> Response:
    parts = [p for p in request.path.split("/") if p]
    if not parts:
        return _page(
            _doc("<title>X. It’s what’s happening / X</title>", '<div id="react-root"></div>')
        )
    account = world.find("x", parts[0])
    if account is None:
        return _page(X_NOT_FOUND, 404)
    if len(parts) > 1 and parts[1] == "status":
        return _page(
            _doc(_meta("og:title", f"{account.name} (@{account.handle}) on X"), "<div></div>")
        )
    return x_page(account)


# --- TikTok ----------------------------------------------------------------------------------


def _tiktok_scope(detail: dict[str, object]) -> dict[str, object]:
    return {
        "__DEFAULT_SCOPE__": {
            "webapp.app-context": {"language": "en", "region": "US", "appId": 1988, "appType": "m"},
            "webapp.biz-context": {"isSearchEngineBot": False},
            "webapp.i18n-translation": {},
            "seo.abtest": {"canonical": "", "pageId": ""},
            "webapp.user-detail": detail,
            "webapp.a-b": {"parameters": {}},
        }
    }


def _tiktok_script(detail: dict[str, object]) -> str:
    data = json.dumps(_tiktok_scope(detail), ensure_ascii=False, separators=(",", ":")).replace(
        "</", "<\\/"
    )
    return (
        f'<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">{data}</script>'
    )


def tiktok_page(a: Account) -> Response:
    h = a.lower
    likes = a.followers * 7 + a.posts * 13
    created = int(stable_time(a.key).timestamp())
    link = a.links[0].removeprefix("https://") if a.links else ""
    user = {
        "id": a.platform_id,
        "shortId": "",
        "uniqueId": h,
        "nickname": a.name,
        "avatarLarger": f"https://p16-sign-va.tiktokcdn.com/tos-maliva-avt-0068/{token(a.key)}~tplv-tiktokx-cropcenter:1080:1080.jpeg",
        "avatarMedium": f"https://p16-sign-va.tiktokcdn.com/tos-maliva-avt-0068/{token(a.key)}~tplv-tiktokx-cropcenter:720:720.jpeg",
        "avatarThumb": f"https://p16-sign-va.tiktokcdn.com/tos-maliva-avt-0068/{token(a.key)}~tplv-tiktokx-cropcenter:100:100.jpeg",
        "signature": a.bio,
        "createTime": created,
        "verified": False,
        "secUid": "MS4wLjABAAAA" + token(a.key, "sec", length=52),
        "ftc": False,
        "relation": 0,
        "openFavorite": False,
        "commentSetting": 0,
        "duetSetting": 0,
        "stitchSetting": 0,
        "privateAccount": a.private,
        "secret": False,
        "isADVirtual": False,
        "roomId": "",
        "uniqueIdModifyTime": 0,
        "ttSeller": False,
        "downloadSetting": 0,
        "language": "en",
        "isOrganization": 0,
    }
    if link:
        user["bioLink"] = {"link": link, "risk": 0}
    stats = {
        "followerCount": a.followers,
        "followingCount": a.following,
        "heart": likes,
        "heartCount": likes,
        "videoCount": a.posts,
        "diggCount": 0,
        "friendCount": 0,
    }
    detail = {
        "userInfo": {
            "user": user,
            "stats": stats,
            "statsV2": {k: str(v) for k, v in stats.items()},
            "itemList": [],
        },
        "shareMeta": {
            "title": f"{a.name} on TikTok",
            "desc": f"@{h} {tiktok_count(a.followers)} Followers, {a.following} Following, {tiktok_count(likes)} Likes",
        },
        "statusCode": 0,
        "statusMsg": "",
        "needFix": False,
    }
    description = (
        f"{a.name} (@{h}) on TikTok | {tiktok_count(likes)} Likes. {tiktok_count(a.followers)} Followers. "
        f"{a.bio}Watch the latest video from {a.name} (@{h})."
    )
    head = "\n".join(
        [
            f"<title>{esc(a.name)} (@{h}) | TikTok</title>",
            f'<meta property="og:url" content="https://www.tiktok.com/@{h}" data-rh="true">',
            f'<meta name="description" content="{esc(description)}" data-rh="true">',
            '<meta property="og:site_name" content="TikTok" data-rh="true">',
            '<meta property="og:type" content="website" data-rh="true">',
            f'<meta property="og:title" content="{esc(a.name)} (@{h}) | TikTok" data-rh="true">',
            f'<meta property="og:description" content="{esc(description)}" data-rh="true">',
            f'<link rel="canonical" href="https://www.tiktok.com/@{h}" data-rh="true">',
        ]
    )
    return _page(_doc(head, '<div id="app"></div>\n' + _tiktok_script(detail)))


def tiktok_status_page(code: int) -> str:
    """The page TikTok serves with HTTP 200 for a missing (10221) or private (10222) account."""
    detail = {
        "userInfo": {},
        "shareMeta": {},
        "statusCode": code,
        "statusMsg": "",
        "needFix": False,
    }
    return _doc(
        "<title>TikTok - Make Your Day</title>", '<div id="app"></div>\n' + _tiktok_script(detail)
    )


TIKTOK_CAPTCHA = _doc(
    "<title>Security Check</title>",
    '<div id="tiktok-verify-ele" class="tiktok-verify-page"><div class="captcha_verify_container">'
    "Drag the slider to fit the puzzle</div></div>",
)


def _tiktok(world: WorldData, request: Request) -> Response:
    parts = [p for p in request.path.split("/") if p]
    if not parts or not parts[0].startswith("@"):
        return _page(_doc("<title>TikTok - Make Your Day</title>", '<div id="app"></div>'))
    account = world.find("tiktok", parts[0][1:])
    if account is None:
        return _page(tiktok_status_page(10221))
    if len(parts) > 1:
        return _page(_doc(_meta("og:type", "video.other"), '<div id="app"></div>'))
    return tiktok_page(account)


# --- YouTube ---------------------------------------------------------------------------------


def _thumbs(a: Account, sizes: tuple[int, ...] = (88, 240, 800)) -> list[dict[str, object]]:
    return [
        {
            "url": f"https://yt3.googleusercontent.com/{token(a.key, length=40)}=s{s}-c-k-c0x00ffffff-no-rj",
            "width": s,
            "height": s,
        }
        for s in sizes
    ]


def _yt_header(a: Account) -> dict[str, object]:
    subs = f"{youtube_count(a.followers)} subscribers"
    videos = f"{grouped(a.posts)} videos"
    if a.layout == "c4":
        return {
            "c4TabbedHeaderRenderer": {
                "channelId": a.platform_id,
                "title": a.name,
                "navigationEndpoint": {
                    "browseEndpoint": {
                        "browseId": a.platform_id,
                        "canonicalBaseUrl": f"/@{a.handle}",
                    }
                },
                "avatar": {"thumbnails": _thumbs(a)},
                "subscriberCountText": {
                    "accessibility": {"accessibilityData": {"label": subs}},
                    "simpleText": subs,
                },
                "channelHandleText": {"runs": [{"text": f"@{a.handle}"}]},
                "videosCountText": {"runs": [{"text": grouped(a.posts)}, {"text": " videos"}]},
                "tagline": {"channelTaglineRenderer": {"content": a.bio[:80]}},
            }
        }
    return {
        "pageHeaderRenderer": {
            "pageTitle": a.name,
            "content": {
                "pageHeaderViewModel": {
                    "title": {"dynamicTextViewModel": {"text": {"content": a.name}}},
                    "image": {
                        "decoratedAvatarViewModel": {
                            "avatar": {"avatarViewModel": {"image": {"sources": _thumbs(a)}}}
                        }
                    },
                    "metadata": {
                        "contentMetadataViewModel": {
                            "metadataRows": [
                                {"metadataParts": [{"text": {"content": f"@{a.handle}"}}]},
                                {
                                    "metadataParts": [
                                        {"text": {"content": subs}},
                                        {"text": {"content": videos}},
                                    ]
                                },
                            ],
                            "delimiter": "•",
                        }
                    },
                    "description": {
                        "descriptionPreviewViewModel": {"description": {"content": a.bio}}
                    },
                }
            },
        }
    }


def youtube_initial_data(a: Account) -> dict[str, object]:
    channel_url = f"https://www.youtube.com/channel/{a.platform_id}"
    return {
        "responseContext": {"serviceTrackingParams": [], "maxAgeSeconds": 300},
        "contents": {
            "twoColumnBrowseResultsRenderer": {
                "tabs": [
                    {
                        "tabRenderer": {
                            "title": "Home",
                            "selected": True,
                            "endpoint": {
                                "browseEndpoint": {
                                    "browseId": a.platform_id,
                                    "params": "EghmZWF0dXJlZPIGBAoCMgA%3D",
                                }
                            },
                        }
                    },
                    {
                        "tabRenderer": {
                            "title": "Videos",
                            "endpoint": {"browseEndpoint": {"browseId": a.platform_id}},
                        }
                    },
                ]
            }
        },
        "header": _yt_header(a),
        "metadata": {
            "channelMetadataRenderer": {
                "title": a.name,
                "description": a.bio,
                "rssUrl": f"https://www.youtube.com/feeds/videos.xml?channel_id={a.platform_id}",
                "externalId": a.platform_id,
                "keywords": f'"{a.name}"',
                "ownerUrls": [f"http://www.youtube.com/@{a.handle}"],
                "avatar": {"thumbnails": _thumbs(a, (900,))},
                "channelUrl": channel_url,
                "isFamilySafe": True,
                "androidDeepLink": f"android-app://com.google.android.youtube/http/www.youtube.com/channel/{a.platform_id}",
                "iosAppindexingLink": f"ios-app://544007664/vnd.youtube/www.youtube.com/channel/{a.platform_id}",
                "vanityChannelUrl": f"http://www.youtube.com/@{a.handle}",
            }
        },
        "microformat": {
            "microformatDataRenderer": {
                "urlCanonical": channel_url,
                "title": a.name,
                "description": a.bio,
                "thumbnail": {"thumbnails": _thumbs(a, (200,))},
                "siteName": "YouTube",
                "appName": "YouTube",
                "androidPackage": "com.google.android.youtube",
                "iosAppStoreId": "544007664",
                "ogType": "yt-fb-app:channel",
                "urlApplinksIos": f"vnd.youtube://www.youtube.com/channel/{a.platform_id}",
                "twitterCardType": "summary",
                "twitterSiteHandle": "@YouTube",
                "schemaDotOrgType": "http://schema.org/http://schema.org/YoutubeChannelV2",
                "noindex": False,
                "unlisted": False,
                "familySafe": True,
                "linkAlternates": [{"hrefUrl": f"https://m.youtube.com/channel/{a.platform_id}"}],
            }
        },
    }


def youtube_page(a: Account) -> Response:
    channel_url = f"https://www.youtube.com/channel/{a.platform_id}"
    data = json.dumps(youtube_initial_data(a), ensure_ascii=False, separators=(",", ":")).replace(
        "</", "<\\/"
    )
    head = "\n".join(
        [
            f"<title>{esc(a.name)} - YouTube</title>",
            f'<link rel="canonical" href="{channel_url}">',
            _meta("og:site_name", "YouTube"),
            _meta("og:url", channel_url),
            _meta("og:title", a.name),
            _meta("og:image", _thumbs(a, (900,))[0]["url"]),  # type: ignore[arg-type]
            _meta("og:description", a.bio),
            _meta("al:ios:url", f"vnd.youtube://www.youtube.com/channel/{a.platform_id}"),
            _meta("al:android:url", f"{channel_url}?feature=applinks"),
            _meta("description", a.bio, attr="name"),
        ]
    )
    body = (
        f'<div id="content"></div>\n<script nonce="{token(a.key, "nonce")}">var ytInitialData = {data};</script>\n'
        '<script nonce="x">if (window.ytcsi) {window.ytcsi.tick("pdr", null, \'\');}</script>'
    )
    return _page(
        _doc(
            head,
            body,
            html_attrs=' style="font-size: 10px;font-family: Roboto, Arial, sans-serif;"',
        )
    )


YOUTUBE_NOT_FOUND = _doc(
    "<title>404 Not Found</title>",
    '<div id="error-page"><p>This page isn\'t available. Sorry about that.</p>'
    "<p>Try searching for something else.</p></div>",
)


def _youtube_channel(world: WorldData, first: str, second: str | None) -> Account | None:
    if first.startswith("@"):
        return world.find("youtube", first[1:])
    if first == "channel" and second:
        return next((a for a in world.on("youtube") if a.live and a.platform_id == second), None)
    if first in ("c", "user") and second:
        wanted = second.lower()
        return next(
            (
                a
                for a in world.on("youtube")
                if a.live and wanted in (a.lower, (a.username or "").lower())
            ),
            None,
        )
    return None


def _youtube(world: WorldData, request: Request) -> Response:
    parts = [p for p in request.path.split("/") if p]
    if not parts:
        return _page(_doc("<title>YouTube</title>", '<div id="content"></div>'))
    if parts[0] == "watch":
        return _page(
            _doc(_meta("og:type", "video.other") + "<title>Video - YouTube</title>", "<div></div>")
        )
    account = _youtube_channel(world, parts[0], parts[1] if len(parts) > 1 else None)
    if account is None:
        return _page(YOUTUBE_NOT_FOUND, 404)
    return youtube_page(account)


# --- LinkedIn --------------------------------------------------------------------------------


def linkedin_page(a: Account) -> Response:
    slug = a.lower
    og_url = f"https://{a.og_host}/{a.kind}/{slug}"
    tagline, _, about = a.bio.partition(" | ")
    city, _, region = a.location.partition(", ")
    org = {
        "@context": "http://schema.org",
        "@type": "Organization",
        "name": a.name,
        "url": f"https://www.linkedin.com/{a.kind}/{slug}",
        "description": about or tagline,
        "address": {
            "@type": "PostalAddress",
            "addressLocality": city,
            "addressRegion": region,
            "addressCountry": "US",
        },
        "numberOfEmployees": {"value": 1200, "@type": "QuantitativeValue"},
    }
    if a.links:
        org["sameAs"] = a.links[0]
    head = "\n".join(
        [
            f"<title>{esc(a.name)} | LinkedIn</title>",
            _meta("og:title", f"{a.name} | LinkedIn"),
            _meta(
                "og:description",
                f"{a.name} | {grouped(a.followers)} followers on LinkedIn. {a.bio}",
            ),
            _meta("og:url", og_url),
            _meta("og:type", "article"),
            _meta(
                "og:image",
                f"https://media.licdn.com/dms/image/v2/{token(a.key)}/company-logo_200_200/0/",
            ),
            f'<link rel="canonical" href="{og_url}">',
            '<script type="application/ld+json">' + json.dumps(org) + "</script>",
        ]
    )
    return _page(_doc(head, '<main class="main" id="main-content"></main>'))


LINKEDIN_DENIED = (
    "<html><head><title>Request denied</title></head><body>Request denied</body></html>"
)
LINKEDIN_AUTHWALL = _doc(
    "<title>Sign Up | LinkedIn</title>" + _meta("og:url", "https://www.linkedin.com/authwall"),
    '<form action="/uas/login-submit"></form>',
)


def _linkedin(world: WorldData, request: Request) -> Response:
    parts = [p for p in request.path.split("/") if p]
    if len(parts) >= 2 and parts[0] in ("school", "company"):
        account = world.find("linkedin", parts[1])
        if account is not None and account.kind == parts[0]:
            return linkedin_page(account)
        if account is not None:  # LinkedIn redirects /school/x <-> /company/x
            return redirect(f"https://www.linkedin.com/{account.kind}/{account.lower}/")
        return _page(_doc("<title>Page not found | LinkedIn</title>", "<p>Page not found</p>"), 404)
    return _page(LINKEDIN_AUTHWALL)


# --- Bluesky (bsky.app) ------------------------------------------------------------------------


def bluesky_page(a: Account) -> Response:
    h = a.lower
    head = "\n".join(
        [
            f"<title>@{esc(h)} on Bluesky</title>",
            _meta("profile:username", h),
            _meta("og:url", f"https://bsky.app/profile/{h}"),
            _meta("og:title", f"{a.name} (@{h})"),
            _meta("description", a.bio, attr="name"),
            _meta("og:description", a.bio),
            _meta(
                "og:image",
                f"https://cdn.bsky.app/img/avatar/plain/{a.platform_id}/{token(a.key, length=40)}@jpeg",
            ),
            _meta("twitter:label1", "Account DID", attr="name"),
            _meta("twitter:value1", a.platform_id, attr="name"),
            f'<link rel="alternate" href="at://{a.platform_id}/app.bsky.actor.profile/self" />',
        ]
    )
    return _page(
        _doc(
            head, '<div id="root"></div><noscript><h1 lang="en">JavaScript Required</h1></noscript>'
        )
    )


# bskyweb renders its profile template without a profileView when getProfile fails: HTTP 200.
BLUESKY_EMPTY = _doc(
    "<title>Bluesky</title>" + _meta("og:title", "Bluesky"),
    '<div id="root"></div><noscript><h1 lang="en">JavaScript Required</h1></noscript>',
)


def _bsky_app(world: WorldData, request: Request) -> Response:
    parts = [p for p in request.path.split("/") if p]
    if len(parts) >= 2 and parts[0] == "profile":
        actor = parts[1].lower()
        account = next(
            (a for a in world.on("bluesky") if a.live and actor in (a.lower, a.platform_id)), None
        )
        if account is not None and len(parts) == 2:
            return bluesky_page(account)
    return _page(BLUESKY_EMPTY)


# --- Mastodon (web pages of the instance) -----------------------------------------------------


def mastodon_page(a: Account, instance: str) -> Response:
    acct = f"{a.mastodon_user}@{a.mastodon_domain}"
    head = "\n".join(
        [
            f"<title>{esc(a.name)} (@{esc(acct)}) - Mastodon</title>",
            _meta("og:site_name", "Mastodon"),
            _meta("og:type", "profile"),
            _meta("og:title", f"{a.name} (@{acct})"),
            _meta("og:description", a.bio),
            _meta("og:url", a.public_url),
            _meta("profile:username", acct),
            f'<link rel="alternate" type="application/activity+json" href="https://{a.mastodon_domain}/users/{a.mastodon_user}">',
        ]
    )
    return _page(
        _doc(head, '<div id="mastodon" data-props="{&quot;locale&quot;:&quot;en&quot;}"></div>')
    )


MASTODON_NOT_FOUND = _doc(
    "<title>The page you are looking for isn't here. - Mastodon</title>",
    "<div class='error'><h1>The page you are looking for isn't here.</h1></div>",
)


# --- hosts -----------------------------------------------------------------------------------

PageHandler = Callable[[WorldData, Request], Response]

PAGE_HOSTS: dict[str, PageHandler] = {
    "www.instagram.com": _instagram,
    "www.threads.com": _threads,
    "www.facebook.com": _facebook,
    "l.facebook.com": _l_facebook,
    "x.com": _x,
    "www.tiktok.com": _tiktok,
    "www.youtube.com": _youtube,
    "www.linkedin.com": _linkedin,
    "bsky.app": _bsky_app,
}

# Hosts that only redirect to the canonical host (as the real ones do).
ALIAS_HOSTS: dict[str, str] = {
    "instagram.com": "www.instagram.com",
    "facebook.com": "www.facebook.com",
    "m.facebook.com": "www.facebook.com",
    "twitter.com": "x.com",
    "mobile.twitter.com": "x.com",
    "www.threads.net": "www.threads.com",
    "threads.net": "www.threads.com",
    "youtube.com": "www.youtube.com",
    "m.youtube.com": "www.youtube.com",
    "tiktok.com": "www.tiktok.com",
    "linkedin.com": "www.linkedin.com",
}


def page_app(world: WorldData, host: str) -> App:
    handler = PAGE_HOSTS[host]

    def app(request: Request) -> Response:
        if request.path == "/robots.txt":
            return text_response(ROBOTS[host])
        return handler(world, request)

    return app


def alias_app(target: str) -> App:
    def app(request: Request) -> Response:
        query = "&".join(f"{quote(k)}={quote(v)}" for k, vs in request.query.items() for v in vs)
        return redirect(f"https://{target}{request.path}" + (f"?{query}" if query else ""))

    return app


def mastodon_web(world: WorldData, instance: str, request: Request) -> Response | None:
    """``/@user`` and ``/@user@domain`` pages of ``instance``; ``None`` for other paths."""
    parts = [p for p in request.path.split("/") if p]
    if not parts or not parts[0].startswith("@"):
        return None
    user, _, domain = parts[0][1:].partition("@")
    handle = user if not domain or domain == instance else f"{user}@{domain}"
    account = world.find("mastodon", handle)
    if account is None:
        return _page(MASTODON_NOT_FOUND, 404)
    return mastodon_page(account, instance)
