"""A Data Docs site whose pages load their scripts, styles, fonts and images from the site itself.

GX's page templates load bootstrap, bootstrap-table, jQuery, popper, bootstrap-datepicker and
font-awesome from public CDNs, and its logo from a public bucket: on an agency's closed network
the pages render unstyled, their tables neither sort nor filter, and the browser waits on
addresses it cannot reach. Here:

- the files come from the npm packages of `expectations/gx/data_docs/package.json` (the versions
  GX's templates name, exact in package-lock.json), which `make setup` installs into that folder's
  git-ignored node_modules; nothing third-party is kept in the repository;
- every build copies them into the site, under `static/vendor/<package>@<version>/`, so the site
  can be opened from disk or served by any web server as it is;
- the pages are rendered with the templates of `expectations/gx/data_docs/views/` ahead of GX's:
  only the few that name an outside address are replaced.

`OfflineSiteBuilder` is the `class_name` of the site in `expectations/gx/great_expectations.yml`.
"""

from __future__ import annotations

import json
import logging
import mimetypes
from functools import cache
from pathlib import Path
from typing import Any

from great_expectations.core.util import nested_update
from great_expectations.render.renderer.site_builder import SiteBuilder
from great_expectations.render.view import DefaultJinjaIndexPageView, DefaultJinjaPageView
from jinja2 import ChoiceLoader, FileSystemLoader, pass_context
from jinja2.runtime import Context

from kinerja.project import DATA_DOCS_ASSETS_DIR

logger = logging.getLogger(__name__)

PACKAGE_JSON = DATA_DOCS_ASSETS_DIR / "package.json"
NODE_MODULES = DATA_DOCS_ASSETS_DIR / "node_modules"
VIEWS_DIR = DATA_DOCS_ASSETS_DIR / "views"

# Every file a page loads, by npm package: what the templates may ask for with asset(), and all
# that is copied into the site. A folder is copied whole (font-awesome's CSS loads its fonts
# from ../webfonts). No vega: only GX's KL-divergence and distinct-values expectations draw a
# chart, and Kinerja's suites use neither.
FILES: dict[str, tuple[str, ...]] = {
    "bootstrap": ("dist/css/bootstrap.min.css", "dist/js/bootstrap.min.js"),
    "bootstrap-table": (
        "dist/bootstrap-table.min.css",
        "dist/bootstrap-table.min.js",
        "dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
        "dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
    ),
    "bootstrap-datepicker": (
        "dist/css/bootstrap-datepicker.min.css",
        "dist/js/bootstrap-datepicker.min.js",
    ),
    "@forevolve/bootstrap-dark": ("dist/css/bootstrap-prefers-dark.min.css",),
    "@fortawesome/fontawesome-free": ("css/all.min.css", "webfonts"),
    "jquery": ("dist/jquery.min.js",),
    "popper.js": ("dist/umd/popper.min.js",),
}
SECTIONS = ("expectations", "validations", "profiling")
PAGE_VIEW = {"module_name": __name__, "class_name": "OfflinePageView"}
INDEX_VIEW = {"module_name": __name__, "class_name": "OfflineIndexPageView"}


@cache
def pinned_versions() -> dict[str, str]:
    """Each package's exact version, as package.json pins it (package-lock.json agrees)."""
    return json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))["dependencies"]


def vendor_path(package: str, path: str) -> str:
    """Where a package's file is in the site, below `static/`; the version in the path means a
    page never pairs with a file of another version left by an earlier build."""
    return f"vendor/{package}@{pinned_versions()[package]}/{path}"


def installed(package: str) -> bool:
    """Whether node_modules holds the package at its pinned version (not an older install)."""
    manifest = NODE_MODULES / package / "package.json"
    return (
        manifest.is_file()
        and json.loads(manifest.read_text(encoding="utf-8"))["version"]
        == pinned_versions()[package]
    )


def site_files() -> list[tuple[Path, tuple[str, ...]]]:
    """(installed file, its key in the site's static assets store) for every file of FILES;
    nothing of a package that is not installed at its pinned version."""
    files = []
    for package, paths in FILES.items():
        if not installed(package):
            continue
        for path in paths:
            source = NODE_MODULES / package / path
            for item in sorted(p for p in source.rglob("*") if p.is_file()) or [source]:
                inside = item.relative_to(NODE_MODULES / package).as_posix()
                files.append((item, ("static", *vendor_path(package, inside).split("/"))))
    return files


