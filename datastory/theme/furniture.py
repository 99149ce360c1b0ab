"""Newsroom furniture, from data: byline, dates, reading time, and each chapter's end matter.

Nothing here is typed into a page. The byline and the citation come from ``CITATION.cff``
(:mod:`datastory.identity`); the dates from the git history of the page and of the data files
it depends on (:mod:`datastory.history`); "Updates and corrections" from ``CHANGELOG.md``
(:mod:`datastory.changelog`); reading time from the page's words. Chapters (MyST notebooks) also
get a "Re-run this chapter" block: the notebook, Binder and Colab, and the two commands.
"""

from __future__ import annotations

import html
import math
import re
from datetime import date
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

from ..changelog import corrections_for, published_after_first_edition, read_corrections
from ..history import read_history
from ..identity import identity

logger = logging.getLogger(__name__)

WORDS_PER_MINUTE = 230
SECONDS_PER_CHART = 12
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
CORRECTIONS_PAGE = "book/corrections"
SHOWN_CORRECTIONS = 5  # the newest; the rest are one link away
LICENCE_URLS = {"CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
                "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
                "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
                "MIT": "https://opensource.org/license/mit"}
LICENCE_NAMES = {"CC-BY-4.0": "CC BY 4.0", "CC-BY-SA-4.0": "CC BY-SA 4.0", "CC0-1.0": "CC0 1.0"}


def long_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def licence_link(spdx: str) -> str:
    url = LICENCE_URLS.get(spdx, f"https://spdx.org/licenses/{spdx}.html")
    return f'<a href="{html.escape(url)}" rel="license">{html.escape(LICENCE_NAMES.get(spdx, spdx))}</a>'


def is_chapter(app, docname: str) -> bool:
    """A chapter is a MyST notebook (the pages in ``book/`` are prose)."""
    from myst_nb.core.read import is_myst_markdown_notebook

    path = Path(app.env.doc2path(docname))
    return path.suffix == ".md" and is_myst_markdown_notebook(path.read_text(encoding="utf-8"))


def data_files(app, docname: str) -> list[Path]:
    """The files under the data folder this page depends on (as Sphinx recorded them)."""
    data_dir = Path(app.config.datastory_data_path)
    found = set()
    for dep in app.env.dependencies.get(docname, ()):
        path = (Path(app.srcdir) / dep).resolve()
        if path.is_relative_to(data_dir) and path.is_file():
            found.add(path)
    return sorted(found)


def reading_minutes(doctree) -> int:
    words = len(re.findall(r"\w+", doctree.astext()))
    charts = sum(1 for node in doctree.findall(nodes.Element) if node.tagname == "chart")
    return max(1, math.ceil((words / WORDS_PER_MINUTE) + charts * SECONDS_PER_CHART / 60))


def _load(app) -> None:
    """Once per build: the identity, the history and the corrections log."""
    root = Path(app.srcdir)
    app.datastory_identity = identity(root)
    app.datastory_history = read_history(root)
    app.datastory_corrections = read_corrections(root / "CHANGELOG.md")
    app.datastory_pages = {}
    if app.datastory_history.note:
        logger.info(f"datastory: {app.datastory_history.note}")


def byline_html(app, dates, minutes: int | None) -> str:
    ident, parts = app.datastory_identity, []
    if dates.first_published:
        day = dates.first_published
        parts.append(f'Published <time datetime="{day.isoformat()}">{long_date(day)}</time>')
    if dates.last_updated and dates.last_updated != dates.first_published:
        day = dates.last_updated
        parts.append(f'Updated <time datetime="{day.isoformat()}">{long_date(day)}</time>')
    if not parts:
        parts.append('<span class="ds-byline__undated">Undated copy: built without its git history</span>')
    if minutes:
        parts.append(f"{minutes} min read")
    dateline = ' <span aria-hidden="true">·</span> '.join(parts)
    return (f'<div class="ds-byline"><p class="ds-byline__authors">By {html.escape(ident.byline)}</p>'
            f'<p class="ds-byline__dates">{dateline}</p></div>')


def _only_strong(paragraph: nodes.paragraph) -> bool:
    """A standfirst: a first paragraph that is all bold (``**...**`` in the source)."""
    parts = [child for child in paragraph.children if not (isinstance(child, nodes.Text) and not child.strip())]
    return len(parts) == 1 and isinstance(parts[0], nodes.strong)


