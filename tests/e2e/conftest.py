"""Browser tests: Playwright (sync API) drives Debian's Chromium against the live test server.

Chromium comes from the system (``/usr/bin/chromium``), never from ``playwright install``. Without
it, or without the playwright package, the tests skip; with ``REQUIRE_SERVICES=1`` they fail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import REQUIRE_SERVICES

from .browser import CHROMIUM, LAUNCH_ARGS, SCREENSHOTS, minimal_pdf, minimal_png

if TYPE_CHECKING:
    from playwright.sync_api import Page


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    return None


@pytest.fixture
def media_in_tmp(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


@pytest.fixture
def new_page(
    django_db_serialized_rollback: None, live_server: Any, media_in_tmp: Path
) -> Iterator[Callable[..., Page]]:
    """Open pages in a headless Chromium, each in a fresh context (its own cookies: one per person).

    ``django_db_serialized_rollback`` comes before ``live_server``: the live server needs
    committed rows, and the rows the data migrations seed must be back for the next tests.
    ``bypass_csp`` only lets the harness inject axe-core; the site's pages run under their CSP.

    Playwright starts after the database is set up and stops before it is flushed, for each test:
    while it runs, its asyncio loop is on this thread, so Django hands out separate connections
    and would refuse ORM calls as "async unsafe" although they run synchronously. Hence
    ``DJANGO_ALLOW_ASYNC_UNSAFE`` for the test's own body only, and those connections closed
    after it.
    """
    reason = _missing()
    if reason:
        if REQUIRE_SERVICES:
            pytest.fail(f"browser tests cannot run: {reason}, and REQUIRE_SERVICES=1", False)
        pytest.skip(f"browser tests skipped: {reason}")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    environ = pytest.MonkeyPatch()
    environ.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
            )

            def open_page(
                locale: str = "en-GB",
                *,
                viewport: dict[str, int] | None = None,
                javascript: bool = True,
            ) -> Page:
                context = browser.new_context(
                    base_url=live_server.url,
                    bypass_csp=True,
                    locale=locale,
                    viewport=viewport or {"width": 1280, "height": 900},
                    java_script_enabled=javascript,
                )
                context.set_default_timeout(15_000)
                return context.new_page()

            try:
                yield open_page
            finally:
                browser.close()
                connections.close_all()
    finally:
        environ.undo()


@pytest.fixture
def upload_files(tmp_path: Path) -> dict[str, Path]:
    """Small real files to upload: a one-page PDF and a 1×1 PNG."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    pdf = folder / "scan.pdf"
    pdf.write_bytes(minimal_pdf())
    png = folder / "photo.png"
    png.write_bytes(minimal_png())
    return {"pdf": pdf, "png": png}
