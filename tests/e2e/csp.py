"""Browser-side check of the Content-Security-Policy (jianguan.core.security): every page
document the browser loads carries the policy without inline script, and the browser reports
no violation of it (Chromium reports one as a console error naming the policy, and fires a
`securitypolicyviolation` event, which a script injected by the test - exempt from the
page's policy - keeps across navigations in sessionStorage)."""

from __future__ import annotations

LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  var seen = JSON.parse(sessionStorage.getItem("jg-csp") || "[]");
  seen.push(e.violatedDirective + " " + (e.blockedURI || "") + " " + location.pathname);
  sessionStorage.setItem("jg-csp", JSON.stringify(seen));
});
"""


class CspWatch:
    def __init__(self, page):
        self.page = page
        self.documents: list[tuple[str, str | None]] = []
        self.console: list[str] = []
        page.add_init_script(LISTENER)
        page.on(
            "response",
            lambda r: (
                self.documents.append((r.url, r.headers.get("content-security-policy")))
                if r.request.resource_type == "document"
                else None
            ),
        )
        page.on(
            "console",
            lambda msg: (
                self.console.append(msg.text) if "Content Security Policy" in msg.text else None
            ),
        )

    def violations(self) -> list[str]:
        """Call while on a page of the site (sessionStorage is per origin)."""
        return self.page.evaluate('() => JSON.parse(sessionStorage.getItem("jg-csp") || "[]")')

    def assert_clean(self, violations: list[str] = ()) -> None:
        assert self.documents, "no page document was seen"
        for url, policy in self.documents:
            assert policy, f"no Content-Security-Policy on {url}"
            script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
            assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src, url
        assert self.console == [], self.console
        assert list(violations) == [], violations