def add_byline(app, doctree, docname: str) -> None:
    """``doctree-resolved``: put the byline under the headline and mark the standfirst."""
    if app.builder.format != "html" or not hasattr(app, "datastory_history") or docname == app.config.root_doc:
        return  # the landing page is the front page: headline, standfirst, lead chart; bylines are on chapters
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not section.children or not isinstance(section[0], nodes.title):
        return
    source = Path(app.env.doc2path(docname))
    reads = data_files(app, docname)
    dates = app.datastory_history.page(source, reads)
    minutes = reading_minutes(doctree) if is_chapter(app, docname) else None  # reference pages are not read end to end
    first = section[1] if len(section) > 1 else None
    if isinstance(first, nodes.paragraph) and _only_strong(first):
        first["classes"].append("ds-standfirst")
    # under the headline, so the standfirst leads straight into the lead chart
    section.insert(1, nodes.raw("", byline_html(app, dates, minutes), format="html"))
    app.datastory_pages[docname] = {"dates": dates}


def _iso(text: str) -> bool:
    try:
        date.fromisoformat(str(text))
    except ValueError:
        return False
    return True


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def appendix(app, pagename: str, title: str) -> dict:
    """Updates and corrections, Reuse and Citation for one chapter."""
    ident, page = app.datastory_identity, app.datastory_pages.get(pagename, {})
    source = Path(app.env.doc2path(pagename)).relative_to(Path(app.srcdir)).as_posix()
    corrections = corrections_for(published_after_first_edition(app.datastory_corrections, Path(app.srcdir)), source)
    log = (app.builder.get_relative_uri(pagename, CORRECTIONS_PAGE) if CORRECTIONS_PAGE in app.env.all_docs
           else "")
    dates = page.get("dates")
    year = (dates.last_updated.year if dates and dates.last_updated else None) or ident.date_released[:4]
    url = f"{ident.site_url}{app.builder.get_target_uri(pagename)}" if ident.site_url else ""
    edition = f", edition of {long_date(date.fromisoformat(ident.date_released))}" if _iso(ident.date_released) else ""
    citation = f"{ident.byline} ({year}). \u201c{title}.\u201d In {ident.title}{edition}." + (f" {url}" if url else "")
    bibtex = "\n".join([
        f"@misc{{{_slug(Path(pagename).name)}-{year},",
        f"  author = {{{{{ident.byline}}}}},",  # braces: an organisation's name, not first and last names
        f"  title = {{{title}}},",
        f"  howpublished = {{In: {ident.title}}},",
        f"  year = {{{year}}},",
        *([f"  url = {{{url}}},"] if url else []),
        *([f"  note = {{Data and code: {ident.repository_url}}}"] if ident.repository_url else []),
        "}"])
    bibtex = bibtex.replace(",\n}", "\n}")
    return {
        "corrections": [{"date": long_date(c.day), "iso": c.day.isoformat(), "what": c.what, "why": c.why,
                         "href": f"{log}#{c.anchor}" if log else ""} for c in corrections[:SHOWN_CORRECTIONS]],
        "corrections_more": max(0, len(corrections) - SHOWN_CORRECTIONS), "corrections_href": log,
        "licence_data": licence_link(ident.licence_data), "licence_code": licence_link(ident.licence_code),
        "credit": f"{ident.title}, {ident.byline}",
        "repository": ident.repository_url, "citation": citation, "bibtex": bibtex,
    }


def rerun(app, pagename: str, context: dict) -> dict:
    """Where to run this chapter: the executed notebook, its MyST source, Binder, Colab, the repository."""
    from ..sphinx_ext.notebooks import PUBLISHED_BRANCH

    ident = app.datastory_identity
    repo = ident.repository_url
    branch = context.get("theme_repository_branch") or "main"
    launch = context.get("theme_launch_buttons") or {}
    source = Path(app.env.doc2path(pagename)).relative_to(Path(app.srcdir)).as_posix()
    root = "../" * pagename.count("/")
    owner_repo = repo.split("github.com/", 1)[-1] if "github.com/" in repo else ""
    links = [{"label": "Notebook with outputs (.ipynb)", "href": f"{root}_sources/{pagename}.ipynb", "download": True},
             {"label": "Notebook source (MyST Markdown)", "href": f"{root}_sources/{source}", "download": True}]
    if owner_repo and launch.get("binderhub_url"):
        links.append({"label": "Run on Binder", "download": False,
                      "href": f"{launch['binderhub_url'].rstrip('/')}/v2/gh/{owner_repo}/{branch}"
                              f"?urlpath=lab/tree/{source}"})
    if owner_repo and launch.get("colab_url"):
        links.append({"label": "Open in Colab", "download": False,
                      "href": f"{launch['colab_url'].rstrip('/')}/github/{owner_repo}/blob/{PUBLISHED_BRANCH}"
                              f"/_sources/{pagename}.ipynb"})
    if repo:
        links.append({"label": "Source on GitHub" if owner_repo else "Source", "download": False,
                      "href": f"{repo}/blob/{branch}/{source}"})
        folder = repo.rstrip("/").rsplit("/", 1)[-1]
        return {"links": links, "commands": f"git clone {repo}\ncd {folder}\nmake book"}
    return {"links": links, "commands": "# in a clone of this site's repository:\nmake book"}


