"""A round-robin HTTP balancer: one address in front of several Rasa servers (scale-out tests).

    python -m scripts.balancer --port 5005 --upstream http://127.0.0.1:5105 --upstream http://127.0.0.1:5106

Each request goes to the next upstream in turn, whole (request line, headers, body), with
`Connection: close`, and the upstream's answer is streamed back; an upstream that refuses the
connection is skipped for that request (the next one is tried), as a load balancer's health
check would. `GET /__balancer` answers how many requests each upstream served. Standard library
only; a stand-in for the load balancer of a real deployment (docs/deploy.md: nginx, a Kubernetes
Service), not a production proxy.
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
from typing import Dict, List, Optional, Tuple
from urllib.parse import urlsplit

MAX_HEADER_BYTES = 64 * 1024
HOP_BY_HOP = {b"connection", b"keep-alive", b"proxy-connection", b"transfer-encoding", b"upgrade"}


class Balancer:
    def __init__(self, upstreams: List[str]):
        self.upstreams: List[Tuple[str, int]] = []
        for url in upstreams:
            parts = urlsplit(url)
            self.upstreams.append((parts.hostname or "127.0.0.1", parts.port or 80))
        self.served: Dict[str, int] = {f"{h}:{p}": 0 for h, p in self.upstreams}
        self._next = itertools.cycle(range(len(self.upstreams)))

    async def _read_request(self, reader: asyncio.StreamReader) -> Optional[Tuple[bytes, List[Tuple[bytes, bytes]], bytes]]:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            return None
        lines = head[:-4].split(b"\r\n")
        headers = []
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers.append((name.strip(), value.strip()))
        length = next((int(v) for n, v in headers if n.lower() == b"content-length" and v.isdigit()), 0)
        body = await reader.readexactly(length) if length else b""
        return lines[0], headers, body

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await self._read_request(reader)
            if request is None:
                return
            request_line, headers, body = request
            if request_line.split(b" ")[1:2] == [b"/__balancer"]:
                payload = json.dumps(self.served).encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                             b"Content-Length: " + str(len(payload)).encode() + b"\r\n\r\n" + payload)
                await writer.drain()
                return
            kept = [(n, v) for n, v in headers if n.lower() not in HOP_BY_HOP]
            forwarded = request_line + b"\r\n" + b"".join(n + b": " + v + b"\r\n" for n, v in kept)
            forwarded += b"Connection: close\r\n\r\n" + body
            for _ in range(len(self.upstreams)):
                host, port = self.upstreams[next(self._next)]
                try:
                    up_reader, up_writer = await asyncio.open_connection(host, port)
                except OSError:
                    continue  # down: the next upstream takes the request
                self.served[f"{host}:{port}"] += 1
                up_writer.write(forwarded)
                await up_writer.drain()
                while chunk := await up_reader.read(65536):
                    writer.write(chunk)
                    await writer.drain()
                up_writer.close()
                return
            writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()


async def serve(port: int, upstreams: List[str], host: str = "127.0.0.1") -> None:
    balancer = Balancer(upstreams)
    server = await asyncio.start_server(balancer.handle, host, port, limit=MAX_HEADER_BYTES)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", action="append", required=True, help="base URL of one server (repeat)")
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.upstream))


if __name__ == "__main__":
    main()
