"""The load run's people: owners, vCIOs and TAMs, each signed in, browsing their pages and saving answers.

Started by tests/perf/loadrun.py (`make load`), which seeds the MSP and writes the fixture this reads
(LOAD_FIXTURE: the accounts, clients, reviews and the answers each TAM may save). Any answer other than the
expected status is a failure; the run must end with none.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading

from locust import HttpUser, between, task

FIXTURE = json.loads(open(os.environ["LOAD_FIXTURE"]).read()) if os.environ.get("LOAD_FIXTURE") else {}  # noqa: PTH123, SIM115
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
_answers = itertools.count()
_lock = threading.Lock()


class SignedIn(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    role = ""

    def on_start(self):
        accounts = FIXTURE["accounts"][self.role]
        self.email = random.choice(accounts)  # noqa: S311
        page = self.client.get("/accounts/login/", name="/accounts/login/")
        token = CSRF.search(page.text).group(1)
        with self.client.post("/accounts/login/", {"login": self.email, "password": FIXTURE["password"],
                                                   "csrfmiddlewaretoken": token},
                              headers={"Referer": f"{self.host}/accounts/login/"}, name="sign in",
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"sign in as {self.email}: {response.status_code}")

    def page(self, url: str, name: str):
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{url}: {response.status_code} {response.error or ''}")

    def client_id(self) -> str:
        return random.choice(FIXTURE["clients"])  # noqa: S311


class Owner(SignedIn):
    weight = 2
    role = "owner"

    @task(3)
    def scorecard(self):
        self.page("/scorecard/", "/scorecard/")

    @task(2)
    def clients(self):
        self.page("/clients/", "/clients/")

    @task(2)
    def reviews(self):
        self.page("/reviews/", "/reviews/")

    @task(1)
    def client(self):
        self.page(f"/clients/{self.client_id()}/", "/clients/<id>/")


class Vcio(SignedIn):
    weight = 4
    role = "vcio"

    @task(3)
    def home(self):
        self.page("/", "/ (vCIO home)")

    @task(2)
    def roadmap(self):
        self.page(f"/roadmaps/client/{self.client_id()}/", "/roadmaps/client/<id>/")

    @task(2)
    def budget(self):
        self.page(f"/budgets/client/{self.client_id()}/", "/budgets/client/<id>/")

    @task(2)
    def results(self):
        self.page(f"/reviews/{random.choice(FIXTURE['completed_reviews'])}/", "/reviews/<id>/")  # noqa: S311

    @task(1)
    def standards(self):
        self.page("/standards/", "/standards/")


class Tam(SignedIn):
    weight = 4
    role = "tam"

    def on_start(self):
        super().on_start()
        with _lock:
            n = next(_answers)
        # Each simulated TAM saves its own answers, so no two of them ever race for one (a 409 is a failure).
        self.answers = FIXTURE["answers"][n % len(FIXTURE["answers"])]
        self.versions = {a["answer"]: 1 for a in self.answers}
        self.flip = 0

    @task(2)
    def my_reviews(self):
        self.page("/reviews/", "/reviews/")

    @task(2)
    def answer_page(self):
        self.page(f"/reviews/{self.answers[0]['review']}/answer/", "/reviews/<id>/answer/")

    @task(5)
    def save_answer(self):
        item = random.choice(self.answers)  # noqa: S311
        self.flip += 1
        with self.client.post(
                f"/reviews/{item['review']}/answers/{item['answer']}/",
                {"response": "aligned" if self.flip % 2 else "misaligned", "note": "",
                 "version": self.versions[item["answer"]]},
                headers={"HX-Request": "true", "X-CSRFToken": self.client.cookies.get("csrftoken", ""),
                         "Referer": f"{self.host}/reviews/{item['review']}/answer/"},
                name="save one answer", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"save: {response.status_code} {response.error or ''}")
                return
            found = VERSION.search(response.text)
            if found:
                self.versions[item["answer"]] = int(found.group(1))
