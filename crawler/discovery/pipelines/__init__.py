"""Item pipelines, one job each, in the order of ``ITEM_PIPELINES``:

- 100 :mod:`.canonicalise` — is the URL an account? (``crawler.platforms``) canonical form.
- 200 :mod:`.fields` — cap free-text fields from hostile pages.
- 300 :mod:`.store` — upsert the account, add the sighting, record query coverage.

Problems are counted in the crawl stats (``scout/...``), not raised.
"""
