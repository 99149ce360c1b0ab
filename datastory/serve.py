"""Serving a built site on 127.0.0.1, and the Chromium settings for looking at it.

Shared by the browser tests and the benchmark: the server runs
in its own process (it never shares the caller's GIL) and is stopped when the block ends.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(site: Path, headers: dict[str, str] | None = None, gzip: bool = False):
    """Serve ``site`` on a free port; yield its base URL. Prints the server's output if it fails.

    With ``gzip``, files are served as a static host such as GitHub Pages serves them: text files
    (HTML, CSS, JS, JSON, SVG, CSV) gzipped to clients that accept it, and every file with a
    ``Last-Modified`` date and ``Cache-Control: max-age=600`` (so a file fetched ahead is used).
    """
    port = free_port()
    code = (
        "import functools, gzip, http.server, os, sys\n"
        f"extra = {dict(headers or {})!r}\n"
        f"GZIP = {bool(gzip)!r}\n"
        "TEXT = ('.html', '.css', '.js', '.json', '.svg', '.csv', '.txt', '.xml', '.mjs')\n"
        "class Handler(http.server.SimpleHTTPRequestHandler):\n"
        "    def end_headers(self):\n"
        "        for k, v in extra.items(): self.send_header(k, v)\n"
        "        if GZIP and 'Cache-Control' not in extra: self.send_header('Cache-Control', 'max-age=600')\n"
        "        super().end_headers()\n"
        "    def send_head(self):\n"
        "        path = self.translate_path(self.path)\n"
        "        if os.path.isdir(path): path = os.path.join(path, 'index.html')\n"
        "        if not (GZIP and path.endswith(TEXT) and os.path.isfile(path)\n"
        "                and 'gzip' in self.headers.get('Accept-Encoding', '')):\n"
        "            return super().send_head()\n"
        "        with open(path, 'rb') as f: body = gzip.compress(f.read(), 6)\n"
        "        self.send_response(200)\n"
        "        self.send_header('Content-Type', self.guess_type(path))\n"
        "        self.send_header('Content-Encoding', 'gzip')\n"
        "        self.send_header('Content-Length', str(len(body)))\n"
        "        self.send_header('Last-Modified', self.date_time_string(int(os.path.getmtime(path))))\n"
        "        self.end_headers()\n"
        "        import io\n"
        "        return io.BytesIO(body)\n"
        "    def log_message(self, *args): pass\n"
        f"http.server.ThreadingHTTPServer(('127.0.0.1', {port}), functools.partial(Handler, directory=sys.argv[1]))"
        ".serve_forever()\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code, str(site)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1).read()
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(f"the test server exited: {process.stdout.read()}") from None
                time.sleep(0.1)
        else:
            process.kill()
            raise RuntimeError(f"the test server did not answer on {base}: {process.stdout.read()}")
        yield base
    finally:
        process.kill()
        process.wait()


def _cancelled(request) -> bool:
    """A load the browser gave up because nothing wanted it any more: a static chart hidden when its
    live view replaced it, or a favicon still on its way when the test moved to the next page. That
    is not a broken file: a missing one is a 404, counted on its response."""
    return request.failure == "net::ERR_ABORTED"


def tap(page, locator) -> None:
    """A finger on the middle of the part of ``locator`` that is on screen (a tall chart's centre
    may be below the fold)."""
    box, height = locator.bounding_box(), page.viewport_size["height"]
    top, bottom = max(box["y"], 0), min(box["y"] + box["height"], height)
    page.touchscreen.tap(box["x"] + box["width"] / 2, (top + bottom) / 2)


class Watcher:
    """Records console errors and warnings, failed requests, and requests to any other host (aborted)."""

    def __init__(self, page, base: str):
        self.console, self.failed, self.foreign = [], [], []
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning")
                else None)
        page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        page.on("requestfailed", lambda r: self.failed.append(r.url) if r.url.startswith(base)
                and not _cancelled(r) else None)
        page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)

        def route(request_route):
            if request_route.request.url.startswith(base):
                request_route.continue_()
            else:
                self.foreign.append(request_route.request.url)
                request_route.abort()

        page.route("**/*", route)

    def problems(self) -> list[str]:
        return self.console + [f"failed: {u}" for u in self.failed] + [f"other host: {u}" for u in self.foreign]
