"""JupyterLab for re-runners: ``make lab`` (``python -m datastory.lab``), and Binder's setup.

* :func:`configure` makes an environment's JupyterLab open the chapters (MyST Markdown) as
  notebooks by default, with jupytext's notebook viewer, and loads this module as a Jupyter
  server extension. Binder's ``postBuild`` runs ``python -m datastory.lab configure``.
* The server extension serves the package's own vega and chart script at
  ``<base_url>datastory/static/`` and tells the kernels it starts where (an environment
  variable that :mod:`datastory.jupyter` reads), so live charts never touch a CDN.
* :func:`register_kernel` registers this environment's Python as a named kernel for your own
  Jupyter or VS Code; it carries ``DATASTORY_JUPYTER=inline`` because there our route is absent.
* :func:`main` configures, registers, starts JupyterLab on 127.0.0.1 and prints the URL with its token.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import webbrowser
from pathlib import Path

from .jupyter import MODE_ENV, STATIC_DIR, STATIC_ROUTE_ENV

EXTENSION = "datastory.lab"
ROUTE = "datastory/static/"
#: jupytext's viewer for every Markdown file: chapters open as notebooks (README.md too, as text cells).
DEFAULT_VIEWERS = {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}
#: Lab settings that make it offline: no news feed, no update check (both would ask the web).
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension:plugin": {"defaultViewers": DEFAULT_VIEWERS},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}


def _jupyter_server_extension_points():
    return [{"module": EXTENSION}]


def _load_jupyter_server_extension(serverapp) -> None:
    """Serve ``datastory/static`` (vega, the chart script and styles) behind the server's login."""
    from jupyter_server.base.handlers import AuthenticatedFileHandler
    from jupyter_server.utils import url_path_join

    route = url_path_join(serverapp.base_url, ROUTE)
    serverapp.web_app.add_handlers(".*$", [(route + "(.*)", AuthenticatedFileHandler, {"path": str(STATIC_DIR)})])
    os.environ[STATIC_ROUTE_ENV] = route  # kernels started from now on inherit it
    serverapp.log.info("datastory: live charts from %s", route)


def _merge_json(path: Path, update: dict) -> None:
    """Write ``update`` into the JSON file at ``path``, keeping every other setting in it."""
    current = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(current.get(key), dict):
            merged = dict(current[key])
            for inner, inner_value in value.items():
                merged[inner] = ({**merged[inner], **inner_value}
                                 if isinstance(inner_value, dict) and isinstance(merged.get(inner), dict)
                                 else inner_value)
            current[key] = merged
        else:
            current[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(current, indent=2) + "\n", encoding="utf-8")


def configure(prefix: Path = Path(sys.prefix)) -> list[Path]:
    """Chapters open as notebooks, and the server extension is on, for the Jupyter in ``prefix``."""
    overrides = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    _merge_json(overrides, LAB_SETTINGS)
    server = prefix / "etc" / "jupyter" / "jupyter_server_config.d" / "datastory.json"
    _merge_json(server, {"ServerApp": {"jpserver_extensions": {EXTENSION: True}}})
    return [overrides, server]


def kernel_name(root: Path) -> tuple[str, str]:
    """(kernel name, display name) of this project, from its identity (CITATION.cff)."""
    from .identity import identity

    ident = identity(root)
    named = ident.repository_url.rstrip("/").rsplit("/", 1)[-1] or ident.title
    slug = "-".join("".join(c if c.isalnum() else " " for c in named.lower()).split()) or "datastory"
    return slug, f"Python ({ident.title})"


def register_kernel(root: Path) -> str:
    """Register this Python as the project's kernel for any Jupyter or VS Code of this user."""
    name, display = kernel_name(root)
    subprocess.run([sys.executable, "-m", "ipykernel", "install", "--user", "--name", name,
                    "--display-name", display, "--env", MODE_ENV, "inline"],
                   check=True, capture_output=True, text=True)
    return name


def _free_port(start: int) -> int:
    for port in range(start, start + 50):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"no free port between {start} and {start + 49} on 127.0.0.1; pass --port")


def first_chapter(root: Path) -> str:
    chapters = sorted((root / "notebooks").glob("*.md"))
    return chapters[0].relative_to(root).as_posix() if chapters else ""


def start(root: Path, port: int, open_browser: bool) -> int:
    """Run JupyterLab on 127.0.0.1 until interrupted; print its URL (with the token) once it answers."""
    port = _free_port(port)
    token = secrets.token_hex(24)
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
               "--LabApp.extension_manager=readonly"]  # no extension search on PyPI
    if os.geteuid() == 0:  # CI and containers run as root; Jupyter refuses without this
        command.append("--allow-root")
    server = subprocess.Popen(command)
    base = f"http://127.0.0.1:{port}"

    def stop(signum, frame):  # `kill` stops JupyterLab and its kernels too, as Ctrl+C does
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        for _ in range(600):
            if server.poll() is not None:
                return server.returncode
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        url = f"{base}/lab/tree/{first_chapter(root)}?token={token}"
        print(f"\nJupyterLab is running. Open:\n\n    {url}\n\nThe chapters open as notebooks; "
              "run all cells for live charts. Stop with Ctrl+C.\n", flush=True)
        if open_browser:
            webbrowser.open(url)
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()  # Jupyter shuts its kernels down, then exits
        try:
            return server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            return server.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m datastory.lab", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", default="start", choices=["start", "configure"],
                        help="start JupyterLab (default), or only configure this environment (Binder)")
    parser.add_argument("--root", type=Path, default=Path("."), help="the repository (default: here)")
    parser.add_argument("--port", type=int, default=8888, help="first port to try (default 8888)")
    parser.add_argument("--no-browser", action="store_true", help="print the URL, do not open a browser")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    for path in configure():
        print(f"configured {path}")
    if args.command == "configure":
        return 0
    print(f"registered kernel {register_kernel(root)!r} for your own Jupyter or VS Code")
    return start(root, args.port, not args.no_browser)


if __name__ == "__main__":
    sys.exit(main())
