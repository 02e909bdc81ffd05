"""Download handlers that verify TLS certificates against :class:`crawler.discovery.network.TrustStore`.

Scrapy's HTTP/1.1 handler (and scrapy-playwright's, which falls back to it for requests
without ``meta["playwright"]``) build their TLS context factory from settings; the
``DOWNLOADER_CLIENTCONTEXTFACTORY`` setting that would replace it is deprecated in Scrapy
2.19, so these subclasses swap the factory after construction. With
``DOWNLOAD_VERIFY_CERTIFICATES`` on (the project default) a server must present a
certificate chaining to the system's CAs or to ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``, and
must match the host name; off, Scrapy's non-verifying behaviour is kept (development only).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, cast

from OpenSSL import SSL
from scrapy.core.downloader.contextfactory import _ScrapyClientContextFactory
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.utils.misc import build_from_crawler
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from twisted.internet._sslverify import IOpenSSLTrustRoot
from twisted.internet.ssl import optionsForClientTLS
from twisted.web.iweb import IPolicyForHTTPS

from crawler.discovery.middlewares.hostrate import wait_for_host_slot
from crawler.discovery.network import TrustStore

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


class VerifyingContextFactory(_ScrapyClientContextFactory):
    """Scrapy's context factory (TLS version and cipher settings) with our trust store."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.trust = TrustStore.from_env()

    def creatorForNetloc(self, hostname: bytes, port: int) -> Any:
        if not self._verify_certificates:
            return super().creatorForNetloc(hostname, port)
        return optionsForClientTLS(
            hostname.decode("ascii"),
            trustRoot=cast(IOpenSSLTrustRoot, self.trust),
            extraCertificateOptions=self._get_cert_options_kwargs(),
        )


def verifying_factory(crawler: Crawler) -> IPolicyForHTTPS:
    if not crawler.settings.getbool("DOWNLOAD_VERIFY_CERTIFICATES"):
        logger.warning(
            "TLS certificates are NOT verified (crawl.tls_verify = false): development only"
        )
    return cast(
        IPolicyForHTTPS,
        build_from_crawler(VerifyingContextFactory, crawler, method=SSL.SSLv23_METHOD),
    )


class ScoutHttpDownloadHandler(HTTP11DownloadHandler):
    """``http``/``https`` handler verifying certificates (see the module docstring); a request
    waits here for its host's slot of the shared rate, right before it is sent
    (:mod:`crawler.discovery.middlewares.hostrate`)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._contextFactory = verifying_factory(crawler)

    async def download_request(self, request: Request) -> Response:
        await wait_for_host_slot(self._crawler, request)
        return await super().download_request(request)


class ScoutPlaywrightDownloadHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler; its plain-HTTP fallback verifies certificates too, and
    its requests wait for their host's slot of the shared rate as above.

    Playwright (its driver process, then the browser) starts with the first request that
    needs it (``meta["playwright"]``), not when the crawl starts: most profile pages answer
    without a browser, and a crawl that needs none starts none."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._contextFactory = verifying_factory(crawler)
        self._start_lock = asyncio.Lock()

    async def _maybe_launch_in_thread(self) -> None:
        """At engine start (scrapy-playwright launches here): nothing, see the class docstring."""

    async def _start_playwright(self) -> None:
        async with self._start_lock:
            if getattr(self, "browser_provider", None) is None:
                await self._maybe_future_from_coro(self._launch())

    async def download_request(self, request: Request) -> Response:  # type: ignore[override]
        await wait_for_host_slot(self._crawler, request)
        if request.meta.get("playwright"):
            await self._start_playwright()
        return await super().download_request(request)
