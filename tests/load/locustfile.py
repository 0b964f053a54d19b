"""The people `make load` simulates (tests/load/run.py starts the servers and runs this file headless).

Each simulated person logs in through the login form as a demo user (password "demo") and then works as that
role does, every form a real POST with the page's CSRF token, exactly as a browser sends it:
- reviewers open their queue, start one of its assignments, open the scoring form, answer every criterion and
  submit it, then read the submitted evaluation;
- agents open "My feedback", read an evaluation in it and acknowledge one they have not acknowledged yet;
- team leads open the home page, the center and team dashboards, the team's feedback, the team's calls and
  evaluations lists and their coaching page, and book a coaching session through the schedule form;
- the QA manager (two people on the one account) goes through the center's call list (its next page by the keyset
  link, a sort by wait), the evaluations list and the center dashboard.

Several simulated people share an account (4 reviewer and 3 lead accounts): each takes the assignments whose id
falls to it (id modulo the account's people), and books sessions in a slot of its own, so two of them never race
for the same draft or the same half hour, which a real floor would not do either. Redirects are not followed: each
page is its own request kind, and a POST that does not redirect where it should is a failure.
"""

import html
import itertools
import json
import math
import os
import random
import re
import time
from collections import defaultdict
from datetime import date, timedelta
from html.parser import HTMLParser

from locust import HttpUser, between, events, task
from locust.exception import StopUser

PASSWORD = "demo"
REVIEWERS = ["reviewer", "reviewer2", "reviewer3", "reviewer4"]
LEADS = ["lead", "lead2", "lead3"]
AGENTS = ["agent", *[f"agent{number}" for number in range(2, 31)]]

# One counter per role in this (single) locust process: the n-th person of a role gets the account n modulo the
# accounts, and knows how many people share it.
_counters = {role: itertools.count() for role in ("reviewer", "lead", "agent", "manager")}


# --- The figures: every request's time, the failures of the whole run ------------------------------------------
#
# Latencies count from the moment every simulated person is logged in and working (locust's spawning_complete):
# the ramp-up is 50 logins in a few seconds, each a deliberately slow password hash (PBKDF2, Django's 1,000,000
# iterations), which says nothing about the pages. The logins themselves are counted over the whole run, and so is
# every failure of any kind.

_times: dict[tuple[str, str], list[float]] = defaultdict(list)
_failures: dict[tuple[str, str, str], int] = defaultdict(int)
_clock = {"start": time.time(), "steady": None}


@events.request.add_listener
def _record(request_type, name, response_time, exception, start_time=None, **_kwargs):
    if exception is not None:
        _failures[(request_type, name, str(exception))] += 1
    steady = _clock["steady"]
    if name in ("login page", "login") or (steady is not None and (start_time or time.time()) >= steady):
        _times[(request_type, name)].append(response_time)


@events.spawning_complete.add_listener
def _steady(user_count, **_kwargs):
    _clock["steady"] = time.time()


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share 0..1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@events.quitting.add_listener
def _write(environment, **_kwargs):
    path = os.environ.get("LOAD_STATS_FILE")
    if not path:
        return
    end = time.time()
    steady = _clock["steady"] or end
    kinds = {}
    for (method, name), values in sorted(_times.items(), key=lambda item: item[0][1]):
        window = end - (_clock["start"] if name in ("login page", "login") else steady)
        kinds[name] = {
            "method": method,
            "requests": len(values),
            "requests_per_s": round(len(values) / window, 2) if window > 0 else None,
            "p50_ms": round(percentile(values, 0.50)),
            "p95_ms": round(percentile(values, 0.95)),
            "p99_ms": round(percentile(values, 0.99)),
            "max_ms": round(max(values)),
        }
    failures = [
        {"method": method, "name": name, "error": error, "occurrences": count}
        for (method, name, error), count in sorted(_failures.items())
    ]
    for name, entry in kinds.items():
        entry["failures"] = sum(f["occurrences"] for f in failures if f["name"] == name)
    work = [
        value
        for (_m, name), values in _times.items()
        if name not in ("login page", "login")
        for value in values
    ]
    total = {
        "requests": len(work),
        "requests_per_s": round(len(work) / (end - steady), 2) if end > steady else None,
        "p50_ms": round(percentile(work, 0.50)) if work else None,
        "p95_ms": round(percentile(work, 0.95)) if work else None,
        "p99_ms": round(percentile(work, 0.99)) if work else None,
        "failures": sum(f["occurrences"] for f in failures),
        "steady_seconds": round(end - steady, 1),
    }
    with open(path, "w") as handle:
        json.dump({"kinds": kinds, "total": total, "failures": failures}, handle, indent=2)


