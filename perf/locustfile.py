"""Mixed journeys of the union's users, for `make load` (perf/load.py runs it).

The plan (PERF_PLAN, a JSON file written by perf/load.py from the data) says
which accounts read what, who files, who scores which item and who votes where,
with a signed-in session for each. Reads dominate: most simulated users are
readers (browse, search, print), a few file drafts, score and vote.

Requests are named by journey step ("browse: request page"), not by URL, so
the figures group the same page across different rows.
"""

import json
import os
import random
import time
from pathlib import Path
from urllib.parse import urlencode

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser
from requests.cookies import create_cookie

from perf.forms import csrf_token, find_form

PLAN = json.loads(Path(os.environ["PERF_PLAN"]).read_text(encoding="utf-8"))
# Seconds a simulated user waits between two journeys: "least,most".
_low, _high = (float(x) for x in os.environ.get("LOAD_WAIT", "0.2,1.0").split(","))
THINK = between(_low, _high)
_environment = {}


@events.init.add_listener
def _keep_environment(environment, **_kwargs):
    _environment["current"] = environment


def _figures(entry) -> dict:
    return {
        "name": entry.name,
        "method": entry.method,
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": round(entry.total_rps, 1),
        "p50_ms": entry.get_response_time_percentile(0.5),
        "p95_ms": entry.get_response_time_percentile(0.95),
        "p99_ms": entry.get_response_time_percentile(0.99),
        "max_ms": round(entry.max_response_time or 0),
    }


@events.quit.add_listener
def _write_figures(**_kwargs):
    """The final figures, for perf/load.py (locust's CSV files may lag)."""
    path = os.environ.get("PERF_LOAD_FIGURES")
    environment = _environment.get("current")
    if not path or environment is None:
        return
    stats = environment.stats
    figures = {
        "total": _figures(stats.total) if stats.total.num_requests else None,
        "steps": [
            _figures(entry)
            for _key, entry in sorted(stats.entries.items())
            if entry.num_requests or entry.num_failures
        ],
        "failures": [
            {
                "name": error.name,
                "method": error.method,
                "error": str(error.error),
                "count": error.occurrences,
            }
            for error in stats.errors.values()
        ],
    }
    Path(path).write_text(json.dumps(figures, ensure_ascii=False), encoding="utf-8")


class Visitor(FastHttpUser):
    """geventhttpclient, not requests: the load generator shares the server's
    two cores, so the less CPU it takes the more the figures are the server's."""

    abstract = True
    wait_time = THINK
    default_headers = {"User-Agent": "sangkien-load"}

    def sign_in(self, username: str) -> None:
        """Carry one of the account's signed-in sessions (made by perf/load.py)."""
        session = random.choice(PLAN["sessions"][username])  # noqa: S311
        self.client.cookiejar.set_cookie(create_cookie(PLAN["cookie"], session))


def get(user, url: str, name: str, *, need=None, missing: str = "") -> str | None:
    """A GET that must answer 200 (and, given `need`, hold what `need` looks
    for); return the page, or None when it failed."""
    with user.client.get(url, name=name, catch_response=True) as response:
        if response.status_code != 200:
            response.failure(f"HTTP {response.status_code}")
            return None
        text = response.text
        if need is not None and not need(text):
            response.failure(missing)
            return None
        return text


def post_form(user, url: str, data: dict, name: str, referer: str):
    """A form POST that must redirect (302); a 200 is a refused form."""
    with user.client.post(
        url,
        data=urlencode(data),
        name=name,
        allow_redirects=False,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": user.host + referer,
        },
        catch_response=True,
    ) as response:
        if response.status_code != 302:
            response.failure(f"HTTP {response.status_code}, expected a redirect")
            return None
        return response.headers.get("Location")


