"""ASGI entry point: ``uvicorn backend.main:app``."""

from backend.api.app import create_app
from backend.settings import get_settings

app = create_app(get_settings())
