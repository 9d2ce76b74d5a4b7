"""Run the online verifier against this test server: Django's test client is its fetch."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlsplit

from jianguan.ledger import verify
from jianguan.ledger.verify import FetchError

BASE = "http://testserver"


def client_fetch(client):
    def fetch(url: str, headers) -> object:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = client.get(path, headers=dict(headers))
        if response.status_code != 200:
            raise FetchError(f"HTTP {response.status_code} for {url}")
        return response.json()

    return fetch


def run_verifier(client, headers, state: Path) -> tuple[int, str]:
    """`python -m jianguan.ledger.verify --url … --token …` with the persona's token."""
    from jianguan.ledger.services import tree_head_sign

    tree_head_sign()  # publishes the signing key (the verifier reads /keys before /head)
    token = headers["Authorization"].removeprefix("Bearer ")
    out = io.StringIO()
    code = verify.main(
        ["--url", BASE, "--token", token, "--state", str(state)],
        fetch=client_fetch(client),
        out=out,
    )
    return code, out.getvalue()
