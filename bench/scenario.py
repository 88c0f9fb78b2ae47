"""The mixed-load scenario (Locust): what partner users, managers and API integrations do, with
1–5 s of thought between steps. Every user is logged in before the load starts (bench/mixed.py
writes a plan: session cookies and API tokens made beforehand), so no login falls in a measured
window. The driver is bench/steps.py (Locust as a library, one
step of users after the other).

Every request checks its answer (the exact status, redirects not followed: a session that ended
would otherwise look like a page), so a failure is a wrong answer, not only a 5xx."""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from collections import deque
from urllib.parse import urlencode

from locust import FastHttpUser, between, task

from bench.mixed import domain_for, review_action

THINK = between(1, 5)
DETAIL_ID = re.compile(r"/portal/registrations/(\d+)/$")
# apps/deals/services/review.py's refusal of an approval that lost the race for its customer
LOST_RACE = "was approved a moment ago"


def read_plan() -> dict:
    path = os.environ.get("BENCH_PLAN")
    if not path:
        return {"host": "http://127.0.0.1", "partners": [], "managers": [], "api": []}
    with open(path) as fh:
        return json.load(fh)


PLAN = read_plan()
# Registrations submitted during the run, waiting for a manager's decision: each taken once, so
# two managers never decide the same one (the load generator is one process: gevent, one thread).
WAITING: deque[int] = deque(maxlen=10_000)
_names = itertools.count()
_slots = {kind: itertools.count() for kind in ("partners", "managers", "api")}


def slot(kind: str) -> dict:
    """The next prepared login of a kind (a partner user's session, a manager's, a token); with
    more users than logins they are shared in turn (the plan prepares one per user of the
    largest step)."""
    pool = PLAN[kind]
    n = next(_slots[kind])
    return {**pool[n % len(pool)], "n": n}


def payload(slot_n: int, k: int) -> dict:
    """A new claim: a customer name made the way the seeded ones are, and the next domain."""
    names = PLAN["names"]
    body = dict(PLAN["submission"])
    body["customer_name"] = names[next(_names) % len(names)]
    body["customer_domain"] = f"https://www.{domain_for(slot_n, k, PLAN['domains'])}/contact"
    return body


class _Session(FastHttpUser):
    """A browser user: the session cookie and a CSRF secret (sent as cookie and header, as the
    pages' htmx does) prepared before the load."""

    abstract = True
    wait_time = THINK
    kind = ""

    def on_start(self):
        self.login = slot(self.kind)
        csrf = self.login["csrf"]
        self.headers = {
            "Cookie": f"sessionid={self.login['session']}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
        }

    def page(self, path: str, name: str, expect: int = 200, **kw):
        with self.client.get(
            path,
            name=name,
            headers=self.headers,
            allow_redirects=False,
            catch_response=True,
            **kw,
        ) as resp:
            if resp.status_code != expect:
                resp.failure(f"{resp.status_code}, expected {expect}")
            return resp

    def form(self, path: str, name: str, data: dict, *, htmx: bool = False):
        headers = {**self.headers, "Content-Type": "application/x-www-form-urlencoded"}
        if htmx:
            headers["HX-Request"] = "true"
        return self.client.post(
            path,
            name=name,
            data=urlencode(data),
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        )


class PartnerUser(_Session):
    weight = 70
    kind = "partners"

    def on_start(self):
        super().on_start()
        self.mine = list(self.login["registrations"])
        self.submitted = 0

    @task(3)
    def portal_home(self):
        self.page("/portal/", "partner: portal home")

    @task(3)
    def registration_list(self):
        self.page("/portal/registrations/", "partner: registration list")

    @task(2)
    def registration_detail(self):
        if self.mine:
            pk = random.choice(self.mine)
            self.page(f"/portal/registrations/{pk}/", "partner: registration detail")

    @task(1)
    def register_deal(self):
        self.page("/portal/register/", "partner: register form")
        body = payload(self.login["n"], self.submitted)
        self.submitted += 1
        with self.form("/portal/register/", "partner: register a deal", body) as resp:
            found = DETAIL_ID.search(resp.headers.get("Location") or "")
            if resp.status_code != 302 or not found:
                resp.failure(f"{resp.status_code}: {resp.text[:200]!r}")
                return
            pk = int(found.group(1))
            self.mine.append(pk)
            WAITING.append(pk)


class ManagerUser(_Session):
    weight = 25
    kind = "managers"

    @task(3)
    def review_queue(self):
        self.page("/registrations/", "manager: review queue")

    @task(3)
    def dashboard(self):
        self.page("/", "manager: dashboard")

    @task(2)
    def partner_list(self):
        self.page("/partners/", "manager: partner list")

    @task(2)
    def partner_page(self):
        pk = random.choice(PLAN["partner_ids"])
        self.page(f"/partners/{pk}/", "manager: partner page")

    @task(2)
    def review(self):
        """Open a registration submitted during the run and approve or reject it in place."""
        if not WAITING:
            self.review_queue()
            return
        pk = WAITING.popleft()
        resp = self.page(f"/registrations/{pk}/", "manager: registration detail")
        if resp.status_code != 200:
            return
        action = review_action(resp.text, pk)
        data = {"reason": "Another partner already works with this customer."}
        path = f"/registrations/{pk}/transitions/{action}/"
        with self.form(path, f"manager: {action}", data, htmx=True) as answer:
            # In place (htmx): the registration's part of the page, with the outcome's message.
            # Two partners may claim one customer, and two managers approve both at once: the
            # second is refused (one approval per customer), a right answer too.
            lost_race = action == "approve" and LOST_RACE in answer.text
            if answer.status_code != 200 or not ("msg-success" in answer.text or lost_race):
                answer.failure(f"{answer.status_code}: not {action}d")


class ApiUser(FastHttpUser):
    """An integration with a token: lists its partner's registrations and submits new ones."""

    weight = 5
    wait_time = THINK

    def on_start(self):
        self.login = slot("api")
        self.headers = {"Authorization": f"Token {self.login['token']}"}
        self.submitted = 0

    @task(3)
    def list_registrations(self):
        with self.client.get(
            "/api/v1/deal-registrations/",
            name="api: list registrations",
            headers=self.headers,
            catch_response=True,
        ) as resp:
            if resp.status_code != 200:
                resp.failure(f"{resp.status_code}")

    @task(1)
    def submit(self):
        # numbered after the portal users, so their walks through the domains start elsewhere
        body = payload(len(PLAN["partners"]) + self.login["n"], self.submitted)
        self.submitted += 1
        with self.client.post(
            "/api/v1/deal-registrations/",
            name="api: submit a registration",
            json=body,
            headers=self.headers,
            catch_response=True,
        ) as resp:
            if resp.status_code != 201:
                resp.failure(f"{resp.status_code}: {resp.text[:200]!r}")
                return
            WAITING.append(resp.json()["id"])
