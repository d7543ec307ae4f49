"""Outgoing e-mail over SMTP, configured from the environment.

FORMAGA_SMTP_HOST      the mail server (required to send)
FORMAGA_SMTP_PORT      its port (default 587 with STARTTLS, else 25)
FORMAGA_SMTP_STARTTLS  1 (default) to upgrade the connection with STARTTLS, 0 not to
FORMAGA_SMTP_USER      user name, when the server wants a login
FORMAGA_SMTP_PASSWORD  its password
FORMAGA_MAIL_FROM      the sender, e.g. "Förmågeregistret <formaga@myndighet.se>" (required)
"""

from __future__ import annotations

import base64
import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from types import TracebackType

TIMEOUT_SECONDS = 30.0


class MailError(Exception):
    """Sending failed; the message says why, in Swedish."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _flag(value: str | None, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() not in ("0", "false", "no", "nej", "off")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    starttls: bool
    sender: str
    user: str | None = None
    password: str | None = None
    timeout: float = TIMEOUT_SECONDS

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SmtpSettings:
        env = os.environ if environ is None else environ
        host = env.get("FORMAGA_SMTP_HOST", "").strip()
        sender = env.get("FORMAGA_MAIL_FROM", "").strip()
        missing = [
            name
            for name, value in (("FORMAGA_SMTP_HOST", host), ("FORMAGA_MAIL_FROM", sender))
            if not value
        ]
        if missing:
            raise MailError("E-postinställningar saknas: " + ", ".join(missing) + ".")
        starttls = _flag(env.get("FORMAGA_SMTP_STARTTLS"), True)
        port_text = env.get("FORMAGA_SMTP_PORT", "").strip()
        try:
            port = int(port_text) if port_text else (587 if starttls else 25)
        except ValueError:
            raise MailError(f"FORMAGA_SMTP_PORT måste vara ett tal, inte ”{port_text}”.") from None
        if not 0 < port < 65536:
            raise MailError(f"FORMAGA_SMTP_PORT måste vara 1–65535, inte {port}.")
        return cls(
            host=host,
            port=port,
            starttls=starttls,
            sender=sender,
            user=env.get("FORMAGA_SMTP_USER") or None,
            password=env.get("FORMAGA_SMTP_PASSWORD") or None,
        )


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """smtplib's login, or AUTH PLAIN in UTF-8 (RFC 4616) for a non-ASCII user or password,
    which smtplib cannot encode."""
    try:
        smtp.login(user, password)
    except UnicodeEncodeError:
        if not smtp.has_extn("auth") or "PLAIN" not in smtp.esmtp_features["auth"].upper():
            raise smtplib.SMTPException(
                "servern erbjuder inte AUTH PLAIN, som behövs för tecken utanför ASCII"
            ) from None
        token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
        code, reply = smtp.docmd("AUTH", "PLAIN " + token)
        if code != 235:
            raise smtplib.SMTPAuthenticationError(code, reply) from None


class Mailer:
    """One SMTP connection for a batch of messages: `with Mailer(settings) as mailer: ...`."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        s = self.settings
        try:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(
                f"Kunde inte ansluta till e-postservern {s.host}:{s.port}: {exc}"
            ) from exc
        try:
            smtp.ehlo()
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if s.user:
                _login(smtp, s.user, s.password or "")
        except (OSError, smtplib.SMTPException) as exc:
            smtp.close()
            raise MailError(
                f"E-postservern {s.host}:{s.port} tog inte emot inloggningen: {exc}"
            ) from exc
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return self

    def send(self, message: EmailMessage) -> None:
        assert self._smtp is not None, "use Mailer as a context manager"
        try:
            refused = self._smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(
                f"E-postservern tog inte emot brevet till {message['To']}: {exc}"
            ) from exc
        if refused:
            raise MailError(f"E-postservern vägrade mottagaren {message['To']}: {refused}")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (OSError, smtplib.SMTPException):
            self._smtp.close()
        self._smtp = None
