"""Every connection to an address doclint resolved and checked itself: no loopback, private,
link-local, multicast or reserved address, and no window between the check and the
connection (DNS rebinding).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol

from doclint.links.model import Settings

if TYPE_CHECKING:
    import httpx


class NameNotFound(Exception):
    """The host name does not exist (NXDOMAIN)."""


class ResolverUnavailable(Exception):
    """The resolver failed temporarily (no network, DNS server down, timed out)."""


class RefusedAddress(Exception):
    """The name resolves only to addresses that links must not reach."""

    def __init__(self, host: str, address: str, category: str) -> None:
        self.host, self.address, self.category = host, address, category
        if _literal_address(host) == address:
            super().__init__(f"{host} is a {category} address")
        else:
            super().__init__(f"{host} resolves to a {category} address ({address})")


class Resolver(Protocol):
    def __call__(self, host: str, port: int) -> Awaitable[list[str]]: ...


async def system_resolver(host: str, port: int) -> list[str]:
    """The addresses of ``host`` from the operating system's resolver, in its order."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        not_found = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}
        if error.errno in not_found:
            raise NameNotFound(str(error.strerror or error)) from None
        raise ResolverUnavailable(str(error.strerror or error)) from None
    except UnicodeError as error:  # a label too long for IDNA
        raise NameNotFound(str(error)) from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


_SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT


def refused_category(address: str) -> str | None:
    """Why links must not reach ``address`` ("loopback", "private", …), or None."""
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(
        address.split("%", 1)[0]
    )
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_private or (isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED_ADDRESS_SPACE):
        return "private"
    if ip.is_reserved:
        return "reserved"
    return None


def _literal_address(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def guarded_backend_class() -> type:
    """``GuardedBackend``, built on first use so that httpcore loads only when needed."""
    import httpcore

    class GuardedBackend(httpcore.AsyncNetworkBackend):
        """Resolves, checks and connects in one step: the address checked is the address
        connected to. Each name is resolved once per run (the answer cannot change under a
        connection that was already checked)."""

        def __init__(self, resolver: Resolver, allow_private: bool, timeout: float) -> None:
            self._inner = httpcore.AnyIOBackend()
            self._resolver = resolver
            self._allow_private = allow_private
            self._timeout = timeout
            self._answers: dict[tuple[str, int], asyncio.Future[list[str]]] = {}
            self.resolved_hosts: set[str] = set()  # names that resolved (for "network down")

        async def addresses(self, host: str, port: int) -> list[str]:
            literal = _literal_address(host)
            if literal is not None:
                return [literal]
            key = (host.lower(), port)
            if key not in self._answers:
                self._answers[key] = asyncio.ensure_future(self._resolve(host, port))
            addresses = await asyncio.shield(self._answers[key])
            self.resolved_hosts.add(key[0])
            return addresses

        async def _resolve(self, host: str, port: int) -> list[str]:
            try:
                addresses = await asyncio.wait_for(self._resolver(host, port), self._timeout)
            except asyncio.TimeoutError:
                raise ResolverUnavailable("the resolver did not answer in time") from None
            if not addresses:
                raise NameNotFound("no address")
            return addresses

        async def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Iterable[Any] | None = None,
        ) -> httpcore.AsyncNetworkStream:
            addresses = await self.addresses(host, port)
            allowed = [
                address
                for address in addresses
                if self._allow_private or refused_category(address) is None
            ]
            if not allowed:
                raise RefusedAddress(host, addresses[0], refused_category(addresses[0]) or "")
            failure: Exception | None = None
            for address in allowed:
                try:
                    return await self._inner.connect_tcp(
                        address,
                        port,
                        timeout=timeout,
                        local_address=local_address,
                        socket_options=socket_options,
                    )
                except httpcore.ConnectError as error:
                    failure = error  # try the name's next address
            assert failure is not None
            raise failure

        async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> Any:
            raise httpcore.ConnectError("unix sockets are not links")

        async def sleep(self, seconds: float) -> None:
            await self._inner.sleep(seconds)

    return GuardedBackend


def guarded_transport(backend: Any, settings: Settings) -> httpx.AsyncBaseTransport:
    """An httpx transport that connects only through ``backend``, with one small httpcore
    pool per origin.

    httpx's own transport does not take a network backend, so this one hands requests to
    httpcore pools built with it. One pool per origin, because httpcore looks through all
    of a pool's connections for every request: one pool of 64 connections spends more CPU
    than the requests themselves, eight connections per pool do not. Pools of origins not
    used lately are closed, so that a book with thousands of hosts does not keep thousands
    of idle connections (and file descriptors) open. Response bodies are streamed, never
    read here."""
    import httpcore
    import httpx

    class GuardedTransport(httpx.AsyncBaseTransport):
        def __init__(self) -> None:
            self._ssl_context = httpx.create_ssl_context()
            self._pools: OrderedDict[tuple[bytes, bytes, int | None], Any] = OrderedDict()
            self._busy: Counter[tuple[bytes, bytes, int | None]] = Counter()

        def _pool(self, origin: tuple[bytes, bytes, int | None]) -> Any:
            pool = self._pools.get(origin)
            if pool is None:
                pool = self._pools[origin] = httpcore.AsyncConnectionPool(
                    ssl_context=self._ssl_context,
                    max_connections=settings.host_concurrency,
                    max_keepalive_connections=settings.host_concurrency,
                    keepalive_expiry=30.0,
                    network_backend=backend,
                )
            self._pools.move_to_end(origin)
            return pool

        async def _close_unused_pools(self) -> None:
            """Keep at most twice ``concurrency`` pools and open connections, closing the
            pools used least recently that have no request in flight."""
            limit = 2 * settings.concurrency
            connections = sum(len(pool.connections) for pool in self._pools.values())
            for origin in list(self._pools):  # least recently used first
                if len(self._pools) <= limit and connections <= limit:
                    break
                if not self._busy[origin]:
                    pool = self._pools.pop(origin)
                    connections -= len(pool.connections)
                    await pool.aclose()

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            url = request.url
            origin = (url.raw_scheme, url.raw_host, url.port)
            await self._close_unused_pools()
            pool = self._pool(origin)
            self._busy[origin] += 1
            try:
                response = await pool.handle_async_request(
                    httpcore.Request(
                        method=request.method,
                        url=httpcore.URL(
                            scheme=url.raw_scheme,
                            host=url.raw_host,
                            port=url.port,
                            target=url.raw_path,
                        ),
                        headers=request.headers.raw,
                        content=request.stream,
                        extensions=request.extensions,
                    )
                )
            except BaseException:
                self._busy[origin] -= 1
                raise

            def done() -> None:
                self._busy[origin] -= 1

            return httpx.Response(
                status_code=response.status,
                headers=response.headers,
                stream=_Body(response.stream, done),
                extensions=response.extensions,
            )

        async def aclose(self) -> None:
            for pool in self._pools.values():
                await pool.aclose()
            self._pools.clear()

    class _Body(httpx.AsyncByteStream):
        def __init__(self, stream: Any, on_close: Callable[[], None]) -> None:
            self._stream = stream
            self._on_close: Callable[[], None] | None = on_close

        async def __aiter__(self):  # type: ignore[override]
            async for chunk in self._stream:
                yield chunk

        async def aclose(self) -> None:
            try:
                await self._stream.aclose()
            finally:
                if self._on_close is not None:
                    self._on_close()
                    self._on_close = None

    return GuardedTransport()
