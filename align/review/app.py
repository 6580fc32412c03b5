"""The review web app: a queue of flags, a pair view with actions, a glossary screen.

Plain server-rendered HTML (Jinja2, autoescaped) and a little inline JavaScript for
keyboard shortcuts; no build step, nothing loaded from elsewhere. Every state change is a
POST carrying a CSRF token, recorded in the review database with the reviewer's name.
Documents are addressed by number within the run, so no request names a file.

The route table is :data:`align.review.views.ROUTERS` (one router per screen), shared view
plumbing is in :mod:`align.review.web` and everything about access in
:mod:`align.review.security`.
"""
from __future__ import annotations

from fastapi import FastAPI

from align.review import security
from align.review.glossary_screen import GlossaryDesk
from align.review.views import ROUTERS
from align.review.web import Settings
from align.review.workspace import Workspace

__all__ = ["Settings", "create_app"]


def create_app(settings: Settings) -> FastAPI:
    workspace = Workspace(settings.run_dir, settings.db_path)
    app = FastAPI(title="align review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.workspace = workspace
    app.state.desk = GlossaryDesk(workspace.db, settings.glossary, settings.suggestions)
    security.install(app)
    for router in ROUTERS:
        app.include_router(router)
    return app