class Reader(Visitor):
    """Staff and officers: browse, search, print."""

    weight = 40

    def on_start(self):
        self.plan = random.choice(PLAN["readers"])  # noqa: S311
        self.sign_in(self.plan["user"])

    @task(10)
    def browse(self):
        pages = PLAN["pages"]
        get(self, pages["home"], "browse: home")
        get(self, pages["list"], "browse: request list")
        get(self, random.choice(self.plan["requests"]), "browse: request page")  # noqa: S311
        if self.plan.get("goldbook"):
            get(self, self.plan["goldbook"], "browse: Gold Book")
        get(self, pages["honour"], "browse: honour roll")

    @task(4)
    def search(self):
        phrase = random.choice(self.plan["searches"] or ["sang kien"])  # noqa: S311
        url = f"{PLAN['pages']['list']}?{urlencode({'q': phrase})}"
        get(self, url, "search: request list ?q=")
        get(self, random.choice(self.plan["requests"]), "search: request page")  # noqa: S311

    @task(1)
    def print_request(self):
        url = random.choice(self.plan["pdfs"])  # noqa: S311
        with self.client.get(url, name="print: request PDF", catch_response=True) as r:
            if r.status_code != 200 or not r.content.startswith(b"%PDF"):
                r.failure(f"HTTP {r.status_code}, not a PDF")


class Filer(Visitor):
    """A union member files a draft request through the real form."""

    weight = 4

    def on_start(self):
        self.plan = PLAN["filer"]
        self.sign_in(self.plan["user"])

    @task
    def file(self):
        url = self.plan["url"]
        page = get(
            self,
            url,
            "file: new request form",
            need=lambda text: find_form(text, field="title"),
            missing="no request form on the page",
        )
        if page is None:
            return
        form = find_form(page, field="title")
        fields = {
            "title": f"{PLAN['title']} {time.time_ns() % 10**9}",
            "essence": "Cách làm mới, dễ áp dụng ở các công đoàn cơ sở.",
        }
        if not dict(form.fields).get("field"):
            offered = [v for v in form.options.get("field", []) if v]
            if offered:
                fields["field"] = offered[0]
        where = post_form(self, url, form.data(**fields), "file: save draft", url)
        if where:
            get(self, where, "file: request page")


class Scorer(Visitor):
    """A council member opens an item and saves a score sheet (as a draft)."""

    weight = 3

    def on_start(self):
        self.plan = random.choice(PLAN["scorers"])  # noqa: S311
        self.sign_in(self.plan["user"])

    @task
    def score(self):
        page = get(
            self,
            self.plan["item"],
            "score: item page",
            need=csrf_token,
            missing="no form on the item page",
        )
        if page is None:
            return
        token = csrf_token(page)
        data = {"csrfmiddlewaretoken": token, "comments": "Chấm thử tải."}
        for criterion in self.plan["criteria"]:
            data[criterion["field"]] = str(random.randint(0, criterion["max"]))  # noqa: S311
        where = post_form(
            self, self.plan["score"], data, "score: save sheet", self.plan["item"]
        )
        if where:
            get(self, where, "score: item page after")


class Voter(Visitor):
    """A council member in an open session votes (and changes the vote); in a
    show-of-hands council the secretary records the count."""

    weight = 3

    def on_start(self):
        self.plan = random.choice(PLAN["voters"])  # noqa: S311
        self.sign_in(self.plan["user"])
        self.turn = 0

    @task
    def vote(self):
        page = get(
            self,
            self.plan["session"],
            "vote: session page",
            need=csrf_token,
            missing="no form on the session page",
        )
        if page is None:
            return
        token = csrf_token(page)
        self.turn += 1
        data = {"csrfmiddlewaretoken": token}
        if self.plan["mode"] == "ballot":
            data["choice"] = "yes" if self.turn % 2 else "no"
            name = "vote: cast ballot"
        else:
            data["hands_yes"], data["hands_no"] = (
                ("1", "0") if self.turn % 2 else ("0", "1")
            )
            name = "vote: record hands"
        where = post_form(self, self.plan["vote"], data, name, self.plan["session"])
        if where:
            get(self, where, "vote: session page after")