def page_context(app, pagename, templatename, context, doctree) -> None:
    if not hasattr(app, "datastory_identity"):
        return
    context["ds_byline_authors"] = app.datastory_identity.byline  # the footer of every page, generated ones too
    context["ds_licence_data"] = licence_link(app.datastory_identity.licence_data)
    context["ds_repository"] = app.datastory_identity.repository_url
    if doctree is None:
        return
    if is_chapter(app, pagename) and pagename != landing(app):
        # the story ends with the story: one line to the chapter's re-run and reuse page, and any
        # correction made since publication (what a reader needs to know before trusting the page)
        title = app.env.titles[pagename].astext() if pagename in app.env.titles else pagename
        end = appendix(app, pagename, title)
        shown = end["corrections"]
        context["ds_reuse"] = {"href": app.builder.get_relative_uri(pagename, reuse_page(pagename)),
                               "changes": len(shown) + end["corrections_more"],
                               "latest": shown[0] if shown else None, "changes_href": end["corrections_href"]}


def landing(app) -> str:
    """The landing page's docname (the table of contents' root), also in a one-chapter build."""
    if not hasattr(app, "_datastory_landing"):
        import yaml

        toc = Path(app.srcdir) / "_toc.yml"
        app._datastory_landing = (yaml.safe_load(toc.read_text(encoding="utf-8")) or {}).get("root", "") \
            if toc.is_file() else app.config.root_doc
    return app._datastory_landing


#: Where a chapter's re-run and reuse page lives.
REUSE_DIR = "reuse"


def reuse_page(docname: str) -> str:
    return f"{REUSE_DIR}/{Path(docname).name}"


def reuse_pages(app):
    """``html-collect-pages``: for each chapter, a page to re-run, download, reuse and cite it."""
    if not hasattr(app, "datastory_identity"):
        return
    context = app.builder.globalcontext
    for docname in sorted(app.env.found_docs):
        if docname == landing(app) or not is_chapter(app, docname):
            continue
        title = app.env.titles[docname].astext() if docname in app.env.titles else docname
        pagename = reuse_page(docname)
        yield pagename, {"title": f"Re-run and reuse: {title}",
                         "body": _reuse_body(app, pagename, docname, title, appendix(app, docname, title),
                                             rerun(app, docname, context))}, "page.html"


def _reuse_body(app, pagename: str, docname: str, title: str, end: dict, run: dict) -> str:
    e = html.escape
    back = app.builder.get_relative_uri(pagename, docname)
    # the chapter's links are relative to its folder; a reuse page sits as deep, so they hold as they are
    assert pagename.count("/") == docname.count("/")
    links = "".join(f'<li><a href="{e(link["href"])}"{" download" if link["download"] else ""}>'
                    f'{e(link["label"])}</a></li>' for link in run["links"])
    corrections = "".join(
        f'<li><time datetime="{e(c["iso"])}">{e(c["date"])}</time>: {e(c["why"])}</li>' for c in end["corrections"])
    return (f'<h1>Re-run and reuse \u201c{e(title)}\u201d</h1>'
            f'<p><a href="{e(back)}">Back to the chapter</a></p>'
            '<section aria-labelledby="ds-rerun-title" class="ds-rerun">'
            '<h2 id="ds-rerun-title">Re-run this chapter</h2>'
            "<p>This chapter is a notebook: every figure and chart in it is computed from the data package when it "
            "runs.</p>"
            f'<ul class="ds-rerun__links">{links}</ul>'
            "<p>Or rebuild the whole site, offline, with the same numbers:</p>"
            f'<pre class="ds-rerun__commands"><code>{e(run["commands"])}</code></pre></section>'
            '<section aria-labelledby="ds-citation"><h2 id="ds-citation">Cite it</h2>'
            f'<p class="ds-citation">{e(end["citation"])}</p>'
            '<details class="ds-bibtex"><summary>BibTeX</summary>'
            f'<pre><code>{e(end["bibtex"])}</code></pre></details>'
            "</section>"
            '<section aria-labelledby="ds-reuse"><h2 id="ds-reuse">Reuse</h2>'
            f"<p>Text, charts and data are licensed {end['licence_data']}: reuse them with the credit "
            f"\u201c{e(end['credit'])}\u201d. Code is licensed {end['licence_code']}. Quotes belong to the publishers "
            "linked under each chart and on the data page.</p></section>"
            '<section aria-labelledby="ds-corrections"><h2 id="ds-corrections">Corrections</h2>'
            + (f'<ul class="ds-corrections">{corrections}</ul>' if corrections else
               "<p>No correction to this chapter since it was first published.</p>")
            + "</section>")


def setup(app) -> None:
    app.connect("builder-inited", _load)
    app.connect("doctree-resolved", add_byline)
    app.connect("html-page-context", page_context)
    app.connect("html-collect-pages", reuse_pages)
