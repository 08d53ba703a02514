"""Serve a built site over HTTP on the loopback interface only, for browser-based gates.

GitHub Pages serves `/dir/` as `/dir/index.html` and answers unknown paths with `404.html`;
the handler does the same so that axe, the keyboard test and Lighthouse see what readers see.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

__all__ = ["serve"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, no request log, 404.html for missing paths."""

    def log_message(self, format: str, *args: object) -> None:  # stdlib name
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        not_found = Path(self.directory) / "404.html"
        if code == 404 and not_found.is_file():
            body = not_found.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 (a free port) in a thread; yield the base URL ending in '/'."""
    factory = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), factory)
    thread = threading.Thread(target=server.serve_forever, name="gate-http", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
