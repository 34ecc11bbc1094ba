"""Build the Starlette application: API routes, the realtime endpoint, the browser app."""

from __future__ import annotations

import contextlib

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette_compress import CompressMiddleware

import realtime
from search import service as search_service

# Importing a route module registers its endpoints.
from server.api import (  # noqa: F401
    account,
    assessments,
    calendar_events,
    cities,
    city_profiles,
    conversations,
    event_polls,
    invitations,
    library,
    matching,
    moderation,
    mydata,
    operations,
    people,
    publishing,
    reads,
    session,
    spaces,
    threads,
    transfers,
    users,
)
from server.api import mail as mail_api  # noqa: F401
from server.api import oidc as oidc_api
from server.api import search as search_api  # noqa: F401
from server.api import search_vocabulary as search_vocabulary_api  # noqa: F401
from server.api.error_handlers import exception_handlers
from server.api.framework import routes
from server.api.frontend import SinglePageApp
from server.api.routing import IndexedRouter
from server.auth import credential_cache, passwords
from server.config import Settings
from server.db.engine import create_engine, read_session_factory, session_factory
from server.mail import service as mail_service
from server.observability import readiness
from server.observability.foreground import Foreground
from server.observability.middleware import ObservabilityMiddleware
from server.observability.routes import metrics_route
from server.public import cache as public_cache
from server.public.routes import public_routes
from server.public.search_index import PublicCopies
from server.services import search_vocabulary


def create_app(settings: Settings, database_url: str) -> Starlette:
    passwords.configure(settings.argon2_memory_kib, settings.argon2_time_cost)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        engine = create_engine(database_url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow)
        app.state.engine = engine
        app.state.sessions = session_factory(engine)
        # GET routes read only (their rate-limit count commits by itself): each statement on its own,
        # no BEGIN or COMMIT (server/api/framework.py).
        app.state.read_sessions = read_session_factory(engine)
        if settings.public_knowledge:  # the public pages' words, for public search in the engine
            app.state.search_copies = PublicCopies(app.state.sessions)
        try:
            async with (
                realtime.running(app, database_url),
                search_service.running(app, database_url),
                search_vocabulary.watching(app),
                mail_service.running(app, database_url),
                public_cache.running(app, database_url),
                credential_cache.running(app, database_url),
            ):
                yield
        finally:
            await engine.dispose()

    app_routes = routes()
    app_routes.append(realtime.route())
    app_routes.append(metrics_route())
    app_routes.extend(oidc_api.browser_routes())  # single sign-on, before the browser app's catch-all
    app_routes += public_routes()  # the public knowledge base: before the browser app's catch-all below
    if settings.frontend_dir.is_dir():
        app_routes.append(Mount("/", SinglePageApp(directory=settings.frontend_dir, html=True), name="frontend"))
    foreground = Foreground()  # requests in flight, which mail work yields to
    app = Starlette(
        routes=app_routes,
        lifespan=lifespan,
        exception_handlers=exception_handlers(),
        middleware=[
            Middleware(
                ObservabilityMiddleware,
                body_max_bytes=settings.body_max_bytes,
                https=settings.secure_cookies,
                foreground=foreground,
            ),
            # zstd, brotli or gzip by what the client accepts; files and pages already encoded pass through.
            Middleware(CompressMiddleware, minimum_size=1024),
        ],
    )
    # The same routes, looked up by their first path segments (server/api/routing.py).
    app.router = IndexedRouter(app.router.routes, lifespan=lifespan)
    app.state.settings = settings
    app.state.foreground = foreground
    readiness.checks(app)  # parts such as search register theirs: see server/observability/readiness.py
    return app