@pass_context
def site_root(context: Context) -> str:
    """The page's way up to the site's root folder: pages sit as deep as GX files them."""
    renderer_type = context.get("renderer_type") or ""
    dots = (context.get("expectation_suite_name") or "").count(".")
    # validations/<suite, one folder per dotted part>/<run name>/<run time>/<batch>.html
    if "ValidationResults" in renderer_type or "ProfilingResults" in renderer_type:
        return "../" * (dots + 4)
    # expectations/<suite, one folder per dotted part>.html
    if "ExpectationSuite" in renderer_type:
        return "../" * (dots + 1)
    return ""  # the index


@pass_context
def asset(context: Context, package: str, path: str) -> str:
    if path not in FILES.get(package, ()):
        raise KeyError(f"{package} {path} is not among the Data Docs assets (FILES)")
    return f"{site_root(context)}static/{vendor_path(package, path)}"


class _OfflineTemplates:
    """Our templates ahead of GX's; both page views share it."""

    env: Any

    def _use_offline_templates(self) -> None:
        self.env.loader = ChoiceLoader([FileSystemLoader(VIEWS_DIR), self.env.loader])
        self.env.globals["site_root"] = site_root
        self.env.globals["asset"] = asset


class OfflinePageView(_OfflineTemplates, DefaultJinjaPageView):
    def __init__(self, custom_styles_directory=None, custom_views_directory=None) -> None:
        super().__init__(custom_styles_directory, custom_views_directory)
        self._use_offline_templates()


class OfflineIndexPageView(_OfflineTemplates, DefaultJinjaIndexPageView):
    def __init__(self, custom_styles_directory=None, custom_views_directory=None) -> None:
        super().__init__(custom_styles_directory, custom_views_directory)
        self._use_offline_templates()


class OfflineSiteBuilder(SiteBuilder):
    """GX's site builder with the offline views on every page and the assets copied in."""

    # GX fills in the arguments it finds named in the signature (data_context, runtime_environment).
    def __init__(
        self,
        data_context: Any,
        store_backend: dict,
        site_section_builders: dict | None = None,
        site_index_builder: dict | None = None,
        runtime_environment: dict | None = None,
        **kwargs: Any,
    ) -> None:
        sections = nested_update(
            {name: {"view": PAGE_VIEW} for name in SECTIONS}, site_section_builders or {}
        )
        index = {"class_name": "DefaultSiteIndexBuilder", "view": INDEX_VIEW} | (
            site_index_builder or {}
        )
        super().__init__(
            data_context,
            store_backend,
            site_section_builders=sections,
            site_index_builder=index,
            runtime_environment=runtime_environment,
            **kwargs,
        )

    def build(self, resource_identifiers=None, build_index: bool = True):
        self.copy_vendor_assets()
        return super().build(resource_identifiers=resource_identifiers, build_index=build_index)

    def copy_vendor_assets(self) -> None:
        """Copies what the site lacks, through the site's own store (a folder here, a bucket
        for another backend), as GX copies its own static files.

        Packages not installed leave the pages unstyled, which is no reason to fail a night:
        the log says what is missing (and the CI's fresh clone proves `make setup` installs it).
        """
        store = self.target_store.store_backends["static_assets"]
        for source, key in site_files():
            if not store.has_key(key):
                content_type, encoding = mimetypes.guess_type(source.name)
                store.set(
                    key,
                    source.read_bytes(),
                    content_type=content_type or "application/octet-stream",
                    content_encoding=encoding,
                )
        missing = [
            f"{package}@{version}"
            for package, version in pinned_versions().items()
            if not installed(package)
        ]
        if missing:
            logger.warning(
                "The Data Docs pages will render unstyled: %s not installed in %s (run `make "
                "setup`, or `npm ci --prefix %s`)",
                ", ".join(missing),
                NODE_MODULES,
                DATA_DOCS_ASSETS_DIR,
            )
