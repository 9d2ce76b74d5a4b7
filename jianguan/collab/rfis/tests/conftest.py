"""Fixtures of the RFI and submittal tests: a project in construction with its parties (the
contracts tests' `deal`: owner, designer, general contractor, supervisor, a signed contract),
a designer's member, an outsider organisation, a real PDF, and a clock the tests move."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.contracts.tests.conftest import deal  # noqa: F401  (shared fixture)
from jianguan.projects.tests.test_services import member, world  # noqa: F401


def make_pdf(pages: int = 2, text: str = "施工组织设计") -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canv = Canvas(buf)
    for i in range(pages):
        canv.drawString(72, 720, f"{text} page {i + 1}")
        canv.showPage()
    canv.save()
    return buf.getvalue()


def pdf_upload(name: str = "方案.pdf", pages: int = 2) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_pdf(pages), content_type="application/pdf")


@pytest.fixture
def team(deal):  # noqa: F811
    from jianguan.accounts.tests.factories import OrganisationFactory

    actors = dict(deal["actors"])
    orgs = dict(deal["orgs"])
    actors["designer"] = member(orgs["designer"], "des1", ["admin", "staff", "signer"])
    actors["supervisor_head"] = member(orgs["supervisor"], "sup_head", ["org_admin", "admin"])
    actors["owner_head"] = actors["owner"]
    orgs["outsider"] = OrganisationFactory(kind="designer", name="局外设计院")
    actors["outsider"] = member(orgs["outsider"], "out1", ["admin", "staff"])
    return {**deal, "actors": actors, "orgs": orgs}


class Clock:
    def __init__(self, day: dt.date):
        self.day = day

    def __call__(self) -> dt.date:
        return self.day

    def move(self, days: int) -> dt.date:
        self.day += dt.timedelta(days=days)
        return self.day


@pytest.fixture
def clock(monkeypatch):
    """The services' local day, moved by the test (a Monday with no holiday near it)."""
    from jianguan.collab.rfis import services, services_submittal

    c = Clock(dt.date(2026, 3, 9))
    monkeypatch.setattr(services, "today_local", c)
    monkeypatch.setattr(services_submittal, "today_local", c)
    return c


@pytest.fixture(autouse=True)
def _notify_at_once(monkeypatch):
    """A test runs inside one transaction that never commits: run the services' after-commit
    notifications at once, so the tests can read who was told."""
    from jianguan.collab.rfis import common

    monkeypatch.setattr(common.transaction, "on_commit", lambda fn, *a, **k: fn())
