"""Ways of reaching a citizen: e-mail now; an SMS gateway where one is configured.

A channel reads the citizen's address on the case and delivers a text. Which channels run is
the setting NOTICE_CHANNELS (default: e-mail); the SMS channel sends through the class named
by NOTICE_SMS_GATEWAY, the Zalo OA channel through NOTICE_ZALO_GATEWAY, both with
`send(phone, text)`. A gateway or mail server that refuses a
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


class GatewayChannel:
    """A channel that reaches the citizen's phone number through the gateway class a setting
    names (`send(phone, text)`); off while the setting is empty."""

    name = ""
    setting = ""

    def configured(self) -> bool:
        return bool(getattr(settings, self.setting, ""))

    def address(self, case) -> str:
        return case.reporter_phone

    def send(self, address: str, subject: str, body: str, *, stop_url: str = "") -> None:
        gateway = import_string(getattr(settings, self.setting))()
        gateway.send(address, f"{subject}\n{body}")


class SmsChannel(GatewayChannel):
    name = "sms"
    setting = "NOTICE_SMS_GATEWAY"


class ZaloChannel(GatewayChannel):
    """Zalo Official Account messages (ZNS), which reach a Zalo user by phone number."""

    name = "zalo"
    setting = "NOTICE_ZALO_GATEWAY"


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


class TestZaloGateway(TestSmsGateway):
    """The Zalo OA gateway of the tests, with an outbox of its own."""

    outbox: list[tuple[str, str]] = []
    refused: set[str] = set()
    flaky: set[str] = set()


CHANNELS = {channel.name: channel for channel in (EmailChannel(), SmsChannel(), ZaloChannel())}


def active_channels() -> list:
    """The channels NOTICE_CHANNELS lists, less a gateway channel whose gateway is not set."""
    names = getattr(settings, "NOTICE_CHANNELS", ["email"])
    chosen = [CHANNELS[name] for name in names if name in CHANNELS]
    return [c for c in chosen if not isinstance(c, GatewayChannel) or c.configured()]
