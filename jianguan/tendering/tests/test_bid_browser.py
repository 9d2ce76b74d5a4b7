"""A bidder seals and submits a bid in a real browser; the server proves it was sealed.

Logs in through the real login page, generates and registers this tender's key on the bid
page (the private key comes back as a download), seals a PDF with the price summary in the
browser and uploads it in several chunks, one of which fails once and is retried. Then, on
the server side, the downloaded private key unwraps the stored package and opens the PDF
and the price. Drives Debian's Chromium through Playwright; without /usr/bin/chromium the
test is skipped, unless REQUIRE_BROWSER=1 (CI) makes that a failure.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from jianguan.core.timeutil import now
from jianguan.tendering import sealer
from jianguan.tendering.bids import services as bid_services
from jianguan.tendering.models import Bid, Tender
from jianguan.tendering.services.clock import tenders_advance
from jianguan.tendering.tests.test_services import _keys, _publish, _seal, _submit, _tender

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "Persona-pass-2026"
PDF_BYTES = b"%PDF-1.4\n% JianGuan browser bid\n" + b"technical proposal " * 200 + b"\n%%EOF\n"

pytestmark = pytest.mark.browser


@pytest.fixture
def chromium_path():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but Chromium not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    return CHROMIUM


def test_bidder_seals_and_submits_in_the_browser(
    live_server, chromium_path, market, tmp_path, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    monkeypatch.setattr(bid_services, "CHUNK_SIZE", 1024)  # several chunks
    from playwright.sync_api import expect, sync_playwright

    tender = _publish(market, _tender(market))
    bidder = market["bidders"][0]
    pdf = tmp_path / "技术标.pdf"
    pdf.write_bytes(PDF_BYTES)
    errors: list[str] = []
    chunk_calls: list[str] = []

    def flaky_chunk(route):
        chunk_calls.append(route.request.url)
        if route.request.url.endswith("/chunks/1") and chunk_calls.count(route.request.url) == 1:
            route.abort()  # the connection drops once: the page retries this chunk
        else:
            route.continue_()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            context = browser.new_context(accept_downloads=True, locale="zh-CN")
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.route("**/api/v1/tendering/uploads/*/chunks/*", flaky_chunk)

            page.goto(f"{live_server.url}/tendering/{tender.pk}/bid/")
            page.wait_for_url("**/accounts/login/**")
            page.fill("#id_username", bidder.username)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"**/tendering/{tender.pk}/bid/")
            expect(page.locator("#btn-submit")).to_be_disabled()

            # step 1: generate, download the private key, confirm, register the public key
            page.click("#btn-generate")
            expect(page.locator("#key-download")).to_be_visible()
            expect(page.locator("#btn-register")).to_be_disabled()
            with page.expect_download() as info:
                page.click("#key-download")
            key_file = tmp_path / "key.pem"
            info.value.save_as(key_file)
            private_pem = key_file.read_bytes()
            assert private_pem.startswith(b"-----BEGIN PRIVATE KEY-----")
            page.check("#key-saved")
            page.click("#btn-register")
            expect(page.locator("#key-done")).to_contain_text("公钥已登记")

            # step 2: a wrong account number is refused in Chinese, then the bid goes in
            page.set_input_files("#id_files", str(pdf))
            page.fill("#id_price", "29500000.00")
            page.fill("#id_duration", "540")
            page.fill("#id_safety", "杜绝较大及以上安全事故")
            page.fill("#id_account", "12ab")
            page.click("#btn-submit")
            expect(page.locator("#bid-alert")).to_contain_text("基本账户账号")
            page.fill("#id_account", "0200004509200123456")
            page.click("#btn-submit")
            expect(page.locator("#receipt")).to_be_visible(timeout=30_000)
            expect(page.locator("#bid-alert")).to_be_hidden()
            receipt_number = page.locator("#receipt-number").inner_text().strip()
            shown_sm3 = page.locator("#receipt-sm3").inner_text().strip()
            shown_time = page.locator("#receipt-time").inner_text().strip()
            expect(page.locator("#seal-progress")).to_have_attribute("aria-valuenow", "100")
            expect(page.locator("#upload-progress")).to_have_attribute("aria-valuenow", "100")
            if os.environ.get("SCREENSHOT_DIR"):
                page.screenshot(
                    path=str(Path(os.environ["SCREENSHOT_DIR"], "bid.png")), full_page=True
                )
            bid = Bid.objects.get(tender=tender, bidder_id=bidder.organisation_id)
            sealed_bytes = Path(bid.package.path).read_bytes()

            # opening: two more bids, the deadline passes, the bidder unseals in the browser
            for i, other in enumerate(market["bidders"][1:3]):
                _, public = _keys(other, tender)
                _submit(other, tender, _seal(tmp_path, public, f"2900000{i}.00"))
            Tender.objects.filter(pk=tender.pk).update(
                bid_deadline=now() - dt.timedelta(seconds=1),
                next_check_at=now() - dt.timedelta(seconds=1),
            )
            assert tenders_advance() == 1
            page.goto(f"{live_server.url}/tendering/bids/{bid.pk}/unseal/")
            page.set_input_files("#id_private_key", str(key_file))
            page.click("#btn-unseal")
            expect(page.locator("#unseal-result")).to_contain_text("29500000.00")
            expect(page.locator("#bid-status")).to_have_text("已解密")
        finally:
            browser.close()

    assert errors == []
    assert bid.status == Bid.SUBMITTED and bid.receipt_number == receipt_number
    assert bid.package_sm3 == shown_sm3 == sealer.package_sm3(Path(bid.package.path))
    local = bid.received_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert local.strftime("%Y/%m/%d %H:%M") in shown_time
    # several chunks went up; chunk 1 was sent twice (dropped once, then retried)
    assert bid.package_size > 2 * 1024
    assert sum(url.endswith("/chunks/1") for url in chunk_calls) == 2
    # sealed: the platform alone cannot read it; the downloaded private key opens it
    assert PDF_BYTES not in sealed_bytes and b"29500000" not in sealed_bytes
    data_key = sealer.unwrap_data_key(package=bid.package.path, private_pem=private_pem)
    opened = sealer.open_package(
        package=bid.package.path, data_key=data_key, out_dir=tmp_path / "o"
    )
    assert (tmp_path / "o" / "技术标.pdf").read_bytes() == PDF_BYTES
    assert opened.summary["price"] == "29500000.00" and opened.summary["duration_days"] == 540
    assert opened.summary["safety"] == "杜绝较大及以上安全事故"
    bid.refresh_from_db()
    assert bid.status == Bid.OPENED and str(bid.price) == "29500000.00"
