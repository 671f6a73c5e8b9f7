"""Jinja template + context → PDF bytes, with WeasyPrint that may load nothing but `data:` URIs.

Documents carry customer-supplied text (names, addresses, notes), so templates
are always autoescaped, and the renderer never reaches the network or the disk:
a stray `http://` or `file://` URL in a template is refused and logged, not fetched.
"""

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.request import DataHandler, Request

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"

LOGGER = logging.getLogger(__name__)

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


class RefusedURLError(ValueError):
    """A document asked for a resource that is not a `data:` URI."""


class DataOnlyURLFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves `data:` URIs and refuses everything else.

    WeasyPrint catches the error, logs a warning and renders without the resource.
    """

    def __init__(self):
        super().__init__(allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False)

    def fetch(self, url, headers=None):
        if not url[:5].lower() == "data:":
            LOGGER.warning("document asked for a non-data: URL, refused: %.200s", url)
            raise RefusedURLError(f"only data: URIs may be loaded into a document, not {url[:200]!r}")
        # urllib's DataHandler decodes the URI in memory; it opens no connection and no file.
        response = DataHandler().data_open(Request(url))
        return URLFetcherResponse(url, body=response.read(), headers=dict(response.headers.items()))


def render_html(template_name: str, context: Mapping[str, Any]) -> str:
    return _environment.get_template(template_name).render(**context)


def html_to_pdf(html: str) -> bytes:
    # base_url=None: a relative URL has nothing to resolve against, so it is dropped too.
    return HTML(string=html, base_url=None, url_fetcher=DataOnlyURLFetcher()).write_pdf()


def render_pdf(template_name: str, context: Mapping[str, Any]) -> bytes:
    """The PDF for a template under templates/ (e.g. "documents/packing_slip.html")."""
    return html_to_pdf(render_html(template_name, context))
