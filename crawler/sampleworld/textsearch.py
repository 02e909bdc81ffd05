"""Deterministic text matching for the sample world's search engines and search APIs.

Two matchers:

* :func:`parse_web_query` / :meth:`WebQuery.matches` — web-search syntax as SearXNG and Brave
  pass it on: ``site:host`` (several are OR'ed; ``-site:`` excludes), ``"quoted phrases"``
  (contiguous tokens), bare terms (all required), ``-term`` (excluded), ``A OR B``
  (alternatives), ``inurl:word``.
* :func:`loose_score` — the lenient matching of platform search APIs (YouTube search.list,
  Bluesky searchActors, Mastodon account search): at least half of the query's words must
  occur; ``-word`` excludes and ``a|b`` gives alternatives (YouTube's documented syntax).

Tokens are lower-cased, accent-folded, split on anything that is not a letter or digit, and a
plural ``s`` is dropped, so ``Mustangs`` matches ``mustang`` and ``sheyenne_mustangs`` is the
two tokens ``sheyenne mustang``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from math import ceil
from urllib.parse import urlsplit

STOPWORDS = frozenset({"the", "of", "and", "a", "an", "in", "at", "on", "for"})
_TOKEN = re.compile(r"[a-z0-9]+")


def _stem(token: str) -> str:
    return (
        token[:-1] if len(token) > 3 and token.endswith("s") and not token.endswith("ss") else token
    )


def tokens(text: str) -> list[str]:
    return list(_tokens(text))


@lru_cache(maxsize=1 << 16)
def _tokens(text: str) -> tuple[str, ...]:
    # cached: every query of the sample search engines reads the same few thousand documents
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return tuple(_stem(t) for t in _TOKEN.findall(folded))


def _contains(haystack: list[str], needle: list[str]) -> bool:
    if not needle:
        return True
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def host_in_site(host: str, site: str) -> bool:
    site = site.lower().strip().removeprefix("https://").removeprefix("http://").strip("/")
    host = host.lower()
    return host == site or host.endswith("." + site)


@dataclass(slots=True)
class _Clause:
    phrases: list[list[str]] = field(default_factory=list)
    excluded: list[list[str]] = field(default_factory=list)
    inurl: list[str] = field(default_factory=list)


@dataclass(slots=True)
class WebQuery:
    sites: list[str]
    not_sites: list[str]
    alternatives: list[_Clause]

    @property
    def empty(self) -> bool:
        return not self.sites and not any(c.phrases or c.inurl for c in self.alternatives)

    def matches(self, url: str, title: str, content: str) -> int:
        """A positive score when the document matches, else 0."""
        host = urlsplit(url).hostname or ""
        if self.sites and not any(host_in_site(host, s) for s in self.sites):
            return 0
        if any(host_in_site(host, s) for s in self.not_sites):
            return 0
        title_t, content_t, url_t = tokens(title), tokens(content), tokens(url)
        every = [*title_t, "\x00", *content_t, "\x00", *url_t]
        best = 0
        for clause in self.alternatives:
            if not all(_contains(every, p) for p in clause.phrases):
                continue
            if any(_contains(every, p) for p in clause.excluded):
                continue
            if not all(w in url.lower() for w in clause.inurl):
                continue
            score = 1 + sum(
                3 * _contains(title_t, p) + _contains(content_t, p) + _contains(url_t, p)
                for p in clause.phrases
            )
            best = max(best, score)
        return best


def parse_web_query(q: str) -> WebQuery:
    """Parse a web-search query (see module docstring)."""
    sites: list[str] = []
    not_sites: list[str] = []
    clauses = [_Clause()]
    # Phrases first (they may contain spaces), then the words around them.
    quoted = [m.group(1) for m in re.finditer(r'"([^"]*)"', q)]
    rest = re.sub(r'"[^"]*"', " \x01 ", q)
    phrase_iter = iter(quoted)
    for word in rest.split():
        if word == "\x01":
            clauses[-1].phrases.append(tokens(next(phrase_iter)))
            continue
        low = word.lower()
        if low.startswith("site:"):
            sites.append(word[5:])
        elif low.startswith("-site:"):
            not_sites.append(word[6:])
        elif low.startswith("inurl:"):
            clauses[-1].inurl.append(low[6:])
        elif word == "OR" or word == "|":
            clauses.append(_Clause())
        elif word.startswith("-") and len(word) > 1:
            clauses[-1].excluded.append(tokens(word[1:]))
        else:
            toks = [t for t in tokens(word) if t not in STOPWORDS]
            clauses[-1].phrases.extend([t] for t in toks)
    clauses = [c for c in clauses if c.phrases or c.inurl or c.excluded] or [_Clause()]
    return WebQuery(sites, not_sites, clauses)


def loose_score(query: str, text: str) -> int:
    """How well an API search query matches a text: 0 = no match, else matched-word count."""
    words = set(tokens(text))
    best = 0
    for alternative in re.split(r"\s*\|\s*|\s+OR\s+", query):
        parts = alternative.split()
        wanted = [
            t for p in parts if not p.startswith("-") for t in tokens(p) if t not in STOPWORDS
        ]
        excluded = [t for p in parts if p.startswith("-") for t in tokens(p[1:])]
        if not wanted or any(t in words for t in excluded):
            continue
        wanted = list(dict.fromkeys(wanted))
        hits = sum(t in words for t in wanted)
        if hits >= max(1, ceil(len(wanted) / 2)):
            best = max(best, hits)
    return best


__all__ = ["WebQuery", "host_in_site", "loose_score", "parse_web_query", "tokens"]
