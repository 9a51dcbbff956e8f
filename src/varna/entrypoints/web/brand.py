"""The company's look on every page: its name, its logo and its accent colour, from settings
(VARNA_BRAND_NAME, VARNA_BRAND_LOGO, VARNA_BRAND_ACCENT), the name defaulting to the
catalogue's controller. Served from varna's own host (``/brand.css``, ``/brand/logo``) so no
page needs an inline style or another host."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from varna.bootstrap import Container
from varna.entrypoints.access import PUBLIC

router = APIRouter(
    include_in_schema=False, dependencies=[PUBLIC]
)  # anyone (R6: entrypoints/access.py)
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
# An SVG opened on its own is a document: it may run no script and load nothing.
LOGO_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"}


@dataclass(frozen=True, slots=True)
class Brand:
    name: str
    accent: str  # #rrggbb, checked by the settings
    logo: Path | None

    @property
    def on_accent(self) -> str:
        """White or near-black, whichever reads better on the accent (WCAG contrast)."""
        return "#ffffff" if _contrast(self.accent, "#ffffff") >= 4.5 else "#111111"

    def css(self) -> str:
        return f":root {{ --accent: {self.accent}; --on-accent: {self.on_accent}; }}\n"

    def mark(self) -> str:
        """The logo drawn when none is set: the name's first letter on the accent."""
        letter = escape((self.name.strip()[:1] or "?").upper())
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">'
            f'<rect width="64" height="64" rx="12" fill="{self.accent}"/>'
            f'<text x="32" y="44" text-anchor="middle" font-family="sans-serif" '
            f'font-size="36" font-weight="700" fill="{self.on_accent}">{letter}</text></svg>'
        )


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def brand_of(container: Container) -> Brand:
    s = container.settings
    return Brand(s.brand_name or container.catalog.controller.name, s.brand_accent, s.brand_logo)


@router.get("/brand.css")
def brand_css(request: Request) -> Response:
    brand = brand_of(request.app.state.container)
    return Response(brand.css(), media_type="text/css", headers={"Cache-Control": "no-cache"})


@router.get("/brand/logo")
def brand_logo(request: Request) -> Response:
    brand = brand_of(request.app.state.container)
    if brand.logo is not None and brand.logo.suffix.lower() in LOGO_TYPES:
        try:
            content = brand.logo.read_bytes()
        except OSError:
            content = None
        if content is not None:
            return Response(
                content, media_type=LOGO_TYPES[brand.logo.suffix.lower()], headers=LOGO_HEADERS
            )
    return Response(brand.mark(), media_type="image/svg+xml", headers=LOGO_HEADERS)
