"""sitemap.xml for search engines, from the pages the build wrote (sorted, so builds are identical)."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape


def write_sitemap(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    base = (app.config.html_baseurl or "").rstrip("/")
    if not base:
        return  # a sitemap needs absolute addresses: set html.baseurl in _config.yml
    pages = sorted(app.env.found_docs & set(app.env.all_docs))
    urls = "".join(f"  <url><loc>{escape(base)}/{escape(app.builder.get_target_uri(name))}</loc></url>\n"
                   for name in pages)
    (Path(app.outdir) / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n", encoding="utf-8")
