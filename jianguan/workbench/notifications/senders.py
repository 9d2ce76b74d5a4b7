"""Channels: a Sender delivers one message to one user, or raises.

E-mail goes through django.core.mail, so whatever EMAIL_BACKEND says (SMTP in production, the
console in a demo, locmem in tests) is used. SMS has no Django backend: the sender is a class
named by ``settings.SMS_SENDER`` (a dotted path), the console sender by default, so a
district plugs in its SMS gateway (e.g. the government SMS platform's HTTP API) without code
changes here. A sender raises on any failure; the delivery service records it and retries.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

DEFAULT_SMS_SENDER = "jianguan.workbench.notifications.senders.ConsoleSmsSender"


class NotAddressable(Exception):
    """The user has no address on this channel (no e-mail, no mobile number)."""


class Sender(Protocol):
    def address(self, recipient_user: Any) -> str:
        """The user's address on this channel; raises NotAddressable when there is none."""

    def send(self, recipient_user: Any, subject: str, body: str) -> None: ...


class EmailSender:
    def address(self, recipient_user: Any) -> str:
        if not recipient_user.email:
            raise NotAddressable("该用户未登记电子邮箱")
        return recipient_user.email

    def send(self, recipient_user: Any, subject: str, body: str) -> None:
        # fail_silently=False: a refused connection or a rejected recipient must reach the
        # delivery record as an error, not vanish.
        send_mail(
            subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [self.address(recipient_user)],
            fail_silently=False,
        )


class ConsoleSmsSender:
    """Writes the message to standard output, as Django's console e-mail backend does: the
    default until a real gateway is configured, so nothing is silently dropped in a demo."""

    def address(self, recipient_user: Any) -> str:
        if not getattr(recipient_user, "phone", ""):
            raise NotAddressable("该用户未登记手机号")
        return recipient_user.phone

    def send(self, recipient_user: Any, subject: str, body: str) -> None:
        stream = sys.stdout  # looked up per call, so a captured stdout sees it
        stream.write(f"[短信] 至 {self.address(recipient_user)}：{sms_text(subject, body)}\n")
        stream.flush()


def sms_text(subject: str, body: str) -> str:
    """An SMS carries the subject and a short line: 70 Chinese characters fit one message."""
    text = f"【建管云】{subject}"
    if body:
        text += f"：{body.splitlines()[0]}"
    return text[:140]


@cache
def _load(path: str) -> Sender:
    # The registry's own loader: the one place a configured dotted path is imported by name.
    return import_string(path)()


def sms_sender() -> Sender:
    return _load(getattr(settings, "SMS_SENDER", DEFAULT_SMS_SENDER))


def email_sender() -> Sender:
    return EmailSender()


def sender_for(channel: str) -> Sender:
    from jianguan.workbench.notifications.models import CHANNEL_EMAIL

    return email_sender() if channel == CHANNEL_EMAIL else sms_sender()
