"""robots.txt of every host the sample world plays, modelled on the real files.

* facebook, instagram, threads, x, linkedin: the real files end with a catch-all
  ``User-agent: *`` / ``Disallow: /`` after an allow-list of named search-engine bots; so an
  honest crawler may not fetch their profile pages. (LinkedIn's real file does the same:
  "please email whitelist-crawl@linkedin.com" — profile pages are off limits.)
* youtube: the long-standing real file (disallows ``/comment``, ``/results``, ``/login``, ...);
  channel pages ``/@h``, ``/channel/UC…``, ``/c/…``, ``/user/…`` stay allowed.
* tiktok: a modelled partial file (TikTok's real one is not in our references): app-only and
  share/embed paths are disallowed, ``/@handle`` profile pages are allowed — consistent with
  ``crawler.platforms.tiktok.robots_blocks_crawlers = False``.
* bsky.app: allows everything (the real file says so and points to the API).
* mastodon.social: Mastodon's default ``public/robots.txt`` (profiles allowed).
* SearXNG: the default served by ``searx/webapp.py`` (``Disallow: /*?*q=*``), which is why the
  design calls the district's SearXNG as an API, not as crawled pages.
* the district: everything allowed except ``/staff-only/``.
"""

from __future__ import annotations

_META_NOTICE = """# Notice: Collection of data on {site} through automated means is
# prohibited unless you have express written permission from {owner}
# and may only be conducted for the limited purpose contained in said
# permission.
# See https://www.facebook.com/apps/site_scraping_tos_terms.php

User-agent: Applebot
Allow: /*?__tn__=*
Disallow: /ajax/
Disallow: /checkpoint/
Disallow: /login

User-agent: Bingbot
Disallow: /ajax/
Disallow: /checkpoint/
Disallow: /login

User-agent: Googlebot
Disallow: /ajax/
Disallow: /checkpoint/
Disallow: /login

User-agent: facebookexternalhit
Allow: /

User-agent: *
Disallow: /
"""

X = """# Google Search Engine Robot
# ==========================
User-agent: Googlebot
Allow: /*?lang=
Allow: /hashtag/*?src=
Allow: /search?q=%23
Allow: /i/api/
Disallow: /search/realtime
Disallow: /search/users
Disallow: /search/*/grid
Disallow: /*?
Disallow: /*/followers
Disallow: /*/following

# Every bot that might possibly read and respect this file
# ========================================================
User-agent: *
Disallow: /
"""

YOUTUBE = """# robots.txt file for YouTube
# Created in the distant future (the year 2000) after
# the robotic uprising of the mid 90's which wiped out all humans.

User-agent: Mediapartners-Google*
Disallow:

User-agent: *
Disallow: /api/
Disallow: /comment
Disallow: /feeds/videos.xml
Disallow: /get_video
Disallow: /get_video_info
Disallow: /get_midroll_info
Disallow: /live_chat
Disallow: /login
Disallow: /qr
Disallow: /results
Disallow: /signup
Disallow: /t/terms
Disallow: /timedtext_video
Disallow: /verify_age
Disallow: /watch_ajax
Disallow: /watch_fragments_ajax
Disallow: /watch_popup
Disallow: /watch_queue_ajax

Sitemap: https://www.youtube.com/sitemaps/sitemap.xml
Sitemap: https://www.youtube.com/product/sitemap.xml
"""

TIKTOK = """User-agent: *
Disallow: /inapp/
Disallow: /auth/
Disallow: /embed/
Disallow: /link/
Disallow: /share/
Disallow: /api/
Disallow: /login
Disallow: /search
Disallow: /*?*is_copy_url=

Sitemap: https://www.tiktok.com/sitemap.xml
"""

LINKEDIN = """# Notice: The use of robots or other automated means to access LinkedIn without
# the express permission of LinkedIn is strictly prohibited.
# See https://www.linkedin.com/legal/user-agreement.
# LinkedIn may, in its discretion, permit certain automated access to certain LinkedIn pages,
# for the limited purpose of including content in approved publicly available search engines.
# If you would like to apply for permission to crawl LinkedIn, please email whitelist-crawl@linkedin.com.
# Any and all permitted crawling of LinkedIn is subject to LinkedIn's Crawling Terms and Conditions.

User-agent: Googlebot
Disallow: /addContacts*
Disallow: /analytics/
Disallow: /search/

User-agent: bingbot
Disallow: /addContacts*
Disallow: /analytics/
Disallow: /search/

User-agent: *
Disallow: /
"""

BSKY_APP = """# Hello Friends!
# If you are considering bulk or automated crawling, you may want to look in to our protocol (API),
# including a firehose of updates. See: https://docs.bsky.app/
# By default, may crawl anything on this domain. HTTP 429 ("backoff") status codes are used for
# rate-limiting. Up to a handful concurrent requests should be ok.
User-Agent: *
Allow: /
"""

MASTODON = """# See http://www.robotstxt.org/robotstxt.html for documentation on how to use the robots.txt file

User-agent: GPTBot
Disallow: /

User-agent: *
Disallow: /media_proxy/
Disallow: /interact/
"""

SEARXNG = """User-agent: *
Disallow: /
Disallow: /stats
Disallow: /metrics
Disallow: /image_proxy
Disallow: /preferences
Disallow: /*?*q=*
"""

ALLOW_ALL = "User-agent: *\nAllow: /\n"


def district(host: str, disallow: tuple[str, ...]) -> str:
    rules = "".join(f"Disallow: {p}\n" for p in disallow)
    return f"User-agent: *\n{rules}Allow: /\n\nSitemap: https://{host}/sitemap.xml\n"


ROBOTS: dict[str, str] = {
    "www.instagram.com": _META_NOTICE.format(site="Instagram", owner="Instagram"),
    "www.threads.com": _META_NOTICE.format(site="Threads", owner="Meta"),
    "www.facebook.com": _META_NOTICE.format(site="Facebook", owner="Facebook"),
    "l.facebook.com": "User-agent: *\nDisallow: /\n",
    "x.com": X,
    "www.youtube.com": YOUTUBE,
    "www.tiktok.com": TIKTOK,
    "www.linkedin.com": LINKEDIN,
    "bsky.app": BSKY_APP,
    "mastodon.social": MASTODON,
    "public.api.bsky.app": ALLOW_ALL,
}

# Hosts whose robots.txt blocks profile pages for a generic crawler.
BLOCKED_PROFILE_HOSTS = frozenset(
    {"www.instagram.com", "www.threads.com", "www.facebook.com", "x.com", "www.linkedin.com"}
)
