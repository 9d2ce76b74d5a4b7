"""The listener answers a frame only after the write holding it returned: while the write is
blocked nothing is answered, a failing write is retried and never answered early, and nothing
at all is answered for a batch that was not stored. No database: the write is a stand-in."""

import asyncio
import socket
import threading

import pytest

from jianguan.smartsite import hj212
from jianguan.smartsite.monitors.tcp import HJ212Server
from jianguan.smartsite.tests.monitors_helpers import upload


@pytest.fixture
def make_server():
    started = []

    def make(ingest):
        loop = asyncio.new_event_loop()
        srv = HJ212Server(host="127.0.0.1", port=0, flush_interval=0.05, ingest=ingest)
        thread = threading.Thread(target=loop.run_forever, daemon=True)
        thread.start()
        port = asyncio.run_coroutine_threadsafe(srv.start(), loop).result(10)
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        started.append((srv, loop, thread, sock))
        return sock

    yield make
    for srv, loop, thread, sock in started:
        sock.close()
        asyncio.run_coroutine_threadsafe(srv.stop(), loop).result(15)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


def _silent(sock, wait) -> bool:
    sock.settimeout(wait)
    try:
        return sock.recv(100) == b""
    except TimeoutError:
        return True


def test_no_answer_until_the_write_returns(make_server):
    release = threading.Event()
    written = []

    def ingest(items):
        release.wait(10)
        written.extend(items)
        return [True] * len(items)

    sock = make_server(ingest)
    frame = upload()
    sock.sendall(frame.encode())
    assert _silent(sock, 0.8)  # the write is still running: no answer yet
    release.set()
    sock.settimeout(5)
    assert sock.recv(200).decode() == hj212.ack_frame(hj212.parse(frame))
    assert len(written) == 1


def test_failed_write_retried_and_answered_only_after_success(make_server):
    calls = []

    def ingest(items):
        calls.append(len(items))
        if len(calls) < 3:
            raise OSError("database unavailable")
        return [True] * len(items)

    sock = make_server(ingest)
    sock.sendall(upload().encode())
    assert _silent(sock, 0.4)  # first failure, retry in 0.5 s
    sock.settimeout(5)
    assert hj212.parse(sock.recv(200).decode())["cn"] == "9014"
    assert calls == [1, 1, 1]


def test_items_not_stored_are_not_answered(make_server):
    sock = make_server(lambda items: [False] * len(items))
    sock.sendall(upload().encode())
    assert _silent(sock, 0.8)
