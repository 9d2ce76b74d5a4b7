"""Delivery through each sender, by the real task worker: e-mail through Django's locmem
backend and through a real SMTP server (aiosmtpd on 127.0.0.1), SMS through the console
sender, and a failing sender retried with every attempt recorded."""

from __future__ import annotations

import datetime as dt
import socket
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from django.core import mail

from jianguan.accounts.actors import actor_for
from jianguan.core.timeutil import now
from jianguan.workbench.notifications import services
from jianguan.workbench.notifications.models import Delivery
from jianguan.workbench.tests import flaky_sender
from jianguan.workbench.tests.notify_fixtures import make_user, run_worker

pytestmark = pytest.mark.django_db


def _immediate(username: str, **addresses):
    user = make_user(username, **addresses)
    services.preference_update(actor=actor_for(user), email="immediate", sms="urgent")
    return user


def _notify(user, *, urgent=False, capture):
    with capture(execute=True):
        services.notify(
            recipients=[user],
            kind="workbench.message",
            title="整改通知书待回复",
            url="/compliance/orders/7/",
            body="期限：2026-12-09",
            urgent=urgent,
        )


def test_nothing_is_sent_inside_the_request_the_worker_sends(
    settings, django_capture_on_commit_callbacks
):
    alice = _immediate("alice", email="alice@example.cn")
    _notify(alice, capture=django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(user=alice)
    assert (delivery.status, delivery.attempts, mail.outbox) == ("pending", 0, [])
    run_worker()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert delivery.sent_at is not None
    (message,) = mail.outbox
    assert message.to == ["alice@example.cn"]
    assert message.subject == "[建管云] 整改通知书待回复"
    assert "系统消息：整改通知书待回复" in message.body
    assert f"办理：{settings.PUBLIC_BASE_URL}/compliance/orders/7/" in message.body
    run_worker()  # a second run sends nothing again
    assert len(mail.outbox) == 1


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1, on a free port, collecting what it receives."""
    from aiosmtpd.controller import Controller

    class Collect:
        def __init__(self):
            self.received = []

        async def handle_DATA(self, server, session, envelope):
            self.received.append(envelope)
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def test_email_through_a_real_smtp_server(
    smtp_server, settings, django_capture_on_commit_callbacks
):
    handler, port = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    alice = _immediate("alice", email="alice@example.cn")
    _notify(alice, capture=django_capture_on_commit_callbacks)
    run_worker()
    assert Delivery.objects.get(user=alice).status == "sent"
    (envelope,) = handler.received
    assert envelope.rcpt_tos == ["alice@example.cn"]
    message = message_from_bytes(envelope.original_content)
    assert str(make_header(decode_header(message["Subject"]))) == "[建管云] 整改通知书待回复"
    body = message.get_payload(decode=True).decode(message.get_content_charset())
    assert "整改通知书待回复" in body and "/compliance/orders/7/" in body


def test_an_smtp_server_that_is_down_is_recorded_and_retried(
    smtp_server, settings, django_capture_on_commit_callbacks
):
    handler, port = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port + 1, 5
    with socket.socket() as s:  # nothing listens on port + 1 (bind it to be sure it is free)
        if s.connect_ex(("127.0.0.1", port + 1)) == 0:
            pytest.skip("port + 1 is in use")
    alice = _immediate("alice", email="alice@example.cn")
    _notify(alice, capture=django_capture_on_commit_callbacks)
    run_worker()
    d = Delivery.objects.get(user=alice)
    assert (d.status, d.attempts) == ("retrying", 1)
    assert "ConnectionRefusedError" in d.last_error
    assert d.next_attempt_at > now()

    # The server is back; the retry sweep requeues once the back-off has passed.
    settings.EMAIL_PORT = port
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_retry_due() == 0  # back-off not over yet
        assert services.deliveries_retry_due(at=now() + dt.timedelta(minutes=2)) == 1
    run_worker()
    d.refresh_from_db()
    assert (d.status, d.attempts, d.last_error) == ("sent", 2, "")
    assert len(handler.received) == 1


def test_sms_through_the_console_sender_for_urgent_items_only(
    capsys, django_capture_on_commit_callbacks
):
    alice = _immediate("alice", phone="13800000001")
    _notify(alice, capture=django_capture_on_commit_callbacks)  # not urgent: no SMS
    assert not Delivery.objects.filter(user=alice, channel="sms").exists()
    _notify(alice, urgent=True, capture=django_capture_on_commit_callbacks)
    capsys.readouterr()
    run_worker()
    out = capsys.readouterr().out
    assert "[短信] 至 13800000001：【建管云】整改通知书待回复：期限：2026-12-09" in out
    assert Delivery.objects.get(user=alice, channel="sms").status == "sent"


def test_a_failing_sender_is_retried_with_back_off_and_gives_up(
    settings, django_capture_on_commit_callbacks
):
    settings.SMS_SENDER = "jianguan.workbench.tests.flaky_sender.FlakySmsSender"
    settings.NOTIFY_MAX_ATTEMPTS = 3
    flaky_sender.FAILURES_LEFT[0] = 10  # fails every time
    flaky_sender.SENT.clear()
    alice = _immediate("alice", phone="13800000001")
    _notify(alice, urgent=True, capture=django_capture_on_commit_callbacks)
    at = now()
    for attempt in (1, 2, 3):
        run_worker()
        d = Delivery.objects.get(user=alice, channel="sms")
        assert d.attempts == attempt
        assert d.last_error == "SmsGatewayError: 短信网关无响应"
        if attempt < 3:
            assert d.status == "retrying"
            # Back-off grows: 1 minute after the first failure, 5 after the second.
            wait = d.next_attempt_at - now()
            assert dt.timedelta(minutes=(1, 5)[attempt - 1] - 1) < wait
            assert wait <= dt.timedelta(minutes=(1, 5)[attempt - 1])
            at = at + dt.timedelta(minutes=10)
            with django_capture_on_commit_callbacks(execute=True):
                assert services.deliveries_retry_due(at=at) == 1
    assert d.status == "failed" and d.next_attempt_at is None
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_retry_due(at=at + dt.timedelta(days=1)) == 0
    assert flaky_sender.SENT == []


def test_a_sender_that_recovers_delivers_once(settings, django_capture_on_commit_callbacks):
    settings.SMS_SENDER = "jianguan.workbench.tests.flaky_sender.FlakySmsSender"
    flaky_sender.FAILURES_LEFT[0] = 1
    flaky_sender.SENT.clear()
    alice = _immediate("alice", phone="13800000001")
    _notify(alice, urgent=True, capture=django_capture_on_commit_callbacks)
    run_worker()
    with django_capture_on_commit_callbacks(execute=True):
        services.deliveries_retry_due(at=now() + dt.timedelta(minutes=2))
        services.deliveries_retry_due(at=now() + dt.timedelta(minutes=3))  # no double queue
    run_worker()
    d = Delivery.objects.get(user=alice, channel="sms")
    assert (d.status, d.attempts) == ("sent", 2)
    assert flaky_sender.SENT == [("13800000001", "整改通知书待回复")]


def test_a_user_without_an_address_fails_without_retry(django_capture_on_commit_callbacks):
    alice = _immediate("alice", email="alice@example.cn")
    _notify(alice, capture=django_capture_on_commit_callbacks)
    alice.email = ""
    alice.save(update_fields=["email"])  # test setup: the address was removed meanwhile
    run_worker()
    d = Delivery.objects.get(user=alice)
    assert (d.status, d.attempts) == ("failed", 1)
    assert "未登记电子邮箱" in d.last_error


def test_a_worker_that_died_mid_send_is_picked_up_again(django_capture_on_commit_callbacks):
    alice = _immediate("alice", email="alice@example.cn")
    _notify(alice, capture=django_capture_on_commit_callbacks)
    Delivery.objects.filter(user=alice).update(status="sending", attempts=1)  # test setup
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_retry_due() == 0
        assert services.deliveries_retry_due(at=now() + dt.timedelta(minutes=20)) == 1
    run_worker()
    assert Delivery.objects.get(user=alice).status == "sent"
    assert len(mail.outbox) == 1
