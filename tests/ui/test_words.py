"""Issue 16 (words): what each demo persona reads is Chinese, with names, not codes.

For each main persona of the demo district, the pages its sidebar links to and the object
pages one level down (one page per URL shape, so a list of 100 projects costs one visit) must
not show, in visible text: a ledger type code (`contracts.variation_applied`), a bare
snake_case code (`schedule_slip`), a username (`demo-…`, `owner`), Django's empty choice
`---------`, a money figure of 4+ integer digits without separators (`28400000.00`), a raw
ratio (`0.0300`), or English unit words (points / ratio / day). Codes shown on purpose as
secondary text are marked `jg-code` (rule codes on the rules page) and are not read.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.ui.visible import read

pytestmark = pytest.mark.django_db

PERSONAS = [
    "regulator",
    "owner",
    "contractor",
    "subcontractor",
    "supervisor",
    "designer",
    "finance",
    "auditor",
    "agency",
    "insurer",
    "expert1",
    "bidder1",
]
USERNAMES = PERSONAS + ["expert2", "bidder2"]

# A file name ("照片.jpg", "order.pdf") or a web address a note cites is content, not a code.
_FILE_NAME = re.compile(
    r"\.(?:pdf|xlsx|xls|json|geojson|csv|zip|png|jpe?g|docx?|ifc|txt|pem|html|com|cn|org|net)$"
)
CHECKS = {
    "ledger or dotted code": re.compile(r"(?<![\w./@-])[a-z][a-z_]*\.[a-z_]+(?![\w/@-])"),
    "snake_case code": re.compile(r"(?<![A-Za-z0-9_.-])[a-z]+(?:_[a-z0-9]+)+(?![A-Za-z0-9_-])"),
    "username": re.compile(
        r"demo-[A-Za-z0-9]+|(?<![A-Za-z0-9_./@-])(?:"
        + "|".join(USERNAMES)
        + r")(?![A-Za-z0-9_/@-])"
    ),
    "empty choice": re.compile(r"-{5,}"),
    "unformatted money": re.compile(r"(?<![\d,.])\d{4,}\.\d{2}(?!\d)"),
    "raw ratio": re.compile(r"(?<![\d.,])0\.\d{4}(?!\d)"),
    "English unit": re.compile(r"(?<![A-Za-z])(?:points|ratio|days?|working_day)(?![A-Za-z])"),
    # a geometry's type as its label ("已登记（Polygon）"); upload instructions may name GeoJSON types
    "geometry type": re.compile(r"[（(](?:Multi)?(?:Polygon|LineString|Point)[）)]"),
}

# Not pages a person reads: downloads, the API, static files, actions behind a form.
_SKIP = re.compile(
    r"^/(?:api|static|media|admin)/|/logout/|\.(?:pdf|xlsx|json|geojson|csv|zip)$|/files?/|/export"
)
MAX_PAGES = 60


def _shape(path: str) -> str:
    return re.sub(r"\d+", "#", path)


def _client_for(username: str):
    from django.test import Client

    from jianguan.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    # The first-login guide is part of the dashboard: read it too.
    return client


def _choice_codes() -> re.Pattern:
    """Every one-word status or kind code of the models' choices (draft, signed, evidence…):
    pages show their Chinese labels (get_FOO_display), never the stored value."""
    from django.apps import apps

    words = {
        value
        for model in apps.get_models()
        for f in model._meta.fields
        if f.choices
        for value, _ in f.flatchoices
        if isinstance(value, str) and re.fullmatch(r"[a-z]{3,}", value)
    }
    return re.compile(
        r"(?<![A-Za-z0-9_./@-])(?:" + "|".join(sorted(words)) + r")(?![A-Za-z0-9_/@-])"
    )


def problems_in(html: str) -> list[str]:
    text, _, _ = read(html)
    found = []
    if "status or kind code" not in CHECKS:
        CHECKS["status or kind code"] = _choice_codes()
    for name, pattern in CHECKS.items():
        for m in pattern.finditer(text):
            if name == "ledger or dotted code" and _FILE_NAME.search(m.group(0)):
                continue
            start = max(0, m.start() - 30)
            found.append(f"{name}: {m.group(0)!r} in …{text[start : m.end() + 30]}…")
    return found


def _internal(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if _SKIP.search(parts.path):
        return None
    return parts.path


def crawl(username: str) -> tuple[dict[str, int], dict[str, list[str]]]:
    """(status of every nav link, problems by page) for one persona."""
    client = _client_for(username)
    home = client.get("/")
    assert home.status_code == 200, username
    _, _, nav = read(home.content.decode())
    statuses: dict[str, int] = {}
    problems: dict[str, list[str]] = {}
    seen_shapes: set[str] = set()
    queue: list[str] = []
    pages = {"/": home}
    for href in dict.fromkeys(nav):
        path = _internal(href)
        if path is None:
            continue
        response = pages.get(path) or client.get(path)
        statuses[path] = response.status_code
        pages[path] = response
    for path, response in pages.items():
        seen_shapes.add(_shape(path))
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        problems[path] = problems_in(html)
        for href in read(html)[1]:
            sub = _internal(href)
            if sub and _shape(sub) not in seen_shapes:
                seen_shapes.add(_shape(sub))
                queue.append(sub)
    for path in queue[:MAX_PAGES]:
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        problems[path] = problems_in(response.content.decode())
    return statuses, {p: found for p, found in problems.items() if found}


# One crawl per persona serves both tests below (the district is the same, read-only pages).
_CRAWLS: dict[str, tuple[dict[str, int], dict[str, list[str]]]] = {}


def _crawl_once(username: str):
    if username not in _CRAWLS:
        _CRAWLS[username] = crawl(username)
    return _CRAWLS[username]


@pytest.mark.parametrize("username", PERSONAS)
def test_every_navigation_link_answers_200(demo_district, username):
    statuses, _ = _crawl_once(username)
    assert statuses, f"{username} sees no navigation"
    bad = [f"{path} ({code})" for path, code in statuses.items() if code != 200]
    assert not bad, f"{username}: navigation links that do not answer 200: {bad}"


@pytest.mark.parametrize("username", PERSONAS)
def test_pages_show_names_and_chinese_words(demo_district, username):
    _, problems = _crawl_once(username)
    report = "\n".join(
        f"{path}\n    " + "\n    ".join(found[:6]) for path, found in problems.items()
    )
    assert not problems, f"{username} reads codes or raw numbers:\n{report}"


def test_the_checks_catch_what_the_tester_found():
    # The patterns themselves, on the strings of the issue (so a green crawl means something).
    for leak in [
        "<td>contracts.variation_applied</td>",
        "<td>规则 schedule_slip</td>",
        "<td>已签署 owner</td>",
        "<td>demo-953205XQ</td>",
        "<option>---------</option>",
        "<td>28400000.00</td>",
        "<td>0.0300</td>",
        "<td>5 points</td>",
        "<td>已登记（Polygon）</td>",
    ]:
        assert problems_in(leak), leak
    for fine in [
        "<td>28,400,000.00 元</td>",
        "<td>3.00 %</td>",
        "<td>已签署 张三（大兴区教委）</td>",
        '<td><span class="jg-code">tender.documents_to_deadline_min</span></td>',
        "<td>现场照片.jpg</td>",
        "<td><code>python -m jianguan.ledger.verify</code></td>",
    ]:
        assert not problems_in(fine), fine
