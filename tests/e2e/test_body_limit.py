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


def test_D1_chunked_body_is_refused_once_it_passes_the_limit(container: Container) -> None:
    env = {"VARNA_MAX_BODY_BYTES": str(LIMIT)}
    with running_server(container.settings.database_url, **env) as base, connect(base) as sock:
        sock.sendall(
            head("/api/v1/requests", "Content-Type: application/json", "Transfer-Encoding: chunked")
        )
        chunk = b"1," * 8192  # 16 KiB
        sent = 0
        try:
            sock.sendall(b"1\r\n[\r\n")
            for _ in range(3200):  # up to 50 MB, if the server kept reading
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = read_answer(sock)
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert sent < 10 * 1024 * 1024, sent  # the server stopped reading long before 50 MB
