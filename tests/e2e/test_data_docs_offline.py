"""The Data Docs site on a closed network, as a data engineer opens it.

A real validation of a bad pegawai delivery builds the site; its pages are read as files (every
script, stylesheet and image they load is in the site), then opened in Debian's Chromium from
disk and from a local web server with every other address blocked: styled, scripted, no failed
request. Two delivered values carry markup; the pages show them as text.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route
from support.browser import chromium
from support.contract_values import valid_value
from support.raw_layer import create_raw_layer

from kinerja.contract.extracts import EXTRACTS
from kinerja.quality import validate_batch
from kinerja.settings import Settings

PEGAWAI = EXTRACTS["pegawai"]
DAY = date(2025, 1, 6)
BATCH = f"uji-{DAY.isoformat()}"
BOLD = "HONORER<b>x</b>"
SCRIPT = "<script>window.__pwned = true</script>"


@dataclass
class Site:
    root: Path
    page: Path  # the validation page of the non-personal columns: the one showing values


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    settings = Settings(home=tmp_path_factory.mktemp("data_docs") / "home", target="duckdb")
    rows = []
    for n in range(1, 7):
        row = {c.name: valid_value(c, n) for c in PEGAWAI.columns}
        row["status_kepegawaian"] = {2: BOLD, 3: SCRIPT}.get(n, row["status_kepegawaian"])
        if n == 4:
            row["nik"] = "317101010185"  # 12 digits: a personal column's page too
        rows.append((DAY, row))
    create_raw_layer(settings, {"pegawai": rows})
    outcome = validate_batch(settings, "pegawai", BATCH)
    assert not outcome.success
    [page] = (settings.data_docs_dir / "validations" / "raw_pegawai").rglob("*.html")
    return Site(settings.data_docs_dir, page)


class _Loads(HTMLParser):
    """What a page loads: script sources, linked stylesheets and icons, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        url = {"script": named.get("src"), "link": named.get("href"), "img": named.get("src")}
        if url.get(tag):
            self.urls.append(url[tag])


def _loads(page: Path) -> list[str]:
    parser = _Loads()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.urls


def _local_file(base: Path, url: str, root: Path) -> Path:
    assert not re.match(r"^([a-z]+:|//)", url, re.IGNORECASE), f"{base} loads {url}"
    path = (base.parent / urlsplit(url).path).resolve()
    assert path.is_relative_to(root.resolve()), f"{base} loads {url}, outside the site"
    assert path.is_file(), f"{base} loads {url}, which is not in the site"
    return path


def test_every_page_loads_only_files_of_the_site(site: Site) -> None:
    pages = sorted(site.root.rglob("*.html"))
    assert len(pages) == 3  # the index, the non-personal and the personal columns' pages
    stylesheets = set()
    for page in pages:
        urls = _loads(page)
        assert any(u.endswith("bootstrap.min.css") for u in urls), page
        assert any(u.endswith("jquery.min.js") for u in urls), page
        for url in urls:
            path = _local_file(page, url, site.root)
            if path.suffix == ".css":
                stylesheets.add(path)
        # No page draws a chart: the pages load no vega (see kinerja/quality/data_docs_site.py).
        assert "vegaEmbed" not in page.read_text(encoding="utf-8")
    # What the stylesheets load in turn (font-awesome's fonts), other than inline data.
    fonts = 0
    for sheet in stylesheets:
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", sheet.read_text(encoding="utf-8")):
            if not url.startswith("data:"):
                _local_file(sheet, url, site.root)
                fonts += 1
    assert fonts >= 2


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def server(site: Site) -> Iterator[str]:
    """The site served as it is by a plain web server, as an agency may serve it."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(site.root))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@dataclass
class Visit:
    page: Page
    blocked: list[str]
    failed: list[str]
    errors: list[str]


def _open(browser: Browser, url: str, color_scheme: str) -> Visit:
    """The page in a browser that reaches nothing but the disk and this machine."""
    context = browser.new_context(color_scheme=color_scheme)
    visit = Visit(context.new_page(), [], [], [])

    def closed_network(route: Route) -> None:
        target = urlsplit(route.request.url)
        if target.scheme == "file" or target.hostname == "127.0.0.1":
            route.continue_()
        else:
            visit.blocked.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", closed_network)
    page = visit.page
    page.on("requestfailed", lambda r: visit.failed.append(f"{r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and visit.failed.append(f"{r.url} {r.status}"))
    page.on("pageerror", lambda e: visit.errors.append(str(e)))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return visit


def _styled_and_scripted(visit: Visit) -> None:
    page = visit.page
    assert (visit.blocked, visit.failed, visit.errors) == ([], [], [])
    # bootstrap's stylesheet: the utility classes GX's pages are laid out with.
    padding = page.eval_on_selector(".container-fluid", "e => getComputedStyle(e).paddingLeft")
    assert padding == "48px"  # .pl-5, 3rem
    # jQuery, bootstrap and bootstrap-table ran: tables are wrapped by bootstrap-table.
    assert page.locator("div.bootstrap-table").count() > 0
    assert page.evaluate("typeof jQuery.fn.bootstrapTable === 'function'")
    # font-awesome's icons have their font.
    assert page.evaluate(
        "document.fonts.check('900 16px \"Font Awesome 6 Free\"')"
        " && [...document.fonts].some(f => f.family.includes('Font Awesome') && f.status === 'loaded')"
    )


@pytest.mark.parametrize(
    ("served", "color_scheme"), [("from disk", "light"), ("by a web server", "dark")]
)
def test_pages_render_styled_with_no_outside_request(
    site: Site, browser: Browser, server: str, served: str, color_scheme: str
) -> None:
    base = site.root.as_uri() if served == "from disk" else server
    for page in ("index.html", site.page.relative_to(site.root).as_posix()):
        visit = _open(browser, f"{base}/{page}", color_scheme)
        _styled_and_scripted(visit)
        # The logo is the site's own, in the dark theme too.
        logo = visit.page.eval_on_selector(".navbar-brand img", "e => e.naturalWidth")
        assert logo > 0
        visit.page.context.close()


def test_delivered_markup_shows_as_text(site: Site, browser: Browser) -> None:
    visit = _open(browser, site.page.as_uri(), "light")
    page = visit.page
    cells = page.locator("td").all_text_contents()
    # In GX's table of unexpected values and in Kinerja's table of unexpected rows.
    assert cells.count(BOLD) == 2
    assert cells.count(SCRIPT) == 2
    assert page.evaluate("window.__pwned") is None
    assert page.locator("td b").count() == 0
    assert page.locator("script", has_text="__pwned").count() == 0
    visit.page.context.close()
