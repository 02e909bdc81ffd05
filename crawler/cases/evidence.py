"""Evidence capture for open cases: a full-page screenshot and the SHA-256 of the page HTML.

PR forwards an evidence packet to a platform when it reports an account; this captures one
with the system Chromium (Playwright, launched as for the crawl; the README, "Network:
proxies and TLS inspection"): the page
as a PNG, the HTML it rendered saved beside it with its SHA-256, and the time. The caller
stores each :class:`EvidenceCaptured` as an ``Evidence`` row (kinds ``screenshot`` and
``html_sha256``).

A page is only opened where a crawler may open it: never on a platform whose robots.txt
refuses crawlers (Facebook, Instagram, Threads, X, LinkedIn — their search results and the
district's own links are the evidence), not where the host's robots.txt disallows the
path, and not at a private address (the SSRF guard's rules). Those targets are returned in
:attr:`CaptureResult.skipped` with the reason. The host map is honoured: the browser goes
to the mapped base URL, and a page under a local world loads nothing from outside it.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from crawler.config import Config
from crawler.db.models import utcnow
from crawler.vocab import EvidenceKind

if TYPE_CHECKING:
    from crawler.discovery.context import ScanContext

NAVIGATION_TIMEOUT_MS = 20_000


@dataclass(frozen=True, slots=True)
class EvidenceTarget:
    account_id: int
    case_id: int | None
    url: str
    platform: str


@dataclass(frozen=True, slots=True)
class EvidenceCaptured:
    """One ``Evidence`` row to store."""

    account_id: int
    case_id: int | None
    url: str
    kind: str  # EvidenceKind.SCREENSHOT or EvidenceKind.HTML_SHA256
    summary: str
    file_path: Path
    sha256: str
    captured_at: datetime


@dataclass(frozen=True, slots=True)
class EvidenceSkipped:
    account_id: int
    case_id: int | None
    url: str
    reason: str


class CaptureResult(list[EvidenceCaptured]):
    """The captured evidence (a list), plus the targets skipped and why."""

    def __init__(self) -> None:
        super().__init__()
        self.skipped: list[EvidenceSkipped] = []


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- may we open it?


def _robots_allows(config: Config, url: str, user_agent: str) -> tuple[bool, str]:
    """(allowed, reason) from the host's robots.txt, fetched through the host map."""
    from protego import Protego

    from crawler.discovery.hostmap import HostMap
    from crawler.discovery.middlewares.ssrf import is_loopback_url

    p = urlsplit(url)
    robots_url = f"{p.scheme}://{p.netloc}/robots.txt"
    fetch = HostMap.from_config(config).map_url(robots_url) or robots_url
    request = urllib.request.Request(fetch, headers={"User-Agent": user_agent})  # noqa: S310 - http(s) only
    # urllib honours HTTP(S)_PROXY, NO_PROXY and SSL_CERT_FILE; a local world is reached directly
    opener = (
        urllib.request.build_opener(urllib.request.ProxyHandler({}))
        if is_loopback_url(fetch)
        else urllib.request.build_opener()
    )
    try:
        with opener.open(request, timeout=config.crawl.download_timeout) as resp:
            body = resp.read(500_000).decode("utf-8", errors="replace")
    except urllib.error.HTTPError as exc:
        if 400 <= exc.code < 500:
            return True, ""  # RFC 9309: no robots.txt, no restriction
        return False, f"robots.txt of {p.hostname} unavailable (HTTP {exc.code})"
    except (OSError, ValueError) as exc:
        return False, f"robots.txt of {p.hostname} unreachable ({type(exc).__name__})"
    if Protego.parse(body).can_fetch(url, user_agent):
        return True, ""
    return False, f"robots.txt of {p.hostname} disallows {p.path or '/'}"


def refusal(
    config: Config, target: EvidenceTarget, user_agent: str, district_domains: Sequence[str]
) -> str | None:
    """Why this page may not be opened, or None (``district_domains``: the context's domains)."""
    from crawler.discovery.middlewares.ssrf import GuardPolicy
    from crawler.platforms import PLATFORMS

    module = PLATFORMS.get(target.platform)
    if module is not None and module.robots_blocks_crawlers:
        return f"{target.platform}'s robots.txt forbids crawlers"
    reason = GuardPolicy.from_config(config, district_domains).check(target.url)
    if reason:
        return f"refused by the private-address guard ({reason})"
    allowed, why = _robots_allows(config, target.url, user_agent)
    return None if allowed else why


# --------------------------------------------------------------------------- the browser


def _safe_name(target: EvidenceTarget) -> str:
    handle = re.sub(r"[^A-Za-z0-9_.-]+", "_", urlsplit(target.url).path.strip("/"))[:60] or "home"
    case = f"case-{target.case_id}-" if target.case_id is not None else ""
    return f"{case}account-{target.account_id}-{target.platform}-{handle}"


