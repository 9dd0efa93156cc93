"""Measuring pages and operations: median and p95 time, query count and response size, two MSPs interleaved."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass
class Row:
    page: str
    size: str
    median_ms: float
    p95_ms: float
    queries: int
    bytes: int


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _size(result) -> int:
    content = getattr(result, "content", None)
    return len(content) if isinstance(content, bytes | bytearray) else 0


def measure_pair(page: str, cases: dict[str, Callable[[], object]], *, runs: int) -> list[Row]:
    """Run each size's call once to warm up and count queries, then `runs` times, the sizes interleaved."""
    queries, sizes, times = {}, {}, {size: [] for size in cases}
    for size, fn in cases.items():
        fn()
        with CaptureQueriesContext(connection) as ctx:
            result = fn()
        queries[size] = len(ctx.captured_queries)
        sizes[size] = _size(result)
    for _ in range(runs):
        for size, fn in cases.items():
            start = time.perf_counter()
            fn()
            times[size].append((time.perf_counter() - start) * 1000)
    return [Row(page=page, size=size, median_ms=round(statistics.median(times[size]), 1),
                p95_ms=round(p95(times[size]), 1), queries=queries[size], bytes=sizes[size]) for size in cases]


def measure_service(page: str, cases: dict[str, Callable[[], tuple[float, int]]], *, runs: int) -> list[Row]:
    """Calls that time and count themselves (the part inside a setup they need), the sizes interleaved."""
    times, queries = {size: [] for size in cases}, {}
    for fn in cases.values():
        fn()
    for _ in range(runs):
        for size, fn in cases.items():
            ms, queries[size] = fn()
            times[size].append(ms)
    return [Row(page=page, size=size, median_ms=round(statistics.median(times[size]), 1),
                p95_ms=round(p95(times[size]), 1), queries=queries[size], bytes=0) for size in cases]


def measure_once(page: str, size: str, fn: Callable[[], object]) -> Row:
    """An operation that changes what it measures (scheduling a year of meetings): one timed run."""
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        result = fn()
        ms = round((time.perf_counter() - start) * 1000, 1)
    return Row(page=page, size=size, median_ms=ms, p95_ms=ms, queries=len(ctx.captured_queries), bytes=_size(result))


def time_sql(sql: str, params: list | None, *, runs: int) -> float:
    """Median time of a raw SQL statement, fetched in full."""
    times = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.fetchall()
        for _ in range(runs):
            start = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)


def time_sql_sequence(statements: list[str], *, runs: int) -> float:
    """Median time of raw SQL statements run one after the other, each fetched in full, as a page runs them
    (each statement's data is then as warm or cold as it is for the page)."""
    times = []
    with connection.cursor() as cursor:
        for _ in range(runs + 1):
            start = time.perf_counter()
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()
            times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times[1:]), 2)


def table(rows: list[Row], floors: dict[str, float]) -> str:
    """The printed table: each page's large-MSP figures with its ratio to the small MSP (and to its floor)."""
    by = {(r.page, r.size): r for r in rows}
    lines = [f"{'page':<34} {'size':<5} {'median':>8} {'p95':>8} {'queries':>7} {'KB':>6} {'x small':>7} "
             f"{'x floor':>7}"]
    for r in rows:
        small = by.get((r.page, "small"))
        vs_small = f"{r.median_ms / small.median_ms:.2f}" if r.size == "large" and small and small.median_ms else ""
        floor = floors.get(r.page) if r.size == "large" else None
        vs_floor = f"{r.median_ms / floor:.1f}" if floor else ""
        lines.append(f"{r.page:<34} {r.size:<5} {r.median_ms:>8.1f} {r.p95_ms:>8.1f} {r.queries:>7} "
                     f"{r.bytes / 1024:>6.1f} {vs_small:>7} {vs_floor:>7}")
    return "\n".join(lines)


def write_json(path: Path, rows: list[Row], floors: dict[str, float]) -> None:
    data = [asdict(r) for r in rows] + [{"page": page, "size": "large", "floor_ms": ms} for page, ms in floors.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n")
