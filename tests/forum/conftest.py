"""Fixtures of the forum and notification tests: a real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every
message it receives, and a hub whose settings point at it."""

from __future__ import annotations

import socket
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

PASSWORD = "correct horse battery"


class Inbox:
    """What the SMTP server received: (envelope recipients, parsed message) in order."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpt, m in self.messages if address in rcpt]

    def wait_for(self, address: str, count: int = 1, timeout: float = 20.0) -> list[EmailMessage]:
        """The messages to `address` once there are `count` of them (the hub sends in the background)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            found = self.to(address)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"no {count} message(s) to {address} within {timeout} s; got {self.messages}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def smtp():
    """A real SMTP server for the module: `smtp.port`, `smtp.inbox`; stopped at the end."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    controller.inbox = inbox
    yield controller
    controller.stop()
