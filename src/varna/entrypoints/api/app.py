"""FastAPI app factory: the API under /api/v1, the web pages at the root."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

import varna
from varna.bootstrap import Container, build
from varna.bootstrap.requests import start_embedded_worker
from varna.config import Settings
from varna.entrypoints.access import declare_public, install_access
from varna.entrypoints.api.errors import UnhandledErrors, install_error_answers
from varna.entrypoints.api.headers import SecurityHeaders
from varna.entrypoints.api.limits import BodyLimit
from varna.entrypoints.api.origin import SameOriginWrites
from varna.entrypoints.api.routers import consent, marketing, requests, system
from varna.entrypoints.web import (
    api_docs,
    audit_pages,
    brand,
    center_pages,
    console_pages,
    console_requests,
    outbox_pages,
    pages,
    requests_pages,
    retention_pages,
    staff_login,
    staff_pages,
)


def create_app(settings: Settings, *, container: Container | None = None) -> FastAPI:
    """Build the app for ``settings`` (or an already wired ``container``)."""
    wired = container or build(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Embedded default (SQLite): the server runs request jobs itself; on PostgreSQL
        # `varna worker` processes do.
        stop_jobs = None if wired.settings.is_postgres else start_embedded_worker(wired)
        try:
            yield
        finally:
            if stop_jobs is not None:
                stop_jobs()
            if container is None:
                wired.close()

    app = FastAPI(
        title="varna",
        version=varna.__version__,
        summary="The personal-data side of an IoT connectivity business, kept in code.",
        lifespan=lifespan,
        # FastAPI's own docs pages load Swagger UI and ReDoc from a CDN; /api/docs is ours
        # (web/api_docs.py), rendered on the server from the same OpenAPI document.
        docs_url=None,
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.state.container = wired
    app.add_middleware(SameOriginWrites)
    app.add_middleware(UnhandledErrors)
    # Bodies over the limit are refused with 413 before they are read: a declared
    # Content-Length at once, a chunked body as soon as its bytes pass the limit.
    app.add_middleware(BodyLimit, max_bytes=wired.settings.max_body_bytes)
    # Outermost: the 500 and the 403 of a cross-site write carry them too.
    app.add_middleware(SecurityHeaders, demo=wired.settings.demo)

    install_error_answers(app)
    install_access(app)

    app.include_router(system.router, prefix="/api/v1")
    app.include_router(requests.router, prefix="/api/v1")
    app.include_router(marketing.router, prefix="/api/v1")
    consent.install(app)
    app.include_router(pages.router)
    app.include_router(brand.router)
    app.include_router(api_docs.router)
    # Before requests_pages: the sign-in with its throttle and even timing is staff_login's.
    app.include_router(staff_login.router)
    app.include_router(staff_pages.router)
    app.include_router(requests_pages.router)
    app.include_router(center_pages.router)
    app.include_router(console_requests.router)
    app.include_router(console_pages.router)
    app.include_router(retention_pages.router)
    app.include_router(outbox_pages.router)
    app.include_router(audit_pages.router)
    app.mount(
        "/static",
        StaticFiles(directory=str(files("varna.entrypoints.web") / "static")),
        name="static",
    )
    # Every other route declares who may use it (entrypoints/access.py); these two take no
    # dependencies, so they are marked here.
    declare_public(app, "/static", "/api/openapi.json")
    return app
