"""The Data Docs templates Kinerja puts ahead of GX's stay GX's, but for the outside addresses,
and the npm packages are the versions GX's templates name: an upgrade of GX that changes either
fails here, not in a data engineer's browser."""

from __future__ import annotations

import json
import re
from pathlib import Path

import great_expectations
import pytest

from kinerja.quality.data_docs_site import FILES, PACKAGE_JSON, VIEWS_DIR

GX_TEMPLATES = Path(great_expectations.__file__).parent / "render" / "view" / "templates"

# How GX's templates name each package's version on the CDNs.
CDN_NAMES = {
    "bootstrap": "bootstrap/{}/",
    "bootstrap-table": "bootstrap-table@{}/",
    "bootstrap-datepicker": "bootstrap-datepicker/{}/",
    "@forevolve/bootstrap-dark": "@forevolve/bootstrap-dark@{}/",
    "@fortawesome/fontawesome-free": "font-awesome/{}/",
    "jquery": "jquery-{}.min.js",
}


def _without(text: str, pattern: str) -> list[str]:
    return [line for line in text.splitlines() if not re.search(pattern, line)]


@pytest.mark.parametrize("name", ["page.j2", "index_page.j2"])
def test_page_templates_are_gxs_with_local_stylesheets(name: str) -> None:
    ours = (VIEWS_DIR / name).read_text(encoding="utf-8").split("-#}\n", 1)[1]
    gxs = (GX_TEMPLATES / name).read_text(encoding="utf-8")
    assert _without(ours, r"include 'stylesheets.j2'") == _without(
        gxs, r'<link rel="stylesheet".*https://'
    )


def test_navbar_is_gxs_below_its_addresses() -> None:
    ours = (VIEWS_DIR / "top_navbar.j2").read_text(encoding="utf-8")
    gxs = (GX_TEMPLATES / "top_navbar.j2").read_text(encoding="utf-8")
    start = '<nav class="navbar'
    assert ours[ours.index(start) :] == gxs[gxs.index(start) :]


def test_packages_are_the_versions_gx_names() -> None:
    pinned = json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))["dependencies"]
    assert set(pinned) == set(FILES)
    cdn = "\n".join(
        (GX_TEMPLATES / n).read_text(encoding="utf-8") for n in ("page.j2", "js_script_imports.j2")
    )
    for package, form in CDN_NAMES.items():
        assert form.format(pinned[package]) in cdn, package
    # GX names popper.js 1.12.9, which bootstrap 4.3.1 refuses (it requires ^1.14.7).
    assert pinned["popper.js"] == "1.14.7" and "popper.js/1.12.9/" in cdn
