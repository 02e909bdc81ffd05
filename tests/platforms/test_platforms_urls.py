"""URL canonicalisation, one row per case: accounts map to one canonical form, the rest get a reason."""

from __future__ import annotations

import pytest

from crawler.platforms import AccountRef, canonicalise, classify, platform_for_url

INSTANCES = ("mastodon.social", "fosstodon.org")


def acc(raw, platform, handle, url, platform_id=None, needs_resolution=False, *, id=None):
    ref = AccountRef(platform, handle, url, platform_id, needs_resolution)
    return pytest.param(raw, ref, id=id or raw)


def no(raw, platform, reason, *, id=None):
    return pytest.param(raw, (platform, reason), id=id or raw)


IG = "https://www.instagram.com/sheyenne_mustangs/"
FB = "https://www.facebook.com/westfargopublicschools"
X = "https://x.com/wfpackers"

ACCOUNTS = [
    # --- Instagram
    acc("https://www.instagram.com/sheyenne_mustangs/", "instagram", "sheyenne_mustangs", IG),
    acc("https://instagram.com/Sheyenne_Mustangs", "instagram", "sheyenne_mustangs", IG),
    acc("http://m.instagram.com/sheyenne_mustangs?hl=en", "instagram", "sheyenne_mustangs", IG),
    acc("instagram.com/sheyenne_mustangs/?igsh=MWZ4c2R5", "instagram", "sheyenne_mustangs", IG),
    acc("https://instagr.am/sheyenne_mustangs", "instagram", "sheyenne_mustangs", IG),
    acc("https://www.instagram.com/sheyenne_mustangs/reels/", "instagram", "sheyenne_mustangs", IG),
    acc(
        "https://www.instagram.com/sheyenne_mustangs/tagged/#top",
        "instagram",
        "sheyenne_mustangs",
        IG,
    ),
    acc(
        "https://www.instagram.com/sheyenne.mustangs/",
        "instagram",
        "sheyenne.mustangs",
        "https://www.instagram.com/sheyenne.mustangs/",
        id="ig-dot-is-a-different-account",
    ),
    acc(
        "  https://www.instagram.com/sheyenne_mustangs  ",
        "instagram",
        "sheyenne_mustangs",
        IG,
        id="ig-surrounding-whitespace",
    ),
    acc(
        "//www.instagram.com/sheyenne_mustangs",
        "instagram",
        "sheyenne_mustangs",
        IG,
        id="ig-scheme-relative",
    ),
    acc(
        "https://www.instagram.com:443/sheyenne_mustangs",
        "instagram",
        "sheyenne_mustangs",
        IG,
        id="ig-port",
    ),
    acc(
        "https://www.instagram.com./sheyenne_mustangs",
        "instagram",
        "sheyenne_mustangs",
        IG,
        id="ig-fqdn-dot",
    ),
    # --- Facebook
    acc(
        "https://www.facebook.com/WestFargoPublicSchools", "facebook", "westfargopublicschools", FB
    ),
    acc("https://m.facebook.com/westfargopublicschools/", "facebook", "westfargopublicschools", FB),
    acc(
        "https://mbasic.facebook.com/westfargopublicschools?ref=bookmarks",
        "facebook",
        "westfargopublicschools",
        FB,
    ),
    acc(
        "https://web.facebook.com/westfargopublicschools#", "facebook", "westfargopublicschools", FB
    ),
    acc(
        "https://business.facebook.com/westfargopublicschools/about",
        "facebook",
        "westfargopublicschools",
        FB,
    ),
    acc("https://fb.com/westfargopublicschools", "facebook", "westfargopublicschools", FB),
    acc(
        "http://facebook.com/westfargopublicschools/posts",
        "facebook",
        "westfargopublicschools",
        FB,
        id="fb-posts-tab",
    ),
    acc(
        "https://www.facebook.com/westfargopublicschools/videos/",
        "facebook",
        "westfargopublicschools",
        FB,
        id="fb-videos-tab",
    ),
    acc(
        "https://www.facebook.com/pg/westfargopublicschools/events/",
        "facebook",
        "westfargopublicschools",
        FB,
    ),
    acc(
        "https://www.facebook.com/profile.php?id=100064591945837",
        "facebook",
        "100064591945837",
        "https://www.facebook.com/profile.php?id=100064591945837",
        "100064591945837",
    ),
    acc(
        "https://m.facebook.com/profile.php?id=100064591945837&sk=about&ref=x",
        "facebook",
        "100064591945837",
        "https://www.facebook.com/profile.php?id=100064591945837",
        "100064591945837",
    ),
    acc(
        "https://www.facebook.com/people/Sheyenne-Mustangs/100064591945837/",
        "facebook",
        "100064591945837",
        "https://www.facebook.com/profile.php?id=100064591945837",
        "100064591945837",
    ),
    acc(
        "https://www.facebook.com/100064591945837",
        "facebook",
        "100064591945837",
        "https://www.facebook.com/profile.php?id=100064591945837",
        "100064591945837",
        id="fb-numeric-path",
    ),
    acc(
        "https://www.facebook.com/pages/Sheyenne-Mustangs/100064591945837",
        "facebook",
        "100064591945837",
        "https://www.facebook.com/profile.php?id=100064591945837",
        "100064591945837",
        id="fb-old-pages-form",
    ),
    acc(
        "https://www.facebook.com/Sheyenne-High-School-100064591945837/",
        "facebook",
        "100064591945837",
        "https://www.facebook.com/profile.php?id=100064591945837",
        "100064591945837",
        id="fb-name-dash-id",
    ),
    # --- X
    acc("https://x.com/WFPackers", "x", "wfpackers", X),
    acc("https://twitter.com/wfpackers", "x", "wfpackers", X),
    acc("https://mobile.twitter.com/wfpackers?lang=en", "x", "wfpackers", X),
    acc("https://www.twitter.com/wfpackers/", "x", "wfpackers", X),
    acc("https://fxtwitter.com/wfpackers", "x", "wfpackers", X),
    acc("https://vxtwitter.com/wfpackers/media", "x", "wfpackers", X),
    acc("https://fixupx.com/wfpackers/likes", "x", "wfpackers", X),
    acc("https://x.com/wfpackers/with_replies?s=20", "x", "wfpackers", X),
    acc("http://twitter.com/#!/WFPackers", "x", "wfpackers", X, id="x-hashbang"),
    acc(
        "https://twitter.com/intent/follow?screen_name=WFPackers",
        "x",
        "wfpackers",
        X,
        id="x-follow-button",
    ),
    acc(
        "https://x.com/wfpackers_",
        "x",
        "wfpackers_",
        "https://x.com/wfpackers_",
        id="x-underscore-different",
    ),
    # --- YouTube
    acc(
        "https://www.youtube.com/@WestFargoSchools",
        "youtube",
        "westfargoschools",
        "https://www.youtube.com/@westfargoschools",
    ),
    acc(
        "https://m.youtube.com/@westfargoschools/videos",
        "youtube",
        "westfargoschools",
        "https://www.youtube.com/@westfargoschools",
    ),
    acc(
        "https://music.youtube.com/@westfargoschools",
        "youtube",
        "westfargoschools",
        "https://www.youtube.com/@westfargoschools",
    ),
    acc(
        "youtube.com/@westfargoschools/featured?si=abc",
        "youtube",
        "westfargoschools",
        "https://www.youtube.com/@westfargoschools",
    ),
    acc(
        "https://www.youtube.com/@westfargoschools/streams",
        "youtube",
        "westfargoschools",
        "https://www.youtube.com/@westfargoschools",
    ),
    acc(
        "https://www.youtube.com/@westfargoschools/shorts",
        "youtube",
        "westfargoschools",
        "https://www.youtube.com/@westfargoschools",
        id="yt-shorts-tab",
    ),
    acc(
        "https://www.youtube.com/@%77estfargoschools",
        "youtube",
        "westfargoschools",
        "https://www.youtube.com/@westfargoschools",
        id="yt-percent-encoded",
    ),
    acc(
        "https://www.youtube.com/channel/UC_x5XG1OV2P6uZZ5FSM9Ttw",
        "youtube",
        "UC_x5XG1OV2P6uZZ5FSM9Ttw",
        "https://www.youtube.com/channel/UC_x5XG1OV2P6uZZ5FSM9Ttw",
        "UC_x5XG1OV2P6uZZ5FSM9Ttw",
    ),
    acc(
        "https://m.youtube.com/channel/UC_x5XG1OV2P6uZZ5FSM9Ttw/about",
        "youtube",
        "UC_x5XG1OV2P6uZZ5FSM9Ttw",
        "https://www.youtube.com/channel/UC_x5XG1OV2P6uZZ5FSM9Ttw",
        "UC_x5XG1OV2P6uZZ5FSM9Ttw",
    ),
    acc(
        "https://www.youtube.com/channel/UC_X5XG1OV2P6uZZ5FSM9Ttw",
        "youtube",
        "UC_X5XG1OV2P6uZZ5FSM9Ttw",
        "https://www.youtube.com/channel/UC_X5XG1OV2P6uZZ5FSM9Ttw",
        "UC_X5XG1OV2P6uZZ5FSM9Ttw",
        id="yt-channel-id-case-kept",
    ),
    acc(
        "https://www.youtube.com/c/GoogleDevelopers",
        "youtube",
        "googledevelopers",
        "https://www.youtube.com/c/googledevelopers",
        needs_resolution=True,
    ),
    acc(
        "https://www.youtube.com/user/GoogleDevelopers/videos",
        "youtube",
        "googledevelopers",
        "https://www.youtube.com/user/googledevelopers",
        needs_resolution=True,
    ),
    acc(
        "https://www.youtube.com/GoogleDevelopers",
        "youtube",
        "googledevelopers",
        "https://www.youtube.com/googledevelopers",
        needs_resolution=True,
        id="yt-bare-legacy-name",
    ),
    # --- TikTok
    acc(
        "https://www.tiktok.com/@illojuan", "tiktok", "illojuan", "https://www.tiktok.com/@illojuan"
    ),
    acc(
        "https://tiktok.com/@IlloJuan?lang=es",
        "tiktok",
        "illojuan",
        "https://www.tiktok.com/@illojuan",
    ),
    acc(
        "https://m.tiktok.com/@illojuan/", "tiktok", "illojuan", "https://www.tiktok.com/@illojuan"
    ),
    acc(
        "tiktok.com/@illojuan?_t=8k&_r=1", "tiktok", "illojuan", "https://www.tiktok.com/@illojuan"
    ),
    acc(
        "https://www.tiktok.com/@shs.mustangs_",
        "tiktok",
        "shs.mustangs_",
        "https://www.tiktok.com/@shs.mustangs_",
    ),
    acc(
        "https://www.tiktok.com/%40illojuan",
        "tiktok",
        "illojuan",
        "https://www.tiktok.com/@illojuan",
        id="tt-percent-at",
    ),
    # --- Threads
    acc("https://www.threads.net/@zuck", "threads", "zuck", "https://www.threads.com/@zuck"),
    acc("https://threads.net/@Zuck/", "threads", "zuck", "https://www.threads.com/@zuck"),
    acc(
        "https://www.threads.com/@zuck?xmt=AQG", "threads", "zuck", "https://www.threads.com/@zuck"
    ),
    acc(
        "https://www.threads.com/@zuck/replies", "threads", "zuck", "https://www.threads.com/@zuck"
    ),
    acc("threads.com/@zuck", "threads", "zuck", "https://www.threads.com/@zuck"),
    # --- Bluesky
    acc(
        "https://bsky.app/profile/WestFargo.bsky.social",
        "bluesky",
        "westfargo.bsky.social",
        "https://bsky.app/profile/westfargo.bsky.social",
    ),
    acc(
        "https://bsky.app/profile/westfargo.k12.nd.us/",
        "bluesky",
        "westfargo.k12.nd.us",
        "https://bsky.app/profile/westfargo.k12.nd.us",
    ),
    acc(
        "https://bsky.app/profile/westfargo.bsky.social/follows",
        "bluesky",
        "westfargo.bsky.social",
        "https://bsky.app/profile/westfargo.bsky.social",
    ),
    acc(
        "https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur",
        "bluesky",
        "did:plc:z72i7hdynmk6r22z27h6tvur",
        "https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur",
        "did:plc:z72i7hdynmk6r22z27h6tvur",
    ),
    acc(
        "bsky.app/profile/westfargo.bsky.social?ref=x",
        "bluesky",
        "westfargo.bsky.social",
        "https://bsky.app/profile/westfargo.bsky.social",
    ),
    # --- LinkedIn
    acc(
        "https://www.linkedin.com/school/west-fargo-public-schools/",
        "linkedin",
        "west-fargo-public-schools",
        "https://www.linkedin.com/school/west-fargo-public-schools/",
    ),
    acc(
        "https://uk.linkedin.com/company/Audiense",
        "linkedin",
        "audiense",
        "https://www.linkedin.com/company/audiense/",
    ),
    acc(
        "https://linkedin.com/company/audiense/about/?trk=x",
        "linkedin",
        "audiense",
        "https://www.linkedin.com/company/audiense/",
    ),
    acc(
        "https://ca.linkedin.com/company/audiense/posts/",
        "linkedin",
        "audiense",
        "https://www.linkedin.com/company/audiense/",
    ),
    acc(
        "https://www.linkedin.com/showcase/wf-athletics",
        "linkedin",
        "wf-athletics",
        "https://www.linkedin.com/showcase/wf-athletics/",
    ),
    acc(
        "https://www.linkedin.com/in/jane-doe-123/",
        "linkedin",
        "jane-doe-123",
        "https://www.linkedin.com/in/jane-doe-123/",
        id="li-person-is-an-account",
    ),
    # --- Mastodon (configured instances only)
    acc(
        "https://mastodon.social/@WestFargo",
        "mastodon",
        "westfargo@mastodon.social",
        "https://mastodon.social/@westfargo",
    ),
    acc(
        "https://mastodon.social/@westfargo/with_replies",
        "mastodon",
        "westfargo@mastodon.social",
        "https://mastodon.social/@westfargo",
    ),
    acc(
        "https://mastodon.social/users/westfargo",
        "mastodon",
        "westfargo@mastodon.social",
        "https://mastodon.social/@westfargo",
    ),
    acc(
        "https://mastodon.social/web/@westfargo",
        "mastodon",
        "westfargo@mastodon.social",
        "https://mastodon.social/@westfargo",
    ),
    acc(
        "https://fosstodon.org/@westfargo@mastodon.social",
        "mastodon",
        "westfargo@mastodon.social",
        "https://mastodon.social/@westfargo",
        id="mastodon-remote-form",
    ),
    acc(
        "https://MASTODON.SOCIAL/@westfargo/",
        "mastodon",
        "westfargo@mastodon.social",
        "https://mastodon.social/@westfargo",
    ),
    # --- redirect wrappers
    acc(
        "https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.instagram.com%2Fsheyenne_mustangs%2F&h=AT0",
        "instagram",
        "sheyenne_mustangs",
        IG,
        id="wrap-facebook",
    ),
    acc(
        "https://www.google.com/url?q=https://twitter.com/wfpackers&sa=D&ust=1",
        "x",
        "wfpackers",
        X,
        id="wrap-google",
    ),
    acc(
        "https://www.youtube.com/redirect?event=channel&q=https%3A%2F%2Fx.com%2Fwfpackers",
        "x",
        "wfpackers",
        X,
        id="wrap-youtube",
    ),
    acc(
        "//duckduckgo.com/l/?uddg=https%3A%2F%2Fwww.facebook.com%2Fwestfargopublicschools&rut=abc",
        "facebook",
        "westfargopublicschools",
        FB,
        id="wrap-duckduckgo",
    ),
    acc(
        "https://www.google.com/url?q=https%3A%2F%2Fl.facebook.com%2Fl.php%3Fu%3Dhttps%253A%252F%252Fx.com%252Fwfpackers",
        "x",
        "wfpackers",
        X,
        id="wrap-nested",
    ),
]

