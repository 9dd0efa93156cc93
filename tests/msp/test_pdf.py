"""The PDF renderer loads nothing from the network or the file system."""

import subprocess

from weasyprint import HTML

from msp.pdf import render_pdf_html


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def page(tmp_path) -> str:
    css = tmp_path / "evil.css"
    css.write_text('body::after { content: "LEAKED-FROM-DISK"; }')
    return f"""<html><head><link rel="stylesheet" href="file://{css}">
    <link rel="stylesheet" href="http://127.0.0.1:9/evil.css"></head>
    <body><h1>Quarterly report</h1>
    <p>Inline <img src="data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='2' height='2'/>"> ok</p>
    </body></html>"""


def test_a_stylesheet_on_disk_is_not_loaded(tmp_path):
    text = pdf_text(render_pdf_html(page(tmp_path)), tmp_path)
    assert "Quarterly report" in text
    assert "Inline" in text
    assert "LEAKED-FROM-DISK" not in text


def test_control_without_the_lock_the_file_would_load(tmp_path):
    # Proves the case above can fail: WeasyPrint's default fetcher reads the file.
    data = HTML(string=page(tmp_path), base_url=str(tmp_path)).write_pdf()
    assert "LEAKED-FROM-DISK" in pdf_text(data, tmp_path)
