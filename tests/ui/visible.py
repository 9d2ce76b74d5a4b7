"""What a person reads on a page: the text of the HTML less scripts, styles and codes shown on
purpose (elements marked `jg-code`, and <code>), found with the standard library's parser.

`jg-note` marks the rule data's own commentary (the rules page): free text written with the
data, which may quote a stored code on purpose; the checks hold the pages' own words."""

from __future__ import annotations

import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
SKIP_TAGS = {"script", "style", "code", "kbd", "template"}
SKIP_CLASSES = {"jg-code", "jg-note"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []
        self.links: list[str] = []
        self.nav: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
            if a.get("data-nav") and "nav-link" in (a.get("class") or ""):
                self.nav.append(a["href"])
        if tag in VOID:
            return
        skip = tag in SKIP_TAGS or bool(SKIP_CLASSES & set((a.get("class") or "").split()))
        self.stack.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not self._skipping():
            self.parts.append(data)


def read(html: str) -> tuple[str, list[str], list[str]]:
    """(visible text, every href, the sidebar's navigation hrefs)."""
    p = _Text()
    p.feed(html)
    p.close()
    text = re.sub(r"\s+", " ", " ".join(p.parts))
    return text, p.links, p.nav
