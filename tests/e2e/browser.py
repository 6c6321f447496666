"""Helpers shared by the browser tests: screenshots, axe-core, logging in, files to upload."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "var" / "screenshots"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_RUN_AXE = """async ([tags, exclude]) => {
  const context = exclude.length ? {exclude: exclude.map((selector) => [selector])} : document;
  const result = await axe.run(context, {runOnly: {type: "tag", values: tags}});
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
  }));
}"""


def axe_violations(page: Page, exclude: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """WCAG 2.1 A and AA violations that axe-core finds on the page as it is now, outside the
    elements ``exclude`` selects."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(_RUN_AXE, [WCAG_21_AA, list(exclude)])


def assert_accessible(page: Page, name: str, exclude: tuple[str, ...] = ()) -> None:
    violations = axe_violations(page, exclude)
    assert not violations, f"{name} ({page.url}) has WCAG 2.1 AA violations:\n" + "\n".join(
        f"- {v['id']} [{v['impact']}] {v['help']}: {', '.join(v['targets'])}" for v in violations
    )


def screenshot(page: Page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def check(page: Page, name: str, *, shot: bool = True) -> None:
    """Save a full-page screenshot as ``var/screenshots/<name>.png`` and run axe-core."""
    if shot:
        screenshot(page, name)
    assert_accessible(page, name)


def lang(page: Page) -> str:
    return page.get_attribute("html", "lang") or ""


def switch_language(page: Page, code: str) -> None:
    """Press the language button in the navigation bar (opening the menu first on a phone)."""
    menu = page.locator("header details.nav-menu")
    if page.locator("header details.nav-menu > summary").is_visible() and not menu.evaluate(
        "e => e.open"
    ):
        page.click("header details.nav-menu > summary")
    page.click(f"header button[name=language][value={code}]")
    page.wait_for_load_state()
    assert lang(page) == code


def log_in(page: Page, email: str, password: str, *, admin: bool = False) -> None:
    page.goto("/admin/login/" if admin else "/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("main form [type=submit]" if not admin else "#login-form [type=submit]")
    page.wait_for_load_state()
    assert "/login/" not in page.url, page.inner_text("body")


def submit(page: Page, selector: str = "main form [type=submit]:not([name]):not([form])") -> None:
    page.click(selector)
    page.wait_for_load_state()


def minimal_pdf() -> bytes:
    """A valid one-page PDF (with a correct cross-reference table)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def minimal_png() -> bytes:
    """A valid 1×1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
