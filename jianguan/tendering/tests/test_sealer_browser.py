"""sealer.js (the browser sealer) against the Python sealer, both ways.

One JS scenario runs in Debian's Chromium through Playwright (the real target: WebCrypto
needs a secure context, so the page is served from http://127.0.0.1) and, where Node.js is
installed, in Node too (same WebCrypto API), so the format is cross-checked even on machines
without Chromium. Without /usr/bin/chromium the Chromium test is skipped, unless
REQUIRE_BROWSER=1 (CI) makes that a failure. No database and no Django server are needed.
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from jianguan.tendering import sealer
from tests.needs import tool

CHROMIUM = "/usr/bin/chromium"
SEALER_JS = Path(__file__).resolve().parents[1] / "static" / "tendering" / "sealer.js"
BIG = 3 * (1 << 20) + 12345

pytestmark = pytest.mark.browser

# Runs with one argument {publicPem, pyPackageB64, pyPrivatePem}; returns plain JSON.
SCENARIO = """
async (args) => {
  const S = globalThis.JianGuanSealer;
  const toB64 = async (blob) => {
    const u8 = new Uint8Array(await blob.arrayBuffer());
    let s = "";
    for (let i = 0; i < u8.length; i += 0x8000) {
      s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
    }
    return btoa(s);
  };
  const big = new Uint8Array(%(big)d);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) & 255;
  const files = [
    new File([big], "技术标.pdf", { type: "application/pdf" }),
    new File([new TextEncoder().encode("商务标 v1\\n")], "商务标.txt"),
  ];
  const summary = { bid_price: "12345678.90", duration_days: 365, quality: "合格" };
  let calls = 0, last = null;
  const pkg = await S.seal({
    files, summary, recipientPublicKeyPem: args.publicPem,
    onProgress: (p) => { calls++; last = p; },
  });
  const jsKeys = await S.generateKeyPair();
  const jsPkg = await S.seal({
    files: [new File([new Uint8Array(0)], "empty.bin")], summary: { bid_price: "1" },
    recipientPublicKeyPem: jsKeys.publicKeySpkiPem,
  });
  const pyBlob = new Blob([Uint8Array.from(atob(args.pyPackageB64), (c) => c.charCodeAt(0))]);
  const unwrappedHex = await S.unwrapDataKey({ packageBlob: pyBlob, privateKeyPem: args.pyPrivatePem });
  let wrongKeyCode = null;
  try {
    await S.unwrapDataKey({ packageBlob: pyBlob, privateKeyPem: jsKeys.privateKeyPkcs8Pem });
  } catch (e) { wrongKeyCode = e.code; }
  return {
    abc: S.sm3Hex(new TextEncoder().encode("abc")),
    abcd16: S.sm3Hex(new TextEncoder().encode("abcd".repeat(16))),
    packageB64: await toB64(pkg), jsPackageB64: await toB64(jsPkg), jsKeys,
    unwrappedHex, wrongKeyCode, progressCalls: calls, progressLast: last,
    fingerprint: S.fingerprint(),
  };
}
""" % {"big": BIG}  # noqa: UP031  (JS braces would need doubling in an f-string)


def _expected_big() -> bytes:
    return bytes((i * 31 + 7) & 255 for i in range(BIG))


@pytest.fixture(scope="module")
def keys_and_python_package(tmp_path_factory):
    folder = tmp_path_factory.mktemp("py")
    private_pem, public_pem = sealer.generate_keypair()
    (folder / "a.txt").write_bytes(b"python side")
    sealer.seal(
        files=[folder / "a.txt"],
        summary={"bid_price": "99.00"},
        recipient_public_pem=public_pem,
        out=folder / "py.zip",
    )
    return private_pem, public_pem, folder / "py.zip"


def _args(keys_and_python_package) -> dict[str, str]:
    private_pem, public_pem, package = keys_and_python_package
    return {
        "publicPem": public_pem.decode(),
        "pyPackageB64": base64.b64encode(package.read_bytes()).decode(),
        "pyPrivatePem": private_pem.decode(),
    }


def _check(result: dict, keys_and_python_package, tmp_path: Path) -> None:
    private_pem, _, py_package = keys_and_python_package
    assert result["abc"] == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert result["abcd16"] == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"

    # JS sealed for a Python key: Python validates, unwraps and opens it.
    package = tmp_path / "js.zip"
    package.write_bytes(base64.b64decode(result["packageB64"]))
    manifest = sealer.verify_package_structure(package)
    assert [f.name for f in manifest.files] == ["技术标.pdf", "商务标.txt"]
    assert manifest.files[0].media_type == "application/pdf"
    assert manifest.fingerprint["kind"] == "browser"
    assert manifest.fingerprint["sm3"] == result["fingerprint"]["sm3"]
    data_key = sealer.unwrap_data_key(package=package, private_pem=private_pem)
    opened = sealer.open_package(package=package, data_key=data_key, out_dir=tmp_path / "out")
    assert (tmp_path / "out" / "技术标.pdf").read_bytes() == _expected_big()
    assert (tmp_path / "out" / "商务标.txt").read_bytes() == "商务标 v1\n".encode()
    nonce = opened.summary.pop("nonce")
    assert len(nonce) == 64
    assert opened.summary == {"bid_price": "12345678.90", "duration_days": 365, "quality": "合格"}
    assert result["progressCalls"] >= 4
    total = BIG + len("商务标 v1\n".encode())
    assert result["progressLast"] == {"done": total, "total": total}

    # A key pair made in JS: Python reads the PKCS#8 private key and opens the JS package.
    js_package = tmp_path / "js-own.zip"
    js_package.write_bytes(base64.b64decode(result["jsPackageB64"]))
    js_private = result["jsKeys"]["privateKeyPkcs8Pem"].encode()
    js_public = result["jsKeys"]["publicKeySpkiPem"].encode()
    assert sealer.read_manifest(js_package).recipient_key_fingerprint == sealer.key_fingerprint(
        js_public
    )
    key = sealer.unwrap_data_key(package=js_package, private_pem=js_private)
    opened = sealer.open_package(package=js_package, data_key=key)
    assert opened.files[0].size == 0 and opened.summary["bid_price"] == "1"

    # JS unwraps a package sealed by Python, and names a wrong key.
    assert result["unwrappedHex"] == (
        sealer.unwrap_data_key(package=py_package, private_pem=private_pem).hex()
    )
    assert result["wrongKeyCode"] == "wrong_key"


@pytest.fixture
def chromium_path():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but Chromium not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    return CHROMIUM


@pytest.fixture
def page_url(tmp_path):
    """The page and sealer.js over http://127.0.0.1 (a secure context, unlike file://)."""
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(SEALER_JS, site / "sealer.js")
    (site / "index.html").write_text(
        '<!doctype html><meta charset="utf-8"><title>sealer</title><link rel="icon" href="data:,">'
        '<script src="sealer.js"></script>',
        encoding="utf-8",
    )
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_sealer_js_in_chromium(chromium_path, page_url, keys_and_python_package, tmp_path):
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            requested: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            page.goto(page_url)
            assert page.evaluate("window.isSecureContext && !!window.JianGuanSealer")
            result = page.evaluate(SCENARIO, _args(keys_and_python_package))
        finally:
            browser.close()
    assert errors == []
    assert all(url.startswith(page_url.rsplit("/", 1)[0]) for url in requested)
    _check(result, keys_and_python_package, tmp_path)


def test_sealer_js_in_node(keys_and_python_package, tmp_path):
    node = tool("node")  # skips without Node.js, fails under CI (.ci/run installs it)
    script = (
        f"require({json.dumps(str(SEALER_JS))});\n"
        "const chunks = []; process.stdin.on('data', (c) => chunks.push(c));\n"
        "process.stdin.on('end', async () => {\n"
        f"  const scenario = {SCENARIO};\n"
        "  const result = await scenario(JSON.parse(Buffer.concat(chunks).toString()));\n"
        "  process.stdout.write(JSON.stringify(result));\n"
        "});\n"
    )
    proc = subprocess.run(
        [node, "-e", script],
        input=json.dumps(_args(keys_and_python_package)).encode(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    _check(json.loads(proc.stdout), keys_and_python_package, tmp_path)
