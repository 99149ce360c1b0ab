"""check-links on the built site, and on a copy with a broken link and a broken anchor."""

import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def check(site, data):
    return subprocess.run([sys.executable, "-m", "datastory", "check-links", "--site", str(site), "--data",
                           str(data)], capture_output=True, text=True)


def test_built_site_links_resolve_and_sitemap_lists_pages(built_site):
    result = check(built_site / "_build/html", built_site / "data")
    assert result.returncode == 0, result.stderr
    sitemap = (built_site / "_build/html/sitemap.xml").read_text()
    assert sitemap.count("<url>") >= 4 and "notebooks/01-state-venture-capitalist.html" in sitemap


def test_broken_link_and_anchor_are_reported(built_site, tmp_path):
    import shutil

    site = shutil.copytree(built_site / "_build/html", tmp_path / "html")
    page = site / "book" / "methodology.html"
    page.write_text(page.read_text().replace("</main>", '<a href="nowhere.html">x</a>'
                                             '<a href="data.html#no-such-anchor">y</a></main>'))
    result = check(site, built_site / "data")
    assert result.returncode == 1
    assert "book/methodology.html" in result.stderr and "'nowhere.html' points to a missing file" in result.stderr
    assert "missing anchor #no-such-anchor" in result.stderr
