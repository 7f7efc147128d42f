"""Serve the sample site on 127.0.0.1 (a free port): ETag/Last-Modified with 304 answers,
robots.txt, and optional faults for tests (500s, slow answers, malformed HTML)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from .generate import Site, build

_TRACKING = ("utm_", "fbclid", "gclid", "zarsrc")


@dataclass
class Served:
    url: str
    site: Site
    requests: list[tuple[str, int, bool]] = field(default_factory=list)  # path, status, conditional
    times: list[float] = field(default_factory=list)  # when each request arrived (monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(served: Served, faults: dict[str, str], delay: float):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args) -> None:  # quiet
            return None

        def _send(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            conditional = bool(
                self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since")
            )
            with served.lock:
                served.requests.append((self.path, status, conditional))
                served.times.append(self.arrived)

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            self.arrived = time.monotonic()
            parts = urlsplit(self.path)
            key = parts.path + (f"?{parts.query}" if parts.query else "")
            page = served.site.pages.get(key)
            if (
                page is None
                and parts.query
                and all(q.startswith(_TRACKING) for q in parts.query.split("&"))
            ):
                page = served.site.pages.get(
                    parts.path
                )  # the same article behind tracking parameters
            fault = faults.get(parts.path)
            if delay:
                time.sleep(delay)
            if fault == "500":
                return self._send(500, b"Internal Server Error", {"Content-Type": "text/plain"})
            if fault == "timeout":
                time.sleep(30)
                return self._send(504, b"", {})
            if page is None:
                return self._send(
                    404, b"<html><body>404 Not Found</body></html>", {"Content-Type": "text/html"}
                )
            body = page.body.replace(b"{base}", served.url.encode())
            if fault == "malformed":
                body = b"<html><head><title>Bai \xff\xfe<<<div <p class=</scr" + body[:200]
            headers = {
                "Content-Type": page.content_type,
                "ETag": page.etag,
                "Last-Modified": page.last_modified,
            }
            if self.headers.get("If-None-Match") == page.etag or (
                not self.headers.get("If-None-Match")
                and self.headers.get("If-Modified-Since") == page.last_modified
            ):
                return self._send(
                    304, b"", {"ETag": page.etag, "Last-Modified": page.last_modified}
                )
            return self._send(200, body, headers)

    return Handler


@contextlib.contextmanager
def serve(
    site: Site | None = None,
    faults: dict[str, str] | None = None,
    delay: float = 0.0,
    port: int = 0,
    host: str = "127.0.0.1",
) -> Iterator[Served]:
    """Serve ``site`` (default: the 40-article sample) in a background thread on ``host``
    (a loopback address); yields the base URL and the request log, and stops the server on
    exit."""
    site = site or build()
    served = Served("", site)
    server = ThreadingHTTPServer((host, port), _handler(served, faults or {}, delay))
    server.daemon_threads = True
    served.url = f"http://{host}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="sample-site", daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    """``python -m partyfacts.crawler.sample_site.server [PORT]``: serve until Ctrl-C."""
    import sys

    with serve(port=int(sys.argv[1]) if len(sys.argv) > 1 else 0) as served:
        print(f"sample site at {served.url}/ (Ctrl-C to stop)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
