"""Security headers on every response (CSP without inline script, Permissions-Policy, ...),
no inline script or event handler in any template, and Secure cookies + HSTS over TLS."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from jianguan.core.security import content_security_policy, tile_sources

pytestmark = pytest.mark.django_db

ROOT = Path(django_settings.BASE_DIR)
ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/admin/login/",
    "/api/v1/docs",
    "/healthz",
    "/no-such-page/",
]
SIGNED_IN_PAGES = [
    "/",
    "/projects/",
    "/projects/map/",
    "/contracts/",
    "/compliance/",
    "/tendering/",
]


def _directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def _check_headers(response, url: str) -> None:
    policy = response.headers.get("Content-Security-Policy")
    assert policy, url
    d = _directives(policy)
    assert d["default-src"] == ["'self'"], url
    assert d["script-src"] == ["'self'"], url  # no 'unsafe-inline', no 'unsafe-eval'
    assert d["style-src"] == ["'self'", "'unsafe-inline'"]
    assert d["img-src"][:3] == ["'self'", "data:", "blob:"]
    assert d["connect-src"] == ["'self'"]
    assert d["frame-ancestors"] == ["'none'"]
    assert d["base-uri"] == ["'self'"]
    assert d["form-action"] == ["'self'"]
    assert d["object-src"] == ["'none'"]
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=(self)", "payment=()", "usb=()"):
        assert feature in permissions
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I
)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)


def _check_html(response, url: str) -> None:
    if "text/html" not in response.headers.get("Content-Type", ""):
        return
    html = response.content.decode()
    assert not INLINE_SCRIPT.findall(html), url
    assert not HANDLER.findall(html), url
    assert "javascript:" not in html, url


def test_anonymous_pages_carry_the_headers(client):
    for url in ANONYMOUS_PAGES:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        _check_headers(response, url)
        if url != "/api/v1/docs":  # Ninja's own page: scripts by src, settings as JSON
            _check_html(response, url)


def test_signed_in_pages_and_api_carry_the_headers(login_as, regulator):
    client = login_as(regulator)
    for url in [*SIGNED_IN_PAGES, "/api/v1/openapi.json"]:
        response = client.get(url)
        assert response.status_code == 200, url
        _check_headers(response, url)
        _check_html(response, url)


def test_a_failed_login_carries_the_headers(client, db):
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    _check_headers(response, "login POST")


def test_the_swagger_page_loads_only_local_assets(client):
    html = client.get("/api/v1/docs").content.decode()
    sources = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    # its one inline <script> is data (type application/json), which a CSP does not run
    assert not INLINE_SCRIPT.findall(html)


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in sorted((ROOT / "jianguan").glob("**/templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, HANDLER, re.compile(r"javascript:", re.I)):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0)[:60]}")
    assert offenders == []


def test_the_map_tile_hosts_join_img_src_only_when_configured(settings):
    settings.MAP_TILE_URL = ""
    assert _directives(content_security_policy())["img-src"] == ["'self'", "data:", "blob:"]
    settings.MAP_TILE_URL = (
        "https://t{s}.tianditu.gov.cn/vec_w/wmts?x={x}&y={y}&l={z}"
        "|https://{s}.tiles.example.cn/{z}/{x}/{y}.png|/tiles/{z}/{x}/{y}.png"
    )
    settings.MAP_TILE_SUBDOMAINS = "01"
    img = _directives(content_security_policy())["img-src"]
    assert img[3:] == [
        "https://t0.tianditu.gov.cn",
        "https://t1.tianditu.gov.cn",
        "https://0.tiles.example.cn",
        "https://1.tiles.example.cn",
    ]


def test_tile_sources_wildcard_and_bad_hosts():
    assert tile_sources("https://{q}.example.cn/{z}.png") == ["https://*.example.cn"]
    assert tile_sources("http://tiles.local:8080/{z}/{x}/{y}.png") == ["http://tiles.local:8080"]
    assert tile_sources("https://a b;script-src *.evil/x", "") == []
    assert tile_sources("/tiles/{z}.png") == []


def test_over_tls_cookies_are_secure_and_hsts_is_sent(
    client, contractor, persona_password, settings
):
    settings.HTTPS = True
    settings.HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    page = client.get("/accounts/login/")
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert page.cookies["csrftoken"]["secure"] is True
    response = client.post(
        "/accounts/login/", {"username": "gc", "password": persona_password}, secure=True
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] is True
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_without_tls_no_hsts(client, settings):
    settings.HTTPS = False
    assert "Strict-Transport-Security" not in client.get("/accounts/login/").headers


PROBE = """
import importlib, json, os, sys
out = {}
for name, env in json.loads(sys.argv[1]).items():
    for key in ("HTTPS", "SECURE_COOKIES", "DEBUG", "PUBLIC_BASE_URL", "HSTS_SECONDS"):
        os.environ.pop(key, None)
    os.environ.update(env)
    import config.settings as s
    s = importlib.reload(s)
    out[name] = [s.HTTPS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS]
print(json.dumps(out))
"""


def test_the_https_setting_and_its_defaults(tmp_path):
    cases = {
        "make run (http on 127.0.0.1)": {},
        "public https address": {"PUBLIC_BASE_URL": "https://jg.daxing.example.cn"},
        "intranet http address": {"PUBLIC_BASE_URL": "http://10.8.0.5:8000"},
        "intranet without TLS, said so": {"PUBLIC_BASE_URL": "http://10.8.0.5", "HTTPS": "0"},
        "TLS proxy in front of 127.0.0.1": {"HTTPS": "1", "HSTS_SECONDS": "600"},
        "DEBUG": {"DEBUG": "1", "PUBLIC_BASE_URL": "https://jg.daxing.example.cn"},
        "TLS but cookies forced off": {"HTTPS": "1", "SECURE_COOKIES": "0"},
    }
    env = {"PATH": "/usr/bin:/bin", "DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(cases)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    year = 31536000
    assert got["make run (http on 127.0.0.1)"] == [False, False, False, 0]
    assert got["public https address"] == [True, True, True, year]
    assert got["intranet http address"] == [True, True, True, year]
    assert got["intranet without TLS, said so"] == [False, False, False, 0]
    assert got["TLS proxy in front of 127.0.0.1"] == [True, True, True, 600]
    assert got["DEBUG"] == [False, False, False, 0]
    assert got["TLS but cookies forced off"] == [True, False, False, year]
