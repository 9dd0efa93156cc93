"""`make load`: locust against gunicorn on loopback, bounded in time; zero failures or the run fails.

Run under bin/testenv.py (throwaway PostgreSQL and Redis): migrates and seeds an MSP as the owner role
(tests/perf/seed.py), starts gunicorn as the app role on a free port (row-level security holds every
request, as in production: DEBUG off), runs locust headless (LOAD_USERS users, spawned LOAD_RATE a second,
for LOAD_TIME) with signed-in owners, vCIOs and TAMs (tests/perf/locustfile.py), then writes var/load.json:
per request name the count, failures, median, p95 and mean time, and the totals.
"""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
VAR = ROOT / "var"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(fixture: Path) -> None:
    """Migrate and seed as the owner role; write what the simulated people sign in with and work on."""
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True)  # noqa: S603
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msp.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django_scopes import scopes_disabled

    from alignment.choices import ReviewStatus
    from alignment.models import Answer, Review

    from .seed import PASSWORD, Scale, seed_msp

    scale = Scale(vcios=4, clients=80, completed_reviews=12)
    started = time.perf_counter()
    with transaction.atomic():
        seeded = seed_msp(name="Load MSP", slug="load", scale=scale)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    with scopes_disabled():
        completed = list(Review.objects.filter(status=ReviewStatus.COMPLETED).order_by("-completed_at")
                         .values_list("pk", flat=True)[:100])
        answers = []
        for review in Review.objects.filter(status=ReviewStatus.SCHEDULED).order_by("client__name")[:40]:
            ids = Answer.objects.filter(review=review).order_by("position").values_list("pk", flat=True)[:5]
            answers.append([{"review": str(review.pk), "answer": str(pk)} for pk in ids])
    fixture.write_text(json.dumps({
        "password": PASSWORD,
        "accounts": {"owner": [seeded.owner.email], "vcio": [u.email for u in seeded.vcios],
                     "tam": [u.email for u in seeded.tams]},
        "clients": [str(c.pk) for c in seeded.clients],
        "completed_reviews": [str(pk) for pk in completed],
        "answers": answers,
    }))
    connection.close()
    print(f"Seeded {seeded.counts()} in {time.perf_counter() - started:.0f} s", flush=True)


def wait_until_up(url: str, proc: subprocess.Popen) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            sys.exit("gunicorn stopped before serving.")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not answer /healthz.")


def summary(stats_csv: Path) -> dict:
    rows = []
    with stats_csv.open() as fh:
        for row in csv.DictReader(fh):
            rows.append({
                "name": row["Name"], "method": row["Type"], "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]), "median_ms": float(row["Median Response Time"] or 0),
                "p95_ms": float(row["95%"] or 0) if row["95%"] != "N/A" else 0.0,
                "mean_ms": round(float(row["Average Response Time"] or 0), 1),
                "rps": round(float(row["Requests/s"] or 0), 2)})
    return {"requests": rows}


def main() -> int:
    VAR.mkdir(exist_ok=True)
    fixture = VAR / "load-fixture.json"
    seed(fixture)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    users, rate, duration = os.environ.get("LOAD_USERS", "20"), os.environ.get("LOAD_RATE", "5"), \
        os.environ.get("LOAD_TIME", "60s")
    app_env = {**os.environ, "DATABASE_AS_OWNER": "", "DEBUG": "0", "VCIO_MANIFEST_STATIC": "0",
               "ALLOWED_HOSTS": "127.0.0.1", "SITE_URL": url, "LOG_LEVEL": "ERROR"}
    workers = os.environ.get("LOAD_WORKERS", "2")
    gunicorn = subprocess.Popen(  # noqa: S603
        # Keep-alive longer than a simulated person's pause, so an idle connection is never closed just as the
        # next request goes out on it (which would count as a failure that no real browser sees).
        [str(BIN / "gunicorn"), "msp.wsgi", "-b", f"127.0.0.1:{port}", "-w", workers, "--threads", "4",
         "--keep-alive", "75", "--timeout", "120", "--log-level", "warning"], cwd=ROOT, env=app_env)
    try:
        wait_until_up(url, gunicorn)
        prefix = VAR / "load"
        result = subprocess.run(  # noqa: S603
            [str(BIN / "locust"), "-f", str(ROOT / "tests" / "perf" / "locustfile.py"), "--headless", "-u", users,
             "-r", rate, "-t", duration, "--host", url, "--csv", str(prefix), "--only-summary",
             "--stop-timeout", "30", "--loglevel", "WARNING"],
            cwd=ROOT, env={**os.environ, "LOAD_FIXTURE": str(fixture)})
    finally:
        gunicorn.terminate()
        gunicorn.wait(30)
    data = summary(VAR / "load_stats.csv")
    total = next((r for r in data["requests"] if r["name"] == "Aggregated"), None)
    data.update({"users": int(users), "spawn_rate": float(rate), "duration": duration, "gunicorn_workers": int(workers),
                 "failures": total["failures"] if total else None, "machine": os.uname().nodename,
                 "cpus": os.cpu_count()})
    (VAR / "load.json").write_text(json.dumps(data, indent=1) + "\n")
    print(json.dumps(total, indent=1))
    if result.returncode != 0 or not total or total["failures"]:
        print("Load run failed: see var/load_failures.csv", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