class Form:
    def __init__(self, action: str, method: str):
        self.action, self.method = action, method
        self.fields: list[tuple[str, str]] = []  # hidden, text and checked inputs; textareas
        self.radios: dict[str, list[str]] = {}  # name -> every value offered
        self.selects: dict[str, list[str]] = {}  # name -> every option's value
        self.id = ""


class FormParser(HTMLParser):
    """Every <form> of a page with what a browser would post (inputs, radio groups, selects, textareas)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = Form(attrs.get("action", ""), attrs.get("method", "get").lower())
            self._form.id = attrs.get("id", "")
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text").lower()
            if kind == "radio":
                self._form.radios.setdefault(attrs["name"], []).append(attrs.get("value", ""))
            elif kind == "checkbox":
                if "checked" in attrs:
                    self._form.fields.append((attrs["name"], attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self._form.fields.append((attrs["name"], attrs.get("value", "")))
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._form.selects[self._select] = []
        elif tag == "option" and self._select is not None:
            self._form.selects[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and attrs.get("name"):
            self._textarea, self._text = attrs["name"], ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea, self._text.strip("\n")))
            self._textarea = None


def forms_of(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def form_by_action(html: str, pattern: str) -> list[Form]:
    regex = re.compile(pattern)
    return [form for form in forms_of(html) if regex.fullmatch(form.action)]


DEFAULT_WAIT = "5-15"


class DemoUser(HttpUser):
    abstract = True
    role = ""
    accounts: list[str] = []
    # LOAD_WAIT="min-max": seconds each person waits between two requests. The default, 5-15, is a brisk
    # person's pace (a reviewer scoring a call, an agent reading feedback: still far quicker than real work);
    # 1-3 is a stress pace, every page opened as soon as the last one arrives.
    wait_time = between(*(float(part) for part in os.environ.get("LOAD_WAIT", DEFAULT_WAIT).split("-", 1)))

    def on_start(self):
        number = next(_counters[self.role])
        self.username = self.accounts[number % len(self.accounts)]
        # How many people of this role share the account, and which of them this one is.
        self.sharing = self.sharers()
        self.share = (number // len(self.accounts)) % self.sharing
        self.login()

    def sharers(self) -> int:
        users = int(os.environ.get("LOAD_USERS", "50")) - ManagerUser.fixed_count
        weights = {cls.role: cls.weight for cls in (ReviewerUser, AgentUser, LeadUser)}
        mine = max(1, round(users * weights[self.role] / sum(weights.values())))
        return max(1, -(-mine // len(self.accounts)))  # ceil

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def post(self, url: str, data, *, name: str, expect: str):
        """POST like a browser (the CSRF token in the form, Referer on the same origin); the answer must be a
        redirect whose Location matches `expect`."""
        with self.client.post(
            url,
            data=data,
            name=name,
            allow_redirects=False,
            headers={"Referer": self.host + url},
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not re.fullmatch(expect, location):
                response.failure(f"{response.status_code}, Location {location!r} (expected {expect})")
                return None
            return location

    def get(self, url: str, *, name: str):
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
                return None
            return response.text

    def login(self):
        page = self.get("/accounts/login/", name="login page")
        if page is None:
            raise StopUser
        (form,) = [form for form in forms_of(page) if any(name == "username" for name, _ in form.fields)]
        data = dict(form.fields) | {"username": self.username, "password": PASSWORD}
        if self.post("/accounts/login/", data, name="login", expect=r"/") is None:
            raise StopUser


class ReviewerUser(DemoUser):
    role = "reviewer"
    accounts = REVIEWERS
    weight = 3

    @task
    def evaluate_from_queue(self):
        queue = self.get("/queue/", name="queue")
        if queue is None:
            return
        starts = form_by_action(queue, r"/evaluations/assignments/\d+/start/")
        mine = [form for form in starts if int(form.action.split("/")[3]) % self.sharing == self.share]
        if not mine:
            # Nothing left in this reviewer's share of the queue: read the list of evaluations instead.
            self.get("/evaluations/", name="evaluations list")
            return
        start = random.choice(mine)
        edit_url = self.post(
            start.action, dict(start.fields), name="evaluation start", expect=r"/evaluations/\d+/edit/"
        )
        if edit_url is None:
            return
        edit = self.get(edit_url, name="evaluation form")
        if edit is None:
            return
        (form,) = [form for form in forms_of(edit) if form.id == "evaluation-form"]
        data = dict(form.fields)
        for name, values in form.radios.items():
            data[name] = random.choice([value for value in values if value != "na"] or values)
        for name, values in form.selects.items():
            data[name] = random.choice([value for value in values if value not in ("", "na")] or values)
        data["strengths"] = "Clear greeting and a calm, friendly tone throughout the call."
        data["improvements"] = "Summarise the agreed next steps before closing."
        data["action"] = "submit"
        detail_url = self.post(edit_url, data, name="evaluation submit", expect=r"/evaluations/\d+/")
        if detail_url is not None:
            self.get(detail_url, name="evaluation detail")


class AgentUser(DemoUser):
    role = "agent"
    accounts = AGENTS
    weight = 5

    @task
    def read_feedback(self):
        page = self.get("/feedback/", name="my feedback")
        if page is None:
            return
        evaluations = sorted(set(re.findall(r'href="(/evaluations/\d+/)"', page)))
        if evaluations:
            self.get(random.choice(evaluations), name="evaluation detail (agent)")
        acknowledge = form_by_action(page, r"/feedback/evaluations/\d+/acknowledge/")
        if acknowledge:
            form = random.choice(acknowledge)
            self.post(form.action, dict(form.fields), name="acknowledge", expect=r"/feedback/")


class LeadUser(DemoUser):
    role = "lead"
    accounts = LEADS
    weight = 2

    def on_start(self):
        super().on_start()
        home = self.get("/", name="home")
        teams = re.findall(r'href="(/kpis/dashboard/teams/\d+/)"', home or "")
        self.team_dashboards = sorted(set(teams))
        # The slots this person books: from 60 days ahead (clear of the demo's own sessions), half-hourly
        # 08:00-16:00 on weekdays, every `sharing`-th slot of the account's.
        self.slots = (
            slot
            for slot in itertools.count(self.share, self.sharing)
            if (date.today() + timedelta(days=60 + slot // 16)).weekday() < 5
        )

    @task(3)
    def dashboards(self):
        self.get("/", name="home")
        self.get("/kpis/dashboard/", name="center dashboard")
        if self.team_dashboards:
            self.get(random.choice(self.team_dashboards), name="team dashboard")
        self.get("/feedback/team/", name="team feedback")

    @task(1)
    def team_calls(self):
        """The lists of issue 13 under load: the team's calls, and its evaluations."""
        self.get("/calls/", name="call list (lead)")
        self.get("/evaluations/", name="evaluations list (lead)")

    @task(1)
    def schedule_session(self):
        self.get("/coaching/", name="coaching")
        page = self.get("/coaching/schedule/", name="schedule form")
        if page is None:
            return
        (form,) = [form for form in forms_of(page) if form.id == "schedule-form"]
        agents = [value for value in form.selects.get("agent", []) if value]
        if not agents:
            return
        slot = next(self.slots)
        day = date.today() + timedelta(days=60 + slot // 16)
        minutes = 8 * 60 + (slot % 16) * 30
        data = dict(form.fields) | {
            "agent": random.choice(agents),
            "kind": "feedback_review",
            "scenario": "",
            "day": day.isoformat(),
            "start": f"{minutes // 60:02d}:{minutes % 60:02d}",
            "duration": "30",
            "place": "Meeting corner 2",
        }
        session_url = self.post(
            "/coaching/schedule/", data, name="schedule session", expect=r"/coaching/sessions/\d+/agenda/"
        )
        if session_url is not None:
            self.get(session_url, name="session agenda")


class ManagerUser(DemoUser):
    """The QA manager (one account, `fixed_count` people): the whole center's lists, the lists of issue 13 at the
    demo's 20,000 calls, while everyone else works."""

    role = "manager"
    accounts = ["manager"]
    fixed_count = 2

    def sharers(self) -> int:
        return self.fixed_count

    @task
    def lists(self):
        calls = self.get("/calls/", name="call list (manager)")
        following = re.search(r'href="([^"]*)" rel="next"', calls or "")
        if following:
            self.get("/calls/" + html.unescape(following.group(1)), name="call list, next page (manager)")
        self.get("/calls/?sort=-wait", name="call list by wait (manager)")
        self.get("/evaluations/", name="evaluations list (manager)")
        self.get("/kpis/dashboard/", name="center dashboard")
