"""A real HTTP server on 127.0.0.1 for the external-link tests, scripted per path.

``server.route("/flaky", Reply(500), Reply(200))`` answers the first request for the path
with 500 and every later one with 200 (the last reply repeats). ``head=False`` makes the
path answer HEAD with 405 without using up a reply, like a server that does not do HEAD.
Every request is logged (method, path, headers, time), and the server counts connections,
requests in flight and body bytes it managed to send.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    body_size: int = 0  # bytes of body sent to GET
    cut: bool = False  # close the connection halfway through the response head


@dataclass(frozen=True)
class Logged:
    method: str
    path: str
    headers: dict[str, str]
    at: float


@dataclass
class _Route:
    replies: tuple[Reply, ...]
    head: bool
    answered: int = 0


class InFlight:
    """Requests being answered at once, and the most there ever were (may be shared by
    several servers to measure a client's global concurrency)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = 0
        self.most = 0

    def __enter__(self) -> None:
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self.now -= 1


class LinkServer:
    def __init__(self, host: str = "127.0.0.1", in_flight: InFlight | None = None) -> None:
        self.routes: dict[str, _Route] = {}
        self.log: list[Logged] = []
        self.connections = 0
        self.body_bytes_sent: dict[str, int] = {}
        self.in_flight = in_flight or InFlight()
        self._lock = threading.Lock()
        self._httpd = _Server((host, 0), _handler_for(self))
        self.host, self.port = self._httpd.server_address[:2]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def start(self) -> LinkServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def route(self, path: str, *replies: Reply, head: bool = True) -> str:
        """Script ``path``; returns its URL."""
        self.routes[path] = _Route(replies or (Reply(),), head)
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def requests(self, path: str | None = None) -> list[Logged]:
        with self._lock:
            return [entry for entry in self.log if path is None or entry.path == path]

    def methods(self, path: str) -> list[str]:
        return [entry.method for entry in self.requests(path)]

    # -- called by the handler threads ---------------------------------------------------

    def _next_reply(self, method: str, path: str, headers: dict[str, str]) -> Reply:
        with self._lock:
            self.log.append(Logged(method, path, headers, time.monotonic()))
            route = self.routes.get(path)
            if route is None:
                return Reply(404)
            if method == "HEAD" and not route.head:
                return Reply(405, {"Allow": "GET"})
            reply = route.replies[min(route.answered, len(route.replies) - 1)]
            route.answered += 1
            return reply

    def _count_connection(self) -> None:
        with self._lock:
            self.connections += 1

    def _count_body(self, path: str, sent: int) -> None:
        with self._lock:
            self.body_bytes_sent[path] = self.body_bytes_sent.get(path, 0) + sent


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # do not wait for handlers still sleeping in a slow reply

    def handle_error(self, request, client_address) -> None:
        pass  # clients that time out or close early are what the tests are about


def _handler_for(server: LinkServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            # A small send buffer, so that bytes counted as sent are close to bytes read.
            self.request.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16 * 1024)
            super().setup()
            server._count_connection()

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_HEAD(self) -> None:
            self._answer()

        def do_GET(self) -> None:
            self._answer()

        def _answer(self) -> None:
            reply = server._next_reply(self.command, self.path, dict(self.headers.items()))
            with server.in_flight:
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.cut:
                    self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Le")
                    self.wfile.flush()
                    self.close_connection = True
                    self.request.shutdown(socket.SHUT_RDWR)
                    return
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                size = reply.body_size if self.command == "GET" else 0
                self.send_header("Content-Length", str(reply.body_size))
                self.end_headers()
                self._send_body(size)

        def _send_body(self, size: int) -> None:
            chunk = b"\0" * 65536
            sent = 0
            try:
                while sent < size:
                    piece = chunk[: size - sent]
                    self.wfile.write(piece)
                    sent += len(piece)
            except OSError:
                self.close_connection = True
            finally:
                if size:
                    server._count_body(self.path, sent)

    return Handler
