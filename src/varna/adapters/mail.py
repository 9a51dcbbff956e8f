"""Outgoing mail over SMTP (stdlib smtplib), one connection per batch of messages."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from varna.services.consent.ports import OutgoingMail


class SmtpMailer:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        sender: str,
        starttls: bool = False,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 30,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.starttls, self.user, self.password, self.timeout = starttls, user, password, timeout

    def send(self, mail: OutgoingMail) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = mail.to
        message["Subject"] = mail.subject
        for name, value in mail.headers.items():
            message[name] = value
        message.set_content(mail.body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user and self.password:
                smtp.login(self.user, self.password)
            smtp.send_message(message)