async def _capture_all(
    scan: ScanContext,
    targets: list[EvidenceTarget],
    out_dir: Path,
    result: CaptureResult,
) -> None:
    from playwright.async_api import async_playwright

    from crawler.discovery.middlewares.ssrf import GuardPolicy
    from crawler.discovery.network import browser_launch_options
    from crawler.discovery.settings import CHROMIUM_ARGS

    config, hostmap, user_agent = scan.config, scan.hostmap, scan.user_agent
    guard = _BrowserGuard(GuardPolicy.from_config(config, scan.domains))
    async with async_playwright() as pw:
        options = browser_launch_options(config.crawl.browser_executable, CHROMIUM_ARGS)
        browser = await pw.chromium.launch(**options, timeout=NAVIGATION_TIMEOUT_MS)
        try:
            context = await browser.new_context(
                user_agent=user_agent,
                viewport={"width": 1280, "height": 900},
                service_workers="block",
            )
            await context.route("**/*", guard.route)
            for target in targets:
                goto = hostmap.map_url(target.url) or target.url
                page = await context.new_page()
                try:
                    response = await page.goto(
                        goto, wait_until="load", timeout=NAVIGATION_TIMEOUT_MS
                    )
                    status = response.status if response is not None else 0
                    if status >= 400:
                        result.skipped.append(
                            EvidenceSkipped(
                                target.account_id,
                                target.case_id,
                                target.url,
                                f"the page answered HTTP {status}",
                            )
                        )
                        continue
                    hop = await guard.refused_redirect(response, page.url)
                    if hop:  # the browser followed it itself: keep nothing it showed
                        result.skipped.append(
                            EvidenceSkipped(
                                target.account_id,
                                target.case_id,
                                target.url,
                                f"redirected to a refused address ({hop})",
                            )
                        )
                        continue
                    html = await page.content()
                    stamp = utcnow()
                    base = out_dir / f"{_safe_name(target)}-{stamp:%Y%m%dT%H%M%SZ}"
                    html_path, png_path = base.with_suffix(".html"), base.with_suffix(".png")
                    html_path.write_text(html, encoding="utf-8")
                    await page.screenshot(path=str(png_path), full_page=True)
                    when = f"{stamp:%Y-%m-%d %H:%M} UTC"
                    result.append(
                        EvidenceCaptured(
                            target.account_id,
                            target.case_id,
                            target.url,
                            EvidenceKind.SCREENSHOT,
                            f"Full-page screenshot of {target.url} taken {when}",
                            png_path,
                            sha256_file(png_path),
                            stamp,
                        )
                    )
                    digest = sha256_file(html_path)
                    result.append(
                        EvidenceCaptured(
                            target.account_id,
                            target.case_id,
                            target.url,
                            EvidenceKind.HTML_SHA256,
                            f"SHA-256 of the page HTML at {when}: {digest}",
                            html_path,
                            digest,
                            stamp,
                        )
                    )
                except Exception as exc:  # one page failing does not lose the others
                    result.skipped.append(
                        EvidenceSkipped(
                            target.account_id,
                            target.case_id,
                            target.url,
                            f"capture failed: {type(exc).__name__}",
                        )
                    )
                finally:
                    await page.close()
            await context.close()
        finally:
            await browser.close()


class _BrowserGuard:
    """Every request of the browser (navigations, sub-resources) passes the SSRF guard's
    browser rules (:func:`crawler.discovery.middlewares.ssrf.browser_refusal`); a page under a local
    world loads nothing from outside loopback. Playwright's routing does not see the hops of
    a redirect Chromium follows, so they are checked after the navigation and a page that
    went through a refused hop is not captured (the request itself was made: a blind GET)."""

    def __init__(self, policy: Any) -> None:
        self.policy = policy
        self.refused: list[tuple[str, str]] = []

    async def route(self, route: Any) -> None:
        from crawler.discovery.middlewares.ssrf import browser_refusal, is_loopback_url

        request = route.request
        try:
            frame_url = request.frame.url
        except Exception:  # no frame (a worker)
            frame_url = ""
        reason = (
            "local_world_only"
            if is_loopback_url(frame_url) and not is_loopback_url(request.url)
            else await browser_refusal(self.policy, request.url, request.is_navigation_request())
        )
        if reason:
            self.refused.append((request.url, reason))
            await route.abort("blockedbyclient")
        else:
            await route.continue_()

    async def refused_redirect(self, response: Any, final_url: str) -> str | None:
        """Chromium follows redirects without passing their hops through the route: check
        every hop of the navigation (and where the page ended up) afterwards."""
        from crawler.discovery.middlewares.ssrf import browser_refusal

        urls = [final_url]
        request = response.request if response is not None else None
        while request is not None:
            urls.append(request.url)
            request = request.redirected_from
        for url in urls:
            reason = await browser_refusal(self.policy, url, navigation=True)
            if reason:
                return reason
        return None


def _run(coro: Any) -> None:
    """Run ``coro`` to completion, also when the caller already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(coro)
        return
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            asyncio.run(coro)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=worker, name="evidence-capture")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def capture_evidence(config: Config, targets: list[EvidenceTarget], out_dir: Path) -> CaptureResult:
    """Screenshot and hash each target's page where allowed; files go under ``out_dir``."""
    from crawler.discovery.context import ScanContext

    result = CaptureResult()
    if not targets:
        return result
    scan = ScanContext.from_config(config)
    allowed = []
    for target in targets:
        reason = refusal(config, target, scan.user_agent, scan.domains)
        if reason:
            result.skipped.append(
                EvidenceSkipped(target.account_id, target.case_id, target.url, reason)
            )
        else:
            allowed.append(target)
    if allowed:
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        _run(_capture_all(scan, allowed, out_dir, result))
    return result
