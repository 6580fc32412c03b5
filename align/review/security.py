"""Who may use the review app and how state changes are protected.

- Access token: required when the app listens beyond loopback. A browser presents it once
  as ``?token=`` and then carries it in an HttpOnly cookie.
- CSRF: each browser gets a random session cookie; every POST must carry
  ``HMAC(server secret, session)`` in its ``csrf`` field, which a foreign page cannot know.
- Reviewer name: chosen once per browser, kept in a cookie, recorded with every action.

All of it lives here: :func:`install` puts the middleware on the app and views depend on
:func:`checked_post` for every POST.
"""
from __future__ import annotations

import errno
import hashlib
import hmac
import ipaddress
import secrets
import socket
from urllib.parse import quote, unquote, urlencode

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from align.errors import AlignError

SESSION_COOKIE = "align_session"
TOKEN_COOKIE = "align_token"
REVIEWER_COOKIE = "align_reviewer"
MAX_NAME = 60
YEAR = 365 * 24 * 3600
TOKEN_PAGE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>align review: token needed</title>"
    "<h1>Access token needed</h1><p>align review: open the URL with <code>?token=…</code> that "
    "<code>align review</code> printed when it started.</p></html>"
)


def install(app) -> None:
    """Every request passes :func:`guard`; every state change depends on :func:`checked_post`."""
    app.state.csrf_secret = secrets.token_bytes(32)
    app.middleware("http")(guard)


async def guard(request: Request, call_next) -> Response:
    """Host check, token check, session cookie, per-response nonce and the security headers."""
    settings = request.app.state.settings
    if not host_allowed(request.headers.get("host"), settings.host):
        return HTMLResponse(FOREIGN_HOST_PAGE, 421)
    token = settings.token
    if token:
        if same_secret(request.query_params.get("token"), token):
            query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
            response = RedirectResponse(local_path(request.url.path) + (f"?{query}" if query else ""), 303)
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
            return response
        if not same_secret(request.cookies.get(TOKEN_COOKIE), token):
            return HTMLResponse(TOKEN_PAGE, 401)
    session = request.cookies.get(SESSION_COOKIE)
    request.state.session = session or new_session()
    request.state.nonce = secrets.token_urlsafe(16)
    response = await call_next(request)
    if not session:
        response.set_cookie(SESSION_COOKIE, request.state.session, httponly=True, samesite="strict")
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.format(nonce=request.state.nonce)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


async def checked_post(request: Request) -> None:
    """Every state change: a same-origin POST with this browser's CSRF token."""
    form = await request.form()
    session = request.cookies.get(SESSION_COOKIE)
    expected = csrf_token(request.app.state.csrf_secret, session) if session else None
    if not expected or not same_secret(form.get("csrf"), expected):
        raise HTTPException(
            403,
            "this form is out of date for this browser (its CSRF token does not match): reload the page and try again",
        )
    origin = request.headers.get("origin")
    if origin and origin != "null" and origin.split("://", 1)[-1] != request.headers.get("host"):
        raise HTTPException(403, "cross-origin request refused")


def page_csrf(request: Request) -> str:
    """The CSRF token this page's forms carry."""
    return csrf_token(request.app.state.csrf_secret, request.state.session)


def listen(host: str, port: int) -> socket.socket:
    """A bound, listening socket for the app; ``port`` 0 lets the system pick a free one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise AlignError(
                f"port {port} on {host} is already in use (another align review?): "
                "choose another with --port N, or --port 0 for a free one"
            ) from exc
        raise AlignError(f"cannot listen on {host}:{port} ({exc.strerror})") from exc
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def host_allowed(header: str | None, bind: str) -> bool:
    """Is ``header`` (a request's ``Host``) a name this app is reached by? Loopback names,
    the bind address, and — when bound to every interface — this machine's names and any
    IP address. Anything else is a page under a foreign DNS name that was pointed at us
    (DNS rebinding): it must get neither a session nor a CSRF token."""
    if not header:
        return False
    name = host_name(header)
    if name in ("localhost", "127.0.0.1", "::1") or name == host_name(bind):
        return True
    if host_name(bind) in WILDCARDS:
        return _is_ip(name) or name in {socket.gethostname().lower(), socket.getfqdn().lower()}
    return False


def host_name(host: str) -> str:
    """``[::1]:8000`` → ``::1``, ``LocalHost.:80`` → ``localhost``: the name without port."""
    host = host.strip().lower()
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def url_host(host: str) -> str:
    """How a browser URL writes the bind address: localhost for loopback, [::] for IPv6."""
    if host in ("127.0.0.1", "::1"):
        return "localhost"
    return f"[{host}]" if ":" in host else host


def local_path(path: str) -> str:
    """Only a path of this app is a place to redirect to: ``//evil.example/`` or
    ``/\\evil.example`` would leave the site, so they go to ``/``."""
    return path if path.startswith("/") and not path.startswith(("//", "/\\")) else "/"


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


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


def decode_text(value: str | None) -> str | None:
    return unquote(value) if value else None


WILDCARDS = ("0.0.0.0", "::", "")
FOREIGN_HOST_PAGE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>align review: unknown address</title>"
    "<h1>Unknown address</h1><p>align review answers only at the address it printed when it "
    "started (localhost or its --host); this request named another host.</p></html>"
)
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "connect-src 'self'"
)
