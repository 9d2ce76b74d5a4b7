"""An SMS gateway for the tests, plugged in through settings.SMS_SENDER like a real one: it
fails FAILURES_LEFT[0] times, then delivers into SENT."""

from __future__ import annotations

FAILURES_LEFT = [0]
SENT: list[tuple[str, str]] = []


class SmsGatewayError(Exception):
    pass


class FlakySmsSender:
    def address(self, recipient_user) -> str:
        return recipient_user.phone

    def send(self, recipient_user, subject: str, body: str) -> None:
        if FAILURES_LEFT[0] > 0:
            FAILURES_LEFT[0] -= 1
            raise SmsGatewayError("短信网关无响应")
        SENT.append((self.address(recipient_user), subject))
