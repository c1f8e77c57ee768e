"""Ways of reaching a citizen: e-mail now; an SMS gateway where one is configured.

A channel reads the citizen's address on the case and delivers a text. Which channels run is
the setting NOTICE_CHANNELS (default: e-mail); the SMS channel sends through the class named
by NOTICE_SMS_GATEWAY, with `send(phone, text)`. A gateway or mail server that refuses a
message raises DeliveryError (permanent: not tried again) or any other error (tried again).
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string


class DeliveryError(Exception):
    """The address refused the message (bounced, unknown number): trying again is useless."""


class EmailChannel:
    name = "email"

    def address(self, case) -> str:
        return case.reporter_email

    def send(self, address: str, subject: str, body: str, *, stop_url: str = "") -> None:
        headers = {"List-Unsubscribe": f"<{stop_url}>"} if stop_url else {}
        EmailMessage(subject=subject, body=body, to=[address], headers=headers).send()


class SmsChannel:
    name = "sms"

    def address(self, case) -> str:
        return case.reporter_phone

    def send(self, address: str, subject: str, body: str, *, stop_url: str = "") -> None:
        gateway = import_string(settings.NOTICE_SMS_GATEWAY)()
        gateway.send(address, f"{subject}\n{body}")


class TestSmsGateway:
    """The SMS gateway of the tests: keeps the messages in `outbox`; a number listed in
    `refused` bounces, one in `flaky` fails once with a passing error."""

    outbox: list[tuple[str, str]] = []
    refused: set[str] = set()
    flaky: set[str] = set()

    def send(self, phone: str, text: str) -> None:
        if phone in self.refused:
            raise DeliveryError(f"{phone}: unknown number")
        if phone in self.flaky:
            self.flaky.discard(phone)
            raise ConnectionError("gateway busy")
        self.outbox.append((phone, text))


CHANNELS = {channel.name: channel for channel in (EmailChannel(), SmsChannel())}


def active_channels() -> list:
    names = getattr(settings, "NOTICE_CHANNELS", ["email"])
    if not getattr(settings, "NOTICE_SMS_GATEWAY", ""):
        names = [n for n in names if n != "sms"]
    return [CHANNELS[name] for name in names if name in CHANNELS]
