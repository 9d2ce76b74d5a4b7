"""The pure HJ 212 parser: CRC, the illustrative frames of HJ212.md §9, hand-made frames,
bad CRC, wrong length, truncated frames, flags of the 2005/2017/2025 editions."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jianguan.smartsite import hj212
from jianguan.smartsite.hj212 import FrameError, parse

MN = "0A1B2C3D4E5F60718293A4B5"
# HJ212.md §9 (CR LF omitted there).
UPLOAD = (
    "##0373QN=20261123093000123;ST=39;CN=2011;PW=123456;MN=0A1B2C3D4E5F60718293A4B5;Flag=5;"
    "CP=&&DataTime=20261123093000;a34002-Rtd=68.4,a34002-Flag=N;a34004-Rtd=31.2,a34004-Flag=N;"
    "a34001-Rtd=102.5,a34001-Flag=N;LA-Rtd=63.8,LA-Flag=N;a01007-Rtd=2.4,a01007-Flag=N;"
    "a01008-Rtd=135,a01008-Flag=N;a01001-Rtd=12.6,a01001-Flag=N;a01002-Rtd=48.0,a01002-Flag=N;"
    "a01006-Rtd=101.32,a01006-Flag=N&&CAC1"
)
ANSWER = (
    "##0087QN=20261123093000123;ST=91;CN=9014;PW=123456;MN=0A1B2C3D4E5F60718293A4B5;Flag=4;"
    "CP=&&&&2580"
)
MINUTE = (
    "##0304QN=20261123094002456;ST=39;CN=2051;PW=123456;MN=0A1B2C3D4E5F60718293A4B5;Flag=4;"
    "CP=&&DataTime=20261123093000;a34002-Min=55.1,a34002-Avg=66.9,a34002-Max=81.0,"
    "a34002-Flag=N;a34004-Min=27.0,a34004-Avg=30.8,a34004-Max=35.6,a34004-Flag=N;"
    "Leq-Data=62.7;L10-Data=66.1;L90-Data=55.4;LMx-Data=78.2;LMn-Data=51.3&&6E80"
)
KEYS = {"qn", "st", "cn", "pw", "mn", "flag", "pnum", "pno", "crc_ok", "cp", "extra"}


def test_crc_check_values():
    assert hj212.crc_hj212(b"123456789") == 0x2F80
    assert hj212.crc_modbus(b"123456789") == 0x4B37
    assert hj212.crc_text("") == "FFFF"
    # zero-padded, uppercase
    assert len(hj212.crc_text("x")) == 4


def test_crc_2017_appendix_a_example():
    # 2017 Appendix A (CN=1062, RtdInterval=30): the frame's 1C80 verifies with this algorithm.
    segment = (
        "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;"
        "CP=&&RtdInterval=30&&"
    )
    assert parse(f"##0101{segment}1C80\r\n", strict=True)["crc_ok"]


def test_illustrative_upload():
    got = parse(UPLOAD + "\r\n")
    assert set(got) == KEYS
    assert got["qn"] == "20261123093000123"
    assert got["st"] == "39" and got["cn"] == "2011" and got["pw"] == "123456"
    assert got["mn"] == MN and got["flag"] == 5
    assert got["pnum"] is None and got["pno"] is None
    assert got["crc_ok"] is True
    assert got["extra"] == {}
    cp = got["cp"]
    assert cp["DataTime"] == "20261123093000"
    assert cp["a34002-Rtd"] == Decimal("68.4") and isinstance(cp["a34002-Rtd"], Decimal)
    assert cp["a34002-Flag"] == "N"
    assert cp["a01008-Rtd"] == Decimal("135")
    assert cp["a01002-Rtd"] == Decimal("48.0")
    assert cp["a01006-Rtd"] == Decimal("101.32")
    assert len(cp) == 19


def test_illustrative_answer_is_what_ack_frame_builds():
    assert hj212.ack_frame(parse(UPLOAD)) == ANSWER + "\r\n"
    answer = parse(ANSWER)
    assert answer["crc_ok"] and answer["cn"] == "9014" and answer["cp"] == {}


def test_illustrative_minute_record():
    got = parse(MINUTE)
    assert got["crc_ok"] and got["cn"] == "2051" and got["flag"] == 4
    assert got["cp"]["Leq-Data"] == Decimal("62.7")
    assert got["cp"]["a34004-Max"] == Decimal("35.6")
    assert hj212.length_ok(MINUTE)


def test_bad_crc_is_reported_not_raised():
    broken = UPLOAD[:-4] + "CAC2"
    got = parse(broken)
    assert got["crc_ok"] is False
    assert got["mn"] == MN  # still read
    tampered = UPLOAD.replace("68.4", "18.4")
    assert parse(tampered)["crc_ok"] is False


def test_lowercase_and_unpadded_crc():
    assert parse(UPLOAD[:-4] + "cac1")["crc_ok"]
    segment = "ST=39;CN=2011;PW=1;MN=X;CP=&&a=1&&"
    crc = hj212.crc_hj212(segment.encode())
    assert parse(f"##{len(segment):04d}{segment}{crc:X}")["crc_ok"]


def test_modbus_variants_only_when_accepted():
    segment = "ST=39;CN=2011;PW=1;MN=X;Flag=4;CP=&&a34002-Rtd=1&&"
    modbus = hj212.crc_modbus(segment.encode())
    high_first = f"##{len(segment):04d}{segment}{modbus:04X}"
    wire = f"##{len(segment):04d}{segment}{((modbus & 0xFF) << 8) | (modbus >> 8):04X}"
    assert parse(high_first)["crc_ok"] is False
    assert parse(high_first, crc_variants=("hj212", "modbus"))["crc_ok"] is True
    assert parse(wire, crc_variants=("modbus_le",))["crc_ok"] is True
    with pytest.raises(ValueError):
        parse(high_first, crc_variants=("crc32",))


def test_wrong_length_tolerated_unless_strict():
    wrong = "##0370" + UPLOAD[6:]
    got = parse(wrong)
    assert got["crc_ok"] is True  # content intact: the CRC, not the length, decides
    assert not hj212.length_ok(wrong)
    with pytest.raises(FrameError) as error:
        parse(wrong, strict=True)
    assert error.value.code == "length_mismatch"
    assert parse(UPLOAD, strict=True)["crc_ok"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "not_a_frame"),
        ("QN=1;ST=39", "not_a_frame"),
        ("##", "truncated"),
        ("##03", "truncated"),
        ("##03x3QN=1;CP=&&&&ABCD", "bad_length_field"),
        (UPLOAD[:200], "truncated"),  # cut inside the data area
        (UPLOAD[:-4].rstrip("&") + "&", "truncated"),
        (UPLOAD[:-4], "truncated"),  # CRC missing
        (UPLOAD[:-4] + "ZZZZ", "bad_crc_field"),
        (UPLOAD[:-4] + "CAC1CAC1", "bad_crc_field"),
        ("##0001", "truncated"),
    ],
)
def test_unreadable_frames_raise_frame_error(text, code):
    with pytest.raises(FrameError) as error:
        parse(text)
    assert error.value.code == code
    assert str(error.value)


def test_hand_made_frame_with_vendor_keys_reordered_and_spaces():
    segment = (
        "ST=22; CN=2011;MN=SITE-07_A;PW=123456;USCC=91110115MA01;IMEI=861234567890123;Flag=4;"
        "CP=&&DataTime=20261123093000; LA-Rtd=63.8,LA-Flag=N;Flag=N;lng=116.34;NewPW=012345;"
        "a34002-Rtd=-1;stray;x34=abc;&&"
    )
    frame = f"##{len(segment):04d}{segment}{hj212.crc_text(segment)}\r\n"
    got = parse(frame)
    assert got["crc_ok"]
    assert got["qn"] is None  # missing QN is common on uploads
    assert got["mn"] == "SITE-07_A" and got["st"] == "22" and got["flag"] == 4
    assert got["extra"] == {"USCC": "91110115MA01", "IMEI": "861234567890123"}
    cp = got["cp"]
    assert cp["LA-Rtd"] == Decimal("63.8")
    assert cp["Flag"] == "N"
    assert cp["lng"] == Decimal("116.34")
    assert cp["NewPW"] == "012345"
    assert cp["a34002-Rtd"] == Decimal("-1")
    assert cp["x34"] == "abc"
    assert "stray" not in cp


def test_login_frame_without_cp_and_odd_flag():
    segment = "ST=39;CN=9999;PW=123456;MN=ABC;Flag=abc"
    frame = f"##{len(segment):04d}{segment}{hj212.crc_text(segment)}"
    got = parse(frame)
    assert got["crc_ok"] and got["cp"] == {} and got["flag"] is None
    assert got["extra"] == {"Flag": "abc"}


def test_non_ascii_crc_over_utf8_bytes():
    segment = "ST=39;CN=2011;PW=1;MN=X;Flag=4;CP=&&a01001-Info=北京大兴&&"
    frame = f"##{len(segment.encode()):04d}{segment}{hj212.crc_text(segment)}"
    got = parse(frame, strict=True)
    assert got["crc_ok"] and got["cp"]["a01001-Info"] == "北京大兴"
    # a declared length in characters is accepted too
    assert parse(f"##{len(segment):04d}{segment}{hj212.crc_text(segment)}", strict=True)["crc_ok"]


def test_split_headers_and_flags():
    frame = hj212.build_frame(
        qn="20261123093000001",
        st="39",
        cn="2011",
        pw="1",
        mn="M",
        flag=7,
        pnum=2,
        pno=1,
        cp={"DataTime": "20261123093000", "LA-Rtd": Decimal("60.1")},
    )
    got = parse(frame)
    assert (got["pnum"], got["pno"], got["flag"]) == (2, 1, 7)
    assert hj212.needs_ack(7) and hj212.is_split(7)
    assert not hj212.needs_ack(4) and not hj212.is_split(5)
    assert not hj212.needs_ack(None)
    assert [hj212.edition(f) for f in (None, 0, 3, 4, 7, 8, 9)] == [
        2005,
        2005,
        2005,
        2017,
        2017,
        2025,
        2025,
    ]
    assert hj212.flag_for(2017, ack=True) == 5
    assert hj212.flag_for(2025, ack=True, split=True) == 11
    assert hj212.flag_for(2005) == 0


def test_ack_for_2025_and_2005():
    upload = parse(hj212.build_frame(qn="1", st="39", cn="2011", pw="p", mn="M", flag=9))
    ack = parse(hj212.ack_frame(upload))
    assert (ack["qn"], ack["st"], ack["cn"], ack["flag"]) == ("1", "91", "9014", 8)
    old = parse(
        hj212.build_frame(qn="20261123093000123", st="39", cn="2011", pw="p", mn="M", flag=1)
    )
    ack = parse(hj212.ack_frame(old))
    assert ack["qn"] is None and ack["cp"] == {"QN": "20261123093000123"} and ack["flag"] == 0


def test_build_refuses_oversized_segment_and_groups():
    with pytest.raises(ValueError):
        hj212.build_frame(st="39", cn="2011", pw="1", mn="M", cp={"x": "y" * 1100})
    frame = hj212.build_frame(
        st="39",
        cn="2011",
        pw="1",
        mn="M",
        cp=[{"DataTime": "20261123093000"}, {"a34002-Rtd": 1.5, "a34002-Flag": "N"}],
    )
    assert "CP=&&DataTime=20261123093000;a34002-Rtd=1.5,a34002-Flag=N&&" in frame
    assert parse(frame)["cp"]["a34002-Rtd"] == Decimal("1.5")


def _appendix_a(data: bytes, modbus: bool = False) -> int:
    """Appendix A's bit loop, written out as the standard prints it."""
    reg = 0xFFFF
    for byte in data:
        reg = (reg ^ byte) if modbus else ((reg >> 8) ^ byte)
        for _ in range(8):
            carry = reg & 1
            reg >>= 1
            if carry:
                reg ^= 0xA001
    return reg


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_table_crc_equals_the_bit_loop(data):
    assert hj212.crc_hj212(data) == _appendix_a(data)
    assert hj212.crc_modbus(data) == _appendix_a(data, modbus=True)