NOT_ACCOUNTS = [
    # --- Instagram
    no("https://www.instagram.com/", "instagram", "home page"),
    no("https://www.instagram.com/p/CPeC-Eenc8l/", "instagram", "post"),
    no("https://www.instagram.com/sheyenne_mustangs/p/CPeC-Eenc8l/", "instagram", "post"),
    no("https://www.instagram.com/reel/C1abc/", "instagram", "video"),
    no("https://www.instagram.com/tv/C1abc/", "instagram", "video"),
    no("https://www.instagram.com/stories/sheyenne_mustangs/3312/", "instagram", "story"),
    no("https://www.instagram.com/explore/tags/mustangs/", "instagram", "hashtag"),
    no("https://www.instagram.com/accounts/login/?next=/x/", "instagram", "login page"),
    no("https://www.instagram.com/direct/inbox/", "instagram", "reserved path"),
    no("https://www.instagram.com/share/abc123", "instagram", "share link"),
    no("https://www.instagram.com/sheyenne..mustangs/", "instagram", "invalid handle"),
    no(
        "https://www.instagram.com/" + "a" * 31 + "/",
        "instagram",
        "invalid handle",
        id="ig-handle-too-long",
    ),
    # --- Facebook
    no("https://www.facebook.com/", "facebook", "home page"),
    no("https://www.facebook.com/westfargopublicschools/posts/pfbid0abc", "facebook", "post"),
    no("https://www.facebook.com/westfargopublicschools/videos/1234567890/", "facebook", "video"),
    no("https://www.facebook.com/westfargopublicschools/photos/a.1/2/", "facebook", "photo"),
    no("https://www.facebook.com/groups/123456789/", "facebook", "group"),
    no("https://www.facebook.com/events/123456789/", "facebook", "event"),
    no("https://www.facebook.com/watch/?v=123", "facebook", "video"),
    no("https://www.facebook.com/photo.php?fbid=1", "facebook", "photo"),
    no("https://www.facebook.com/permalink.php?story_fbid=1&id=2", "facebook", "post"),
    no("https://m.facebook.com/story.php?story_fbid=1&id=2", "facebook", "post"),
    no(
        "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fexample.org",
        "facebook",
        "share link",
    ),
    no("https://www.facebook.com/share/abc123/", "facebook", "share link"),
    no("https://www.facebook.com/login/?next=%2Fwestfargo", "facebook", "login page"),
    no("https://www.facebook.com/help/123", "facebook", "help page"),
    no("https://www.facebook.com/hashtag/mustangs", "facebook", "hashtag"),
    no("https://www.facebook.com/marketplace/item/1", "facebook", "reserved path"),
    no("https://www.facebook.com/plugins/page.php?href=x", "facebook", "reserved path"),
    no(
        "https://www.facebook.com/profile.php",
        "facebook",
        "invalid handle",
        id="fb-profile-php-without-id",
    ),
    no("https://www.facebook.com/profile.php?id=abc", "facebook", "invalid handle"),
    # --- X
    no("https://x.com/", "x", "home page"),
    no("https://x.com/home", "x", "home page"),
    no("https://x.com/wfpackers/status/1790000000000000000", "x", "post"),
    no("https://twitter.com/wfpackers/status/1790000000000000000/photo/1", "x", "post"),
    no("https://x.com/hashtag/Mustangs", "x", "hashtag"),
    no("https://x.com/search?q=mustangs", "x", "search"),
    no("https://twitter.com/intent/tweet?text=hi", "x", "share link"),
    no("https://x.com/i/lists/123", "x", "reserved path"),
    no("https://x.com/login", "x", "login page"),
    no("https://x.com/explore", "x", "reserved path"),
    no("https://x.com/this_is_way_too_long_for_x", "x", "invalid handle"),
    no("https://x.com/wf-packers", "x", "invalid handle"),
    # --- YouTube
    no("https://www.youtube.com/", "youtube", "home page"),
    no("https://youtu.be/dQw4w9WgXcQ", "youtube", "video"),
    no("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", "video"),
    no("https://www.youtube.com/shorts/dQw4w9WgXcQ", "youtube", "video"),
    no("https://www.youtube.com/playlist?list=PL123", "youtube", "playlist"),
    no("https://www.youtube.com/results?search_query=mustangs", "youtube", "search"),
    no("https://www.youtube.com/hashtag/mustangs", "youtube", "hashtag"),
    no("https://www.youtube.com/embed/dQw4w9WgXcQ", "youtube", "video"),
    no("https://www.youtube.com/@westfargoschools/live", "youtube", "video"),
    no("https://www.youtube.com/feed/trending", "youtube", "feed"),
    no("https://www.youtube.com/channel/UCshort", "youtube", "invalid handle"),
    no("https://www.youtube.com/@ab", "youtube", "invalid handle", id="yt-handle-too-short"),
    no("https://www.youtube.com/t/terms", "youtube", "reserved path"),
    # --- TikTok
    no("https://www.tiktok.com/", "tiktok", "home page"),
    no("https://www.tiktok.com/@illojuan/video/7000000000000000000", "tiktok", "video"),
    no("https://www.tiktok.com/@illojuan/photo/7000000000000000000", "tiktok", "post"),
    no("https://vm.tiktok.com/ZMabc123/", "tiktok", "short link"),
    no("https://vt.tiktok.com/ZSabc123/", "tiktok", "short link"),
    no("https://www.tiktok.com/t/ZTabc123/", "tiktok", "short link"),
    no("https://www.tiktok.com/tag/mustangs", "tiktok", "hashtag"),
    no("https://www.tiktok.com/music/song-123", "tiktok", "reserved path"),
    no("https://www.tiktok.com/discover/mustangs", "tiktok", "search"),
    no("https://www.tiktok.com/embed/v2/7000", "tiktok", "video"),
    no("https://www.tiktok.com/@a", "tiktok", "invalid handle"),
    no("https://www.tiktok.com/illojuan", "tiktok", "reserved path", id="tt-missing-at"),
    # --- Threads
    no("https://www.threads.com/", "threads", "home page"),
    no("https://www.threads.com/@zuck/post/C1abc", "threads", "post"),
    no("https://www.threads.net/login", "threads", "login page"),
    no("https://www.threads.com/search?q=x", "threads", "search"),
    no("https://www.threads.com/@zu..ck", "threads", "invalid handle"),
    # --- Bluesky
    no("https://bsky.app/", "bluesky", "home page"),
    no("https://bsky.app/profile/westfargo.bsky.social/post/3kabc", "bluesky", "post"),
    no("https://bsky.app/profile/westfargo.bsky.social/feed/whats-hot", "bluesky", "feed"),
    no("https://bsky.app/search?q=mustangs", "bluesky", "search"),
    no("https://bsky.app/hashtag/mustangs", "bluesky", "hashtag"),
    no("https://bsky.app/profile/not_a_domain", "bluesky", "invalid handle"),
    no("https://bsky.app/profile/handle.invalid", "bluesky", "invalid handle"),
    # --- LinkedIn
    no("https://www.linkedin.com/", "linkedin", "home page"),
    no("https://www.linkedin.com/posts/audiense_activity-123", "linkedin", "post"),
    no("https://www.linkedin.com/feed/update/urn:li:activity:1/", "linkedin", "feed"),
    no("https://www.linkedin.com/groups/12345/", "linkedin", "group"),
    no("https://www.linkedin.com/events/12345/", "linkedin", "event"),
    no("https://www.linkedin.com/authwall?trk=x", "linkedin", "login page"),
    no("https://www.linkedin.com/shareArticle?url=x", "linkedin", "share link"),
    no("https://www.linkedin.com/company/", "linkedin", "reserved path"),
    no("https://www.linkedin.com/jobs/view/1", "linkedin", "reserved path"),
    no("https://www.linkedin.com/pulse/some-article", "linkedin", "post"),
    # --- Mastodon
    no("https://mastodon.social/@westfargo/112233445566", "mastodon", "post"),
    no("https://mastodon.social/tags/mustangs", "mastodon", "hashtag"),
    no("https://mastodon.social/explore", "mastodon", "search"),
    no("https://mastodon.social/", "mastodon", "home page"),
    no("https://mastodon.social/about", "mastodon", "reserved path"),
    no(
        "https://unconfigured.example/@westfargo",
        None,
        "not a social platform",
        id="mastodon-unconfigured",
    ),
    # --- not social, look-alikes, hostile input
    no("https://www.west-fargo.k12.nd.us/shs", None, "not a social platform"),
    no("https://instagram.com.evil.example/sheyenne_mustangs", None, "look-alike host"),
    no("https://evilinstagram.com/sheyenne_mustangs", None, "look-alike host"),
    no("https://example.org/instagram.com/sheyenne_mustangs", None, "look-alike host"),
    no(
        "https://www.instagram.com@evil.example/sheyenne_mustangs",
        None,
        "look-alike host",
        id="userinfo-trick",
    ),
    no("https://x.com.evil.example/wfpackers", None, "look-alike host"),
    no("https://dropbox.com/s/x", None, "not a social platform", id="x-com-substring-is-not-x"),
    no("https://xn--nstagram-1fa.com/foo", None, "not a social platform", id="punycode-host"),
    no("https://ınstagram.com/foo", None, "not a social platform", id="unicode-host"),
    no("@sheyenne_mustangs", None, "invalid url", id="bare-at-handle"),
    no("sheyenne_mustangs", None, "invalid url", id="bare-word"),
    no("", None, "invalid url", id="empty"),
    no("   ", None, "invalid url", id="blank"),
    no("javascript:alert(document.cookie)", None, "invalid url"),
    no(
        "JaVaScRiPt://www.instagram.com/%0aalert(1)", None, "invalid url", id="javascript-with-host"
    ),
    no("data:text/html,<script>alert(1)</script>", None, "invalid url"),
    no("mailto:pr@west-fargo.k12.nd.us", None, "invalid url"),
    no("ftp://instagram.com/foo", None, "invalid url"),
    no("https://www.instagram.com/foo\x00bar", None, "invalid url", id="nul"),
    no("https://www.instagram.com/foo\nbar", None, "invalid url", id="newline"),
    no("https://www.instagram.com/foo bar", None, "invalid url", id="inner-space"),
    no("https://www.instagram.com:99999/foo", None, "invalid url", id="bad-port"),
    no("https://[::1/foo", None, "invalid url", id="broken-ipv6"),
    no("http://[2001:db8::1]:8080/instagram", None, "not a social platform", id="ipv6-host"),
    no("https://www.instagram.com/" + "a" * 10_000, None, "invalid url", id="10kB"),
    no(
        "https://l.facebook.com/l.php?u=javascript%3Aalert(1)",
        None,
        "invalid url",
        id="wrapped-javascript",
    ),
]


