"""Safe PDF rendering with WeasyPrint.

Reports are HTML templates rendered to PDF. The URL fetcher allows only `data:` URLs, so a report can never
load from the network or read the server's files, whatever a user typed into it (their text is escaped by
the template engine anyway). Charts are inline SVG; fonts come from the system.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from .brand import brand_of


def locked_url_fetcher():
    """A WeasyPrint fetcher that refuses every protocol but data:."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def render_pdf_html(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url="data:,", url_fetcher=locked_url_fetcher()).write_pdf()


def render_pdf(template: str, context: dict, *, msp) -> bytes:
    """Render a Django template to PDF bytes, with the MSP's brand (`brand`: logo as a data: URI, name,
    accent) for the cover and the headings (templates/reports/base.html)."""
    return render_pdf_html(render_to_string(template, {**context, "brand": brand_of(msp)}))
