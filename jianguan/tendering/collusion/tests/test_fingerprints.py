"""Authoring fingerprints and bond accounts (条例 40 一/二/三/五/六)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from pypdf import PdfWriter

from jianguan.tendering.collusion.fingerprints import fingerprint_screens, groups, pdf_metadata


def make_pdf(
    *, author: str = "", creator: str = "", created: str = "", clone: bytes = b""
) -> bytes:
    """A one-page PDF. ``clone``: start from that file (as "save as" does), which keeps its
    /ID[0]; pypdf's generate_file_identifiers() then renews only /ID[1]."""
    writer = PdfWriter(clone_from=io.BytesIO(clone)) if clone else PdfWriter()
    if not clone:
        writer.add_blank_page(595, 842)
    meta = {"/Author": author, "/Creator": creator, "/CreationDate": created}
    writer.add_metadata({k: v for k, v in meta.items() if v})
    writer.generate_file_identifiers()
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def bid(n: int, **over) -> dict:
    """A clean bid: every identifier distinct from every other bid's."""
    base = {
        "bidder": f"B{n}",
        "machine_fingerprint": {
            "hostname_sm3": f"h{n}",
            "mac_sm3": [f"m{n}a", f"m{n}b"],
            "user_sm3": "u-admin",  # same login name alone is not a machine match
            "platform": "Windows-10",
        },
        "upload_ip": f"10.0.{n}.7",
        "files": [
            {
                "name": "技术标.pdf",
                "pdf": make_pdf(
                    author=f"作者{n}",
                    creator="WPS 文字",
                    created=f"D:2026030{n % 9 + 1}101500+08'00'",
                ),
            }
        ],  # fmt: skip
        "contacts": {"agent": f"代理人{n}", "phone": f"1380000{n:04d}", "email": f"b{n}@x.cn"},
        "key_staff": [f"京111{n:012d}"],
        "bond_account": f"0200 0012 {n:04d}",
    }
    return {**base, **over}


def test_clean_bids_give_nothing() -> None:
    assert fingerprint_screens([bid(i) for i in range(6)]) == []


def test_same_pdf_id_author_and_close_creation() -> None:
    first = make_pdf(author="王工", creator="WPS 文字", created="D:20260301101500+08'00'")
    copy = make_pdf(
        author="王工", creator="WPS 文字", created="D:20260301101630+08'00'", clone=first
    )
    assert pdf_metadata(first)["id0"] == pdf_metadata(copy)["id0"]
    bids = [bid(1), bid(2), bid(3)]
    bids[0]["files"] = [{"name": "a.pdf", "pdf": first}]
    bids[2]["files"] = [{"name": "c.pdf", "pdf": copy}]
    ev = {e["indicator"]: e for e in fingerprint_screens(bids)}
    assert set(ev) == {"same_pdf_id", "same_pdf_author", "close_pdf_creation"}
    for e in ev.values():
        assert e["bidders"] == ["B1", "B3"]
        assert e["details"]["article"] == "《招标投标法实施条例》第四十条第（一）项"
    assert ev["close_pdf_creation"]["value"] == 90  # seconds between the two CreationDates
    assert ev["same_pdf_author"]["details"]["strength"] == "medium"
    json.dumps(list(ev.values()), ensure_ascii=False)


def test_generic_author_is_weak_and_pdf_path_accepted(tmp_path: Path) -> None:
    bids = [bid(1), bid(2)]
    for b in bids:
        path = tmp_path / f"{b['bidder']}.pdf"
        path.write_bytes(make_pdf(author="Administrator"))
        b["files"] = [{"name": path.name, "pdf": path}]
    (e,) = fingerprint_screens(bids)
    assert e["indicator"] == "same_pdf_author" and e["details"]["strength"] == "weak"
    assert "弱证据" in e["message_zh"]
    assert groups([e]) == [] and groups([e], min_strength="weak") == [["B1", "B2"]]


def test_machine_contacts_staff_and_bond() -> None:
    bids = [bid(i) for i in range(1, 6)]
    bids[1]["machine_fingerprint"]["mac_sm3"] = ["zz", "m1b"]  # shares one NIC with B1
    bids[2]["machine_fingerprint"]["hostname_sm3"] = "h1"  # + same user as B1
    bids[3]["contacts"] = {"agent": " 代理人1 ", "phone": "+86 138-0000-0002", "email": "B3@X.CN"}
    bids[4]["key_staff"] = ["京111000000000001"]
    bids[4]["bond_account"] = "020000120001"
    bids[4]["upload_ip"] = "10.0.2.7"
    ev = fingerprint_screens(bids)
    found = {(e["indicator"], tuple(e["bidders"]), e["details"]["article"][-3]) for e in ev}
    assert found == {
        ("same_machine", ("B1", "B2"), "一"),
        ("same_machine", ("B1", "B3"), "一"),
        ("same_agent", ("B1", "B4"), "二"),
        ("same_contact_phone", ("B2", "B4"), "二"),
        ("same_contact_email", ("B3", "B4"), "二"),
        ("same_key_staff", ("B1", "B5"), "三"),
        ("same_bond_account", ("B1", "B5"), "六"),
        ("same_upload_ip", ("B2", "B5"), "一"),
    }
    assert all(e["message_zh"].startswith("投标人") for e in ev)
    assert groups(ev) == [["B1", "B2", "B3", "B4", "B5"]]


def test_browser_fingerprint_and_three_way_group() -> None:
    bids = [bid(i, machine_fingerprint={"sm3": "same", "user_agent": "Chrome"}) for i in (1, 2, 3)]
    bids.append(bid(4, machine_fingerprint={"sm3": "other"}))
    (e,) = fingerprint_screens(bids)
    assert e["bidders"] == ["B1", "B2", "B3"] and e["value"] == 3
    assert "浏览器指纹" in e["message_zh"]


def test_bad_pdfs_are_noted_not_raised() -> None:
    bids = [bid(1), bid(2)]
    bids[0]["files"] = [{"name": "坏.pdf", "pdf": b"not a pdf"}, {"name": "无", "pdf": None}]
    (e,) = fingerprint_screens(bids)
    assert e["indicator"] == "fingerprint_notes" and e["value"] == 2 and e["bidders"] == []
    assert "坏.pdf" in e["message_zh"]
