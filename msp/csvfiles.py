"""Reading uploaded CSV files: the checks every import shares (encoding, workbooks, delimiters, headers)."""

from __future__ import annotations

import hashlib
import re

_UTF8_BOM = b"\xef\xbb\xbf"


class ImportFileError(Exception):
    """The upload as a whole cannot be read (encoding, binary content)."""


def decode_csv(data: bytes) -> str:
    """UTF-8 text of an upload (a byte-order mark is allowed and dropped), or ImportFileError."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError("This is a spreadsheet workbook, not a CSV file. "
                              "In Excel use File › Save As › CSV UTF-8, then upload that file.")
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(f"The file is not UTF-8 text (first bad byte on line {line}). "
                              "Save it as “CSV UTF-8” and upload it again.") from exc
    if "\x00" in text:
        raise ImportFileError("The file contains binary data; upload a CSV text file.")
    return text


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def header_key(name: str) -> str:
    """Header names match case-insensitively; spaces and hyphens count as underscores."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def delimiter(first_line: str) -> str:
    """Excel in some locales writes semicolons (or tabs); the header line tells which one a file uses."""
    if "," not in first_line:
        for candidate in (";", "\t"):
            if candidate in first_line:
                return candidate
    return ","
