"""Profile facts from web-search titles and snippets (the platforms' title formats, as the page parsers read them)."""

from __future__ import annotations

import pytest

from crawler.platforms import canonicalise
from crawler.platforms.search_result import profile_from_search


@pytest.mark.parametrize(
    ("url", "title", "snippet", "expected"),
    [
        (
            "https://www.instagram.com/pluto__travel/",
            "Pluto (@pluto__travel) • Instagram photos and videos",
            '2,362 Followers, 136 Following, 224 Posts - Pluto (@pluto__travel) on Instagram: "Travel with me"',
            {"display_name": "Pluto", "followers": 2362, "bio": "Travel with me"},
        ),
        ("https://x.com/uasmart", "SmartUA (@UaSmart) / X", None, {"display_name": "SmartUA"}),
        (
            "https://www.tiktok.com/@illojuan",
            "IlloJuan (@illojuan) | TikTok",
            "IlloJuan (@illojuan) on TikTok | 3.9M Likes. 783.4K Followers.",
            {"display_name": "IlloJuan", "followers": 783400},
        ),
        (
            "https://www.threads.com/@zuck",
            "Mark Zuckerberg (@zuck) • Threads, Say more",
            "5.5M Followers • 145 Threads • bio",
            {"display_name": "Mark Zuckerberg", "followers": 5_500_000},
        ),
        (
            "https://www.facebook.com/narendramodi",
            "Narendra Modi | Facebook",
            "Narendra Modi. 42,217,774 likes · 969,810 talking about this.",
            {"display_name": "Narendra Modi", "followers": 42_217_774},
        ),
        (
            "https://www.facebook.com/narendramodi",
            "Narendra Modi - Home | Facebook",
            None,
            {"display_name": "Narendra Modi"},
        ),
        (
            "https://www.linkedin.com/company/audiense/",
            "Audiense | LinkedIn",
            "Audiense | 5,750 followers on LinkedIn.",
            {"display_name": "Audiense", "followers": 5750},
        ),
        # a title about someone else (a post that mentions the account) says nothing of it
        (
            "https://www.instagram.com/pluto__travel/",
            "Other (@someone_else) • Instagram photos and videos",
            None,
            {},
        ),
        ("https://x.com/uasmart", "Breaking news from somewhere", None, {}),
        ("https://x.com/uasmart", None, None, {}),
    ],
)
def test_profile_from_search(url, title, snippet, expected):
    ref = canonicalise(url)
    assert ref is not None
    assert profile_from_search(ref, title, snippet) == expected
