"""Security headers on every response, and the client address the login throttle counts by.

Content-Security-Policy: scripts only from our own static files (no inline script, no event
handler attribute, no eval); styles may be inline because ECharts, Leaflet and Tabler set
element styles; images from us, data:/blob: URLs (charts, map markers) and the basemap tile
hosts when MAP_TILE_URL names some. A view that needs another policy sets the header itself;
the middleware never overwrites one.

Django's SecurityMiddleware already sends X-Content-Type-Options, Referrer-Policy,
Cross-Origin-Opener-Policy and (over TLS) HSTS; XFrameOptionsMiddleware sends X-Frame-Options.
Behind a TLS-terminating proxy Django sees plain http and would leave HSTS out, so with
HTTPS on it is added here too (browsers ignore HSTS received over http).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

PERMISSIONS_POLICY = ", ".join(
    [
        "accelerometer=()",
        "camera=()",
        "display-capture=()",
        # the map and field staff may locate themselves on the platform's own pages
        "geolocation=(self)",
        "gyroscope=()",
        "hid=()",
        "magnetometer=()",
        "microphone=()",
        "midi=()",
        "payment=()",
        "serial=()",
        "usb=()",
    ]
)

_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def tile_sources(tile_urls: str, subdomains: str = "") -> list[str]:
    """CSP host sources for Leaflet tile URL templates joined by "|".

    `{s}` in the host is expanded with each subdomain (Leaflet reads a string as one letter
    each, default "abc"); any other placeholder in the host becomes a `*.` wildcard. Relative
    URLs are our own origin and need nothing.
    """
    letters = list(subdomains or "abc")
    sources: list[str] = []
    for template in (u.strip() for u in tile_urls.split("|")):
        if not template or "//" not in template:
            continue
        scheme, _, rest = template.partition("//")
        netloc = rest.split("/", 1)[0]
        hosts = [netloc.replace("{s}", s) for s in letters] if "{s}" in netloc else [netloc]
        for host in hosts:
            if _PLACEHOLDER.search(host):
                labels = host.split(".")
                host = ".".join(["*", *labels[1:]]) if len(labels) > 2 else ""
            if not host or _PLACEHOLDER.search(host) or not re.fullmatch(r"[\w.*:-]+", host):
                continue
            prefix = scheme if scheme in ("http:", "https:") else "https:"
            source = f"{prefix}//{host}"
            if source not in sources:
                sources.append(source)
    return sources


@functools.lru_cache(maxsize=16)
def _policy(tile_url: str, subdomains: str) -> str:
    img = ["'self'", "data:", "blob:", *tile_sources(tile_url, subdomains)]
    directives = [
        ("default-src", ["'self'"]),
        ("script-src", ["'self'"]),
        ("style-src", ["'self'", "'unsafe-inline'"]),
        ("img-src", img),
        ("connect-src", ["'self'"]),
        ("object-src", ["'none'"]),
        ("frame-ancestors", ["'none'"]),
        ("base-uri", ["'self'"]),
        ("form-action", ["'self'"]),
    ]
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives)


def content_security_policy() -> str:
    return _policy(
        getattr(settings, "MAP_TILE_URL", "") or "",
        getattr(settings, "MAP_TILE_SUBDOMAINS", "") or "",
    )


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the header the reverse proxy sets when CLIENT_ADDRESS_HEADER names one."""
    header = getattr(settings, "CLIENT_ADDRESS_HEADER", "")
    if header:
        key = "HTTP_" + header.upper().replace("-", "_")
        value = request.META.get(key, "").split(",")[0].strip()
        if value:
            return value[:64]
    return (request.META.get("REMOTE_ADDR") or "unknown")[:64]


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        headers = response.headers
        if "Content-Security-Policy" not in headers:
            headers["Content-Security-Policy"] = content_security_policy()
        if "Permissions-Policy" not in headers:
            headers["Permissions-Policy"] = PERMISSIONS_POLICY
        seconds = getattr(settings, "HSTS_SECONDS", 0)
        if (
            getattr(settings, "HTTPS", False)
            and seconds
            and "Strict-Transport-Security" not in headers
        ):
            headers["Strict-Transport-Security"] = f"max-age={seconds}"
        return response
