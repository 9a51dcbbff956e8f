"""A request body over ``VARNA_MAX_BODY_BYTES`` is refused with 413 before it is read (D1:
the privacy center stays open to everyone; one 50 MB form must not take the server's memory
and time). Raw sockets against ``varna serve``: a client that declares a huge length, and one
that sends its body in chunks without a length."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import httpx

from tests.e2e.helpers import running_server
from varna.bootstrap import Container

LIMIT = 64 * 1024


def connect(base: str) -> socket.socket:
    parts = urlsplit(base)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=20)
    return sock


def read_answer(sock: socket.socket) -> str:
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    return data.decode("latin-1")


def head(path: str, *headers: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *headers, "", ""]
    return "\r\n".join(lines).encode()


def test_D1_declared_large_body_is_refused_before_it_is_sent(container: Container) -> None:
    env = {"VARNA_MAX_BODY_BYTES": str(LIMIT)}
    with running_server(container.settings.database_url, **env) as base:
        results = []
        for path, kind in (
            ("/api/v1/requests", "application/json"),
            ("/privacy/requests", "application/x-www-form-urlencoded"),
            ("/admin/login", "application/x-www-form-urlencoded"),
            ("/", "text/plain"),
        ):
            with connect(base) as sock:
                started = time.monotonic()
                # 50 MB declared; only the first bytes are ever sent.
                sock.sendall(head(path, f"Content-Type: {kind}", "Content-Length: 52428800"))
                sock.sendall(b"[" + b"1," * 1000)
                answer = read_answer(sock)
                results.append((path, answer.split("\r\n")[0], time.monotonic() - started))
        small = httpx.post(base + "/api/v1/requests", json={"kind": "access", "email": "x"})

    for path, status_line, seconds in results:
        assert status_line.startswith("HTTP/1.1 413 "), (path, status_line)
        assert seconds < 5, (path, seconds)
    assert small.status_code == 422  # a small body is read and judged as before


CHUNKED = (
    ("/api/v1/requests", "application/json", b"["),
    ("/privacy/requests", "application/x-www-form-urlencoded", b"details="),
    ("/admin/login", "application/x-www-form-urlencoded", b"login="),
    ("/cookies", "application/x-www-form-urlencoded", b"lang="),
)


def test_D1_chunked_body_is_refused_once_it_passes_the_limit(container: Container) -> None:
    """JSON and forms alike: a body sent in chunks without a length."""
    env = {"VARNA_MAX_BODY_BYTES": str(LIMIT)}
    results = []
    with running_server(container.settings.database_url, **env) as base:
        for path, kind, start in CHUNKED:
            with connect(base) as sock:
                sock.sendall(head(path, f"Content-Type: {kind}", "Transfer-Encoding: chunked"))
                chunk = b"1," * 8192 if start == b"[" else b"x" * 16384  # 16 KiB
                sent = 0
                try:
                    sock.sendall(f"{len(start):x}\r\n".encode() + start + b"\r\n")
                    for _ in range(3200):  # up to 50 MB, if the server kept reading
                        sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                        sent += len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                results.append((path, read_answer(sock), sent))
    for path, answer, sent in results:
        assert answer.startswith("HTTP/1.1 413"), (path, answer[:200])
        assert sent < 10 * 1024 * 1024, (path, sent)  # stopped reading long before 50 MB


def test_D1_R6_the_413_is_an_answer_like_any_other(container: Container) -> None:
    """The refusal carries the security headers, the API's error body on /api/ and a
    sentence in the asked language on a page."""
    env = {"VARNA_MAX_BODY_BYTES": str(LIMIT)}
    big = "x" * (LIMIT + 1)
    with running_server(container.settings.database_url, **env) as base:
        api = httpx.post(
            base + "/api/v1/requests",
            content=big,
            headers={"Content-Type": "application/json", "Accept-Language": "en"},
        )
        page = httpx.post(
            base + "/privacy/requests",
            content=big,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "sv"},
        )
    assert api.status_code == page.status_code == 413
    assert api.json()["message"] == "What was sent is too large."
    assert page.text == "Det som skickades är för stort."
    for answer in (api, page):
        assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
        assert answer.headers["X-Frame-Options"] == "DENY"
