"""The register API's test client and helpers, shared by test_api.py and test_api_checks.py
(their fixtures, as_, town and rules_loaded, are in conftest.py)."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile

BASE = "/api/v1/projects"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HUGE = "99999999999999999999"


class Api:
    """A tiny JSON client for one persona (Bearer token)."""

    def __init__(self, client, headers):
        self.client, self.headers = client, headers

    def get(self, url, **params):
        return self.client.get(url, params, headers=self.headers)

    def post(self, url, body=None):
        return self.client.post(
            url, json.dumps(body or {}), content_type="application/json", headers=self.headers
        )

    def patch(self, url, body):
        return self.client.patch(
            url, json.dumps(body), content_type="application/json", headers=self.headers
        )

    def upload(self, url, data, **files):
        return self.client.post(url, {**data, **files}, headers=self.headers)


def project_body(owner, town, /, **extra):
    body = {
        "name": "大兴新城道路工程",
        "type": "road",
        "funding": "government",
        "budget": "12000000.00",
        "town": town.pk,
        "owner": owner.organisation_id,
        "longitude": "116.338",
        "latitude": "39.726",
        "description": "测试项目",
    }
    body.update(extra)
    return body


def err(response, status, code=None):
    assert response.status_code == status, response.content.decode()[:800]
    body = response.json()
    assert set(body) >= {"code", "message", "details"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body
    if code:
        assert body["code"] == code, body
    return body


def counts():
    from jianguan.ledger.models import LedgerEntry
    from jianguan.projects.models import (
        CompletionSignature,
        Finding,
        JointInspection,
        Participant,
        Project,
        ProjectLead,
    )

    return (
        Project.objects.count(),
        Participant.objects.count(),
        ProjectLead.objects.count(),
        JointInspection.objects.count(),
        Finding.objects.count(),
        CompletionSignature.objects.count(),
        LedgerEntry.objects.count(),
    )


def pdf(name="file.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")
