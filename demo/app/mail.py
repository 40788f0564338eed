"""An email backend that keeps every message as one .eml file in EMAIL_FILE_PATH (the demo's outbox)."""

import email
import email.policy
import itertools
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

_counter = itertools.count()
_lock = threading.Lock()


def outbox_dir() -> Path:
    path = Path(settings.EMAIL_FILE_PATH)
    path.mkdir(parents=True, exist_ok=True)
    return path


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        folder = outbox_dir()
        sent = 0
        for message in email_messages:
            with _lock:
                name = f"{time.time_ns()}-{next(_counter):04d}.eml"
            (folder / name).write_bytes(message.message().as_bytes())
            sent += 1
        return sent


def read_outbox():
    """The stored messages, newest first: dicts with name, subject, to, from, date, text and html bodies."""
    messages = []
    for path in sorted(outbox_dir().glob("*.eml"), reverse=True):
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        text = html = ""
        for part in parsed.walk():
            if part.is_multipart():
                continue
            content = part.get_content()
            if part.get_content_type() == "text/html":
                html = html or content
            elif part.get_content_type() == "text/plain":
                text = text or content
        messages.append(
            {
                "name": path.stem,
                "subject": str(parsed["subject"] or ""),
                "to": str(parsed["to"] or ""),
                "from": str(parsed["from"] or ""),
                "date": str(parsed["date"] or ""),
                "text": text,
                "html": html,
            }
        )
    return messages
