"""Who may use the review app and how state changes are protected.

- Access token: required when the app listens beyond loopback. A browser presents it once
  as ``?token=`` and then carries it in an HttpOnly cookie.
- CSRF: each browser gets a random session cookie; every POST must carry
  ``HMAC(server secret, session)`` in its ``csrf`` field, which a foreign page cannot know.
- Reviewer name: chosen once per browser, kept in a cookie, recorded with every action.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from urllib.parse import quote, unquote

SESSION_COOKIE = "align_session"
TOKEN_COOKIE = "align_token"
REVIEWER_COOKIE = "align_reviewer"
MAX_NAME = 60
YEAR = 365 * 24 * 3600


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def access_token(host: str, token: str | None) -> str | None:
    """The token the app must require: the given one, or a fresh one off loopback."""
    if token:
        return token
    return None if is_loopback(host) else secrets.token_urlsafe(24)


def same_secret(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def new_session() -> str:
    return secrets.token_urlsafe(24)


def csrf_token(secret: bytes, session: str) -> str:
    return hmac.new(secret, session.encode(), hashlib.sha256).hexdigest()


def clean_reviewer_name(name: str) -> str | None:
    """A reviewer name as typed, trimmed; None if empty or too long."""
    name = " ".join(name.split())
    return name if 0 < len(name) <= MAX_NAME else None


def encode_cookie(value: str) -> str:
    """Cookies are ASCII: percent-encode names like 张伟."""
    return quote(value, safe="")


def decode_cookie(value: str | None) -> str | None:
    return clean_reviewer_name(unquote(value)) if value else None


CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "connect-src 'self'"
)
