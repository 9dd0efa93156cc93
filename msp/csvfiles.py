"""Reading uploaded CSV files: the checks every import shares (size, encoding, workbooks, delimiters,
quoting, headers). msp.csvimport builds the import pipeline on these; nothing here knows a column."""

from __future__ import annotations

import csv
import hashlib
import io
import re

_UTF8_BOM = b"\xef\xbb\xbf"
MEGABYTE = 1024 * 1024


class ImportFileError(Exception):
    """The upload as a whole cannot be read (size, encoding, binary content, too many rows)."""


class CsvSyntaxError(Exception):
    """A row breaks the CSV quoting rules; `row` is its number as a spreadsheet shows it (header = 1)."""

    def __init__(self, *, row: int, reason: str):
        super().__init__(f"row {row}: {reason}")
        self.row = row
        self.reason = reason


def megabytes(size: int) -> str:
    """1.5 MB, 5 MB: one decimal at most, as people write file sizes."""
    return f"{size / MEGABYTE:.1f}".removesuffix(".0") + " MB"


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


def csv_text(content: str | bytes, *, max_bytes: int) -> str:
    """The text of a file given as bytes (decoded) or text, refused when larger than `max_bytes`."""
    size = len(content) if isinstance(content, bytes) else len(content.encode())
    if size > max_bytes:
        raise ImportFileError(f"The file is {megabytes(size)}; the limit is {megabytes(max_bytes)}. "
                              "Split it into smaller files.")
    text = decode_csv(content) if isinstance(content, bytes) else content
    return text.removeprefix("\ufeff")


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


def _reason(message: str, sep: str) -> str:
    """What a csv module error means, in the words of someone editing the file in a spreadsheet."""
    if message.startswith("unexpected end of data"):
        return ("a quoted value is never closed: a cell starts with a double quote (\") and no closing quote "
                "follows, so the rest of the file would be read as that one cell. Close the quote, or double "
                "a quote that is part of the text (\"\").")
    if "expected after" in message:
        shown = "tab" if sep == "\t" else f"“{sep}”"
        return (f"a quoted value is followed by more text before the next {shown}. Quote the whole cell and "
                "double every quote inside it (\"\").")
    if message.startswith("field larger than field limit"):
        return (f"a cell is longer than {csv.field_size_limit():,} characters (is a quoted value never "
                "closed?).")
    return f"the CSV cannot be read ({message})."


def read_records(text: str, *, max_rows: int) -> list[list[str]]:
    """Every record of a CSV text, header first, read strictly: a quoting mistake is a CsvSyntaxError
    naming its row instead of silently swallowing the rest of the file into one cell. More than
    `max_rows` records after the header is an ImportFileError naming the limit and the file's count (the
    rest of the file is only counted, not kept)."""
    sep = delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    records: list[list[str]] = []
    count = 0
    try:
        for record in reader:
            count += 1
            if count <= max_rows + 1:
                records.append(record)
    except csv.Error as exc:
        # Records are rows (a blank line is a blank row), so the failing row is the next one.
        raise CsvSyntaxError(row=count + 1, reason=_reason(str(exc), sep)) from exc
    if count > max_rows + 1:
        raise ImportFileError(f"The file has {count - 1:,} rows after the header; an import takes at most "
                              f"{max_rows:,}. Split it into files of at most {max_rows:,} rows. Nothing was "
                              "changed.")
    return records
