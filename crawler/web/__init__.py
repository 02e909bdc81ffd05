"""The review web app, ``scout serve`` (README, "The review web app").

An ASGI app (Starlette, served by uvicorn) for PR staff: the case queue and case pages with
decisions, notes, assignment and undo; ad-hoc search with progress; the registry; scans; the
audit log; the public official-accounts page. It sits with :mod:`crawler.cli` at the top
layer and calls the same functions the ``scout`` commands call.

Modules: :mod:`~crawler.web.app` (the application), :mod:`~crawler.web.security` (sign-in,
roles, CSRF, headers), :mod:`~crawler.web.render` (templates), ``routes_*`` (the pages),
:mod:`~crawler.web.jobs` (background searches).
"""
