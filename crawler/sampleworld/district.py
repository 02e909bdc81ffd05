"""A district's own web site in the sample world (e.g. ``www.west-fargo.k12.nd.us`` and one
school sub-domain), built from ``district_site`` in the district's ``world.yaml``; titles,
footer and "not found" page carry the ``district:`` block's name and address.

What a district_site crawler meets: ``robots.txt`` (with a disallowed ``/staff-only/``),
``/sitemap.xml`` as a sitemap index with child sitemaps (which, like many real CMS sitemaps,
also list the disallowed page), HTML pages with navigation, social links in URL variants and
redirect wrappers, external links, a PDF, and 404s.
"""

from __future__ import annotations

from crawler.sampleworld.data import District, SitePage, WorldData
from crawler.sampleworld.formats import esc
from crawler.sampleworld.robots import district as district_robots
from crawler.sampleworld.server import App, Request, Response, text_response

LASTMOD = "2026-08-14"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def page_html(page: SitePage, nav: list[SitePage], district: District) -> str:
    name = esc(district.name)
    menu = "".join(f'<li><a href="{esc(p.path)}">{esc(p.title)}</a></li>' for p in nav)
    links = "".join(
        f'<li><a href="{esc(href)}" target="_blank" rel="noopener">{esc(text)}</a></li>'
        for href, text in page.links
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(page.title)} | {name}</title>\n"
        f'<meta name="description" content="{esc(page.intro)}">\n'
        f'<link rel="canonical" href="https://{page.host}{esc(page.path)}">\n'
        '<link rel="stylesheet" href="/static/site.css">\n</head>\n<body>\n'
        f'<header><a class="logo" href="/">{name}</a><nav><ul>{menu}</ul></nav></header>\n'
        f'<main><h1>{esc(page.title)}</h1>\n<p>{esc(page.intro)}</p>\n<ul class="links">{links}</ul></main>\n'
        f"<footer><p>{name}, {esc(district.address)}</p>"
        f'<a href="/staff-only/">Staff login</a> <a href="mailto:communications@{esc(district.domain)}">Contact</a>'
        "</footer>\n</body>\n</html>\n"
    )


def _urlset(host: str, paths: list[str]) -> str:
    urls = "".join(
        f"<url><loc>https://{host}{esc(p)}</loc><lastmod>{LASTMOD}</lastmod></url>" for p in paths
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'
    )


def _sitemap_index(host: str, children: list[str]) -> str:
    items = "".join(
        f"<sitemap><loc>https://{host}{c}</loc><lastmod>{LASTMOD}</lastmod></sitemap>"
        for c in children
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>\n'
    )


def not_found(district: District) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><title>Page not found | {esc(district.name)}</title></head>'
        "<body><h1>Page not found</h1><p>The page you requested could not be found.</p>"
        '<a href="/">Home</a></body></html>'
    )


def district_app(world: WorldData, host: str) -> App:
    district = world.district_of_host(host)
    if district is None:
        raise KeyError(f"no district web site at {host}")
    pages = {p.path: p for p in world.site_pages if p.host == host}
    disallow = world.robots_disallow.get(host, ())
    nav = [
        p
        for p in pages.values()
        if p.path.count("/") == 1 and not any(p.path.startswith(d) for d in disallow)
    ][:8]
    school_paths = sorted(p for p in pages if p.count("/") == 1 and p != "/")
    other_paths = sorted(p for p in pages if p not in school_paths)
    split_sitemaps = len(pages) > 3

    def app(request: Request) -> Response:
        path = request.path
        if path == "/robots.txt":
            return text_response(district_robots(host, disallow))
        if path == "/sitemap.xml":
            if split_sitemaps:
                return Response(
                    200,
                    _sitemap_index(host, ["/sitemap-pages.xml", "/sitemap-schools.xml"]),
                    "application/xml; charset=utf-8",
                )
            return Response(200, _urlset(host, sorted(pages)), "application/xml; charset=utf-8")
        if split_sitemaps and path == "/sitemap-pages.xml":
            return Response(200, _urlset(host, other_paths), "application/xml; charset=utf-8")
        if split_sitemaps and path == "/sitemap-schools.xml":
            return Response(200, _urlset(host, school_paths), "application/xml; charset=utf-8")
        if path.endswith(".pdf"):
            return Response(200, PDF, "application/pdf", compress=False)
        if path == "/static/site.css":
            return Response(200, "body{font-family:sans-serif}", "text/css")
        page = pages.get(path.rstrip("/") or "/")
        if page is None:
            return Response(404, not_found(district))
        return Response(200, page_html(page, nav, district))

    return app
