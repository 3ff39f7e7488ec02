"""The one NinjaAPI, mounted at /api/v1 (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from ninja import NinjaAPI

from . import errors
from .auth import TokenAuth, WorkspaceSessionAuth
from .renderers import ORJSONRenderer
from .routers.assessments import router as assessments_router
from .routers.decisions import router as decisions_router
from .routers.hiring import router as hiring_router
from .routers.interviews import router as interviews_router
from .routers.library import router as library_router

api = NinjaAPI(
    title="Hireloop API",
    version="1",
    description=(
        "Structured interviews for backend engineers. Authenticate with your browser session "
        "or with `Authorization: Bearer <token>`. Errors share one body: "
        '`{"error": {"code", "message", "fields"}}`.'
    ),
    renderer=ORJSONRenderer(),
    auth=[TokenAuth(), WorkspaceSessionAuth()],
    urls_namespace="api",
)
errors.install(api)
api.add_router("/library", library_router)
api.add_router("/", hiring_router)
api.add_router("/", interviews_router)
api.add_router("/", decisions_router)
api.add_router("/", assessments_router)