@pytest.mark.parametrize(("raw", "expected"), ACCOUNTS)
def test_account_urls_canonicalise(raw: str, expected: AccountRef) -> None:
    verdict = classify(raw, mastodon_instances=INSTANCES)
    assert verdict.account == expected
    assert verdict.is_account
    assert verdict.reason == ""
    assert verdict.platform == expected.platform
    assert verdict.input == raw


@pytest.mark.parametrize(("raw", "expected"), NOT_ACCOUNTS)
def test_non_accounts_get_a_reason(raw: str, expected: tuple[str | None, str]) -> None:
    verdict = classify(raw, mastodon_instances=INSTANCES)
    assert (verdict.platform, verdict.reason) == expected
    assert verdict.account is None
    assert not verdict.is_account


@pytest.mark.parametrize(("raw", "expected"), ACCOUNTS)
def test_canonical_url_is_a_fixed_point(raw: str, expected: AccountRef) -> None:
    assert canonicalise(expected.url, mastodon_instances=INSTANCES) == expected


def test_every_platform_has_at_least_ten_rows() -> None:
    counts: dict[str, int] = {}
    for row in ACCOUNTS + NOT_ACCOUNTS:
        value = row.values[1]
        name = value.platform if isinstance(value, AccountRef) else value[0]
        counts[name] = counts.get(name, 0) + 1
    for name in (
        "facebook",
        "instagram",
        "x",
        "youtube",
        "tiktok",
        "threads",
        "bluesky",
        "linkedin",
        "mastodon",
    ):
        assert counts.get(name, 0) >= 10, name


def test_different_accounts_never_share_a_canonical_url() -> None:
    refs = {row.values[1] for row in ACCOUNTS}
    by_url: dict[str, AccountRef] = {}
    for ref in refs:
        assert by_url.setdefault(ref.url, ref) == ref


def test_mastodon_needs_configured_instances() -> None:
    assert canonicalise("https://mastodon.social/@westfargo") is None
    ref = canonicalise(
        "https://mastodon.social/@westfargo", mastodon_instances=["https://Mastodon.Social/"]
    )
    assert ref is not None and ref.handle == "westfargo@mastodon.social"


def test_platform_for_url() -> None:
    assert platform_for_url("https://www.instagram.com/p/abc/") == "instagram"
    assert platform_for_url("https://twitter.com/wfpackers") == "x"
    assert platform_for_url("https://example.org/") is None
    assert platform_for_url("not a url") is None


def test_classify_accepts_non_strings_without_raising() -> None:
    verdict = classify(None)  # type: ignore[arg-type]
    assert verdict.reason == "invalid url" and not verdict.is_account
