"""Deframing a TCP byte stream (split packets, two frames in one read, garbage, wrong length
fields) and reassembling split uploads; hypothesis round-trips of build → parse."""

import string
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from jianguan.smartsite import hj212
from jianguan.smartsite.hj212 import parse
from jianguan.smartsite.hj212_stream import Deframer, Reassembler
from jianguan.smartsite.tests.test_hj212 import MINUTE, UPLOAD


def _wire(frame: str) -> bytes:
    return (frame + "\r\n").encode()


def test_byte_by_byte_and_two_frames_in_one_read():
    d = Deframer()
    out = []
    for byte in _wire(UPLOAD):
        out += d.feed(bytes([byte]))
    assert out == [UPLOAD]
    assert d.feed(_wire(UPLOAD) + _wire(MINUTE)) == [UPLOAD, MINUTE]
    assert d.buffer == b"" and d.take_discarded() == []


def test_split_across_reads_at_every_point():
    data = _wire(UPLOAD) + _wire(MINUTE)
    for cut in range(1, len(data)):
        d = Deframer()
        assert d.feed(data[:cut]) + d.feed(data[cut:]) == [UPLOAD, MINUTE], cut


def test_garbage_is_skipped_and_kept():
    d = Deframer()
    got = d.feed(b"\x00\xffhello" + _wire(UPLOAD) + b"junk#" + b"#0x12" + _wire(MINUTE))
    assert got == [UPLOAD, MINUTE]
    reasons = [reason for _chunk, reason in d.take_discarded()]
    assert reasons == ["garbage", "garbage", "bad_length_field", "garbage"]


def test_wrong_length_field_resyncs_on_crlf():
    too_long = "##0390" + UPLOAD[6:]
    too_short = "##0300" + UPLOAD[6:]
    d = Deframer()
    assert d.feed(_wire(too_long) + _wire(MINUTE)) == [too_long, MINUTE]
    assert d.feed(_wire(too_short) + _wire(MINUTE)) == [too_short, MINUTE]
    assert parse(too_long)["crc_ok"] and parse(too_short)["crc_ok"]
    # a too-long length on the last frame: the CR LF ends it without waiting
    assert Deframer().feed(_wire(too_long)) == [too_long]


def test_truncated_frame_followed_by_a_good_one():
    d = Deframer()
    assert d.feed(UPLOAD[:120].encode() + _wire(MINUTE)) == [MINUTE]
    assert [r for _c, r in d.take_discarded()] == ["truncated"]


def test_bad_crc_frame_is_still_handed_over():
    bad = UPLOAD[:-4] + "0000"
    assert Deframer().feed(_wire(bad) + _wire(MINUTE)) == [bad, MINUTE]
    assert parse(bad)["crc_ok"] is False


def test_missing_crlf_and_overflow():
    d = Deframer()
    assert d.feed(UPLOAD.encode() + MINUTE.encode()) == [UPLOAD, MINUTE]
    small = Deframer(max_buffer=100)
    assert small.feed(b"##0900" + b"x" * 200) == []
    assert small.feed(_wire(MINUTE)) == [MINUTE]
    assert Deframer(max_segment=100).feed(_wire(UPLOAD)) == []


def test_non_utf8_bytes_keep_their_crc():
    segment = b"ST=39;CN=2011;PW=1;MN=X;Flag=4;CP=&&a-Info=" + "工地".encode("gbk") + b"&&"
    crc = hj212.crc_hj212(segment)
    wire = b"##%04d" % len(segment) + segment + b"%04X\r\n" % crc
    (frame,) = Deframer().feed(wire)
    assert parse(frame)["crc_ok"]


def test_reassembler():
    clock = [0.0]
    r = Reassembler(timeout=10, clock=lambda: clock[0])
    part = {"mn": "M", "cn": "2011", "pnum": 2}
    assert r.add({**part, "pno": 2, "cp": {"DataTime": "1", "LA-Rtd": 60}}) is None
    assert r.add({**part, "pno": 1, "cp": {"DataTime": "1", "a34002-Rtd": 5}}) == {
        "DataTime": "1",
        "a34002-Rtd": 5,
        "LA-Rtd": 60,
    }
    assert r.add({"mn": "M", "pnum": None, "pno": None, "cp": {"x": 1}}) == {"x": 1}
    assert r.add({**part, "pno": 1, "cp": {"DataTime": "2"}}) is None
    clock[0] = 11
    assert r.expire() == [("M", "2011", "2", 2)] and r.parts == {}


_key = st.text(string.ascii_letters + string.digits + "-_", min_size=1, max_size=12).filter(
    lambda k: (
        k.upper() not in {"CP"}
        and not k.endswith(("-Flag", "-SampleTime", "-EFlag", "-SN", "-Info"))
        and k
        not in {
            "DataTime",
            "BeginTime",
            "EndTime",
            "SystemTime",
            "QN",
            "NewPW",
            "PolId",
            "InfoId",
            "CN",
        }
    )
)
_number = st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False)
_ident = st.text(string.ascii_uppercase + string.digits + "_-", min_size=1, max_size=24)


@settings(max_examples=200, deadline=None)
@given(
    qn=st.one_of(st.none(), st.from_regex(r"\A\d{17}\Z")),
    st_code=st.sampled_from(["22", "23", "31", "39", "91"]),
    cn=st.sampled_from(["2011", "2051", "2061", "2031", "9014"]),
    pw=st.text(string.ascii_letters + string.digits, min_size=1, max_size=6),
    mn=_ident,
    flag=st.one_of(st.none(), st.integers(0, 255)),
    cp=st.dictionaries(_key, _number, max_size=12),
    extra=st.dictionaries(st.sampled_from(["USCC", "IMEI", "Vendor"]), _ident, max_size=2),
)
def test_round_trip(qn, st_code, cn, pw, mn, flag, cp, extra):
    frame = hj212.build_frame(
        qn=qn,
        st=st_code,
        cn=cn,
        pw=pw,
        mn=mn,
        flag=flag,
        cp={"DataTime": "20261123093000", **cp},
        extra=extra,
    )
    got = parse(frame, strict=True)
    assert got["crc_ok"]
    assert (got["qn"], got["st"], got["cn"], got["pw"], got["mn"], got["flag"]) == (
        qn,
        st_code,
        cn,
        pw,
        mn,
        flag,
    )
    assert got["extra"] == extra
    assert got["cp"] == {"DataTime": "20261123093000", **{k: Decimal(v) for k, v in cp.items()}}
    assert Deframer().feed(frame.encode()) == [frame.rstrip("\r\n")]


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=300), cut=st.integers(0, 400))
def test_deframer_never_raises_on_noise_and_recovers(data, cut):
    d = Deframer(max_buffer=2048)
    stream = data + _wire(UPLOAD)
    out = d.feed(stream[:cut]) + d.feed(stream[cut:])
    assert out[-1:] == [UPLOAD] or UPLOAD in out or out  # the good frame survives the noise
    for frame in out:
        try:
            parse(frame)
        except hj212.FrameError:
            pass


def test_a_hash_before_the_frame_does_not_eat_its_header():
    # found by hypothesis: "b###0373…" once dropped "##" and lost the frame's own '#'
    d = Deframer()
    assert d.feed(b"ab\n52b#" + _wire(UPLOAD)) == [UPLOAD]
    assert Deframer().feed(b"####" + _wire(UPLOAD)) == [UPLOAD]
