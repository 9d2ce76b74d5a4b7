"""The HJ 212 listener with real sockets on 127.0.0.1 (ephemeral port): acknowledgements after
the batch is durable, partial frames, two frames in one read, split uploads, a reconnect
replacing the old session, bad CRC, unknown MN and garbage quarantined without a crash."""

import asyncio
import socket
import threading
import time
from decimal import Decimal

import pytest

from jianguan.smartsite import hj212
from jianguan.smartsite.monitors.models import Device, QuarantinedFrame, Reading
from jianguan.smartsite.monitors.tcp import HJ212Server
from jianguan.smartsite.tests.monitors_helpers import MN1, build_monitors, upload, wait_for


@pytest.fixture
def server(transactional_db):
    build_monitors()
    loop = asyncio.new_event_loop()
    srv = HJ212Server(host="127.0.0.1", port=0, flush_interval=0.05, idle_timeout=10)
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    port = asyncio.run_coroutine_threadsafe(srv.start(), loop).result(10)
    srv.test_port = port
    yield srv
    asyncio.run_coroutine_threadsafe(srv.stop(), loop).result(30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


def connect(srv) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", srv.test_port), timeout=5)
    return sock


def read_frames(sock, count, timeout=5.0) -> list[str]:
    sock.settimeout(timeout)
    data = b""
    while data.count(b"\r\n") < count:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return [f + "\r\n" for f in data.decode().split("\r\n") if f]


def nothing_arrives(sock, wait=0.6) -> bool:
    sock.settimeout(wait)
    try:
        return sock.recv(4096) == b""
    except TimeoutError:
        return True


def test_ack_only_after_reading_is_stored(server):
    frame = upload()
    with connect(server) as sock:
        sock.sendall(frame.encode())
        (ack,) = read_frames(sock, 1)
        # the answer comes after the commit: the reading is there when the device hears it
        assert Reading.objects.filter(device__mn=MN1).count() == 1
    assert ack == hj212.ack_frame(hj212.parse(frame))
    assert hj212.parse(ack)["cn"] == "9014" and hj212.parse(ack)["qn"] == "20261123093000123"


def test_partial_frames_and_two_in_one_read(server):
    one = upload(time="20261123093000", qn="1").encode()
    two = upload(time="20261123093100", qn="2").encode()
    three = upload(time="20261123093200", qn="3").encode()
    with connect(server) as sock:
        for part in (one[:7], one[7:100], one[100:]):
            sock.sendall(part)
            time.sleep(0.05)
        sock.sendall(two + three)
        acks = read_frames(sock, 3)
    assert [hj212.parse(a)["qn"] for a in acks] == ["1", "2", "3"]
    assert Reading.objects.count() == 3


def test_no_ack_without_flag_a(server):
    with connect(server) as sock:
        sock.sendall(upload(flag=4).encode())
        assert wait_for(lambda: Reading.objects.count() == 1)
        assert nothing_arrives(sock)


def test_bad_crc_unknown_mn_and_garbage_quarantined_server_survives(server):
    bad_crc = upload()[:-6] + "0000\r\n"
    with connect(server) as sock:
        sock.sendall(b"\x00\xff garbage ##12ab" + bad_crc.encode())
        sock.sendall(upload("NEVER-REGISTERED").encode())
        sock.sendall(b"##0020QN=1;CP=&&x\r\n")  # truncated data area
        assert nothing_arrives(sock, 1.0)
        sock.sendall(upload(time="20261123094000").encode())  # the same connection still works
        assert len(read_frames(sock, 1)) == 1
    reasons = set(QuarantinedFrame.objects.values_list("reason", flat=True))
    assert {"bad_crc", "unknown_mn", "malformed"} <= reasons
    assert Device.objects.get(mn="NEVER-REGISTERED").status == "unknown"
    assert Reading.objects.count() == 1


def test_reconnect_replaces_the_session(server):
    first = connect(server)
    first.sendall(upload(time="20261123093000", qn="1").encode())
    assert len(read_frames(first, 1)) == 1
    with connect(server) as second:
        second.sendall(upload(time="20261123093100", qn="2").encode())
        assert len(read_frames(second, 1)) == 1
        # the old connection of the same MN was closed by the server
        first.settimeout(5)
        assert first.recv(4096) == b""
        first.close()
        # a resend of an already stored reading is answered (durable) and stored once
        second.sendall(upload(time="20261123093100", qn="3").encode())
        assert hj212.parse(read_frames(second, 1)[0])["qn"] == "3"
    assert Reading.objects.count() == 2


def test_split_upload_acked_per_packet_after_the_whole(server):
    common = dict(st="39", cn="2011", pw="123456", mn=MN1, flag=7, pnum=2)
    part1 = hj212.build_frame(
        qn="11", pno=1, cp={"DataTime": "20261123093000", "a34002-Rtd": Decimal("70")}, **common
    )
    part2 = hj212.build_frame(
        qn="12", pno=2, cp={"DataTime": "20261123093000", "LA-Rtd": Decimal("66.5")}, **common
    )
    with connect(server) as sock:
        sock.sendall(part1.encode())
        assert nothing_arrives(sock, 0.5)
        sock.sendall(part2.encode())
        acks = read_frames(sock, 2)
    assert sorted(hj212.parse(a)["qn"] for a in acks) == ["11", "12"]
    r = Reading.objects.get()
    assert (r.pm10, r.noise_la) == (70.0, 66.5)


def test_many_devices_concurrently(server):
    from jianguan.core.actor import SYSTEM
    from jianguan.smartsite.monitors.services import device_register

    project = Device.objects.get(mn=MN1).project
    mns = [f"BULK-{i:04d}" for i in range(20)]
    for mn in mns:
        device_register(actor=SYSTEM, project=project, mn=mn)
    socks = [connect(server) for _ in mns]
    try:
        for mn, sock in zip(mns, socks, strict=True):
            sock.sendall(
                b"".join(
                    upload(mn, pw="", time=f"2026112309{m:02d}00", qn=str(m)).encode()
                    for m in range(5)
                )
            )
        for sock in socks:
            assert len(read_frames(sock, 5)) == 5
    finally:
        for sock in socks:
            sock.close()
    assert Reading.objects.filter(device__mn__startswith="BULK-").count() == 100


def test_an_idle_connection_is_closed_and_a_busy_one_is_not(transactional_db):
    build_monitors()
    loop = asyncio.new_event_loop()
    srv = HJ212Server(host="127.0.0.1", port=0, flush_interval=0.05, idle_timeout=0.6)
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    port = asyncio.run_coroutine_threadsafe(srv.start(), loop).result(10)
    try:
        idle = socket.create_connection(("127.0.0.1", port), timeout=5)
        busy = socket.create_connection(("127.0.0.1", port), timeout=5)
        started = time.monotonic()
        while time.monotonic() - started < 1.5:  # past the timeout, but never silent for it
            busy.sendall(b"\r\n")
            time.sleep(0.1)
        idle.settimeout(3)
        assert idle.recv(4096) == b""  # closed by the server
        busy.sendall(upload().encode())
        assert read_frames(busy, 1)  # still served: its answer arrives
    finally:
        asyncio.run_coroutine_threadsafe(srv.stop(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
