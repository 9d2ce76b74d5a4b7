"""Fixtures of the document tests: a project with its owner, designer, general contractor and
supervisor; files stored under a temporary MEDIA_ROOT; samples generated here."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.collab.documents.pdfgen import simple_pdf
from jianguan.projects import services as project_services
from jianguan.projects.tests.test_services import create, member, world  # noqa: F401

CHINESE_LINES = [
    "本工程位于礼贤镇，污水处理规模为每日五万立方米。",
    "深基坑支护采用钻孔灌注桩加内支撑。",
]


@pytest.fixture
def site(world, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    project = create(world)
    owner = world["actors"]["owner"]
    for role in ("designer", "general_contractor", "supervisor"):
        project_services.participant_add(
            actor=owner, project=project, organisation=world["orgs"][role], role=role
        )
    designer = member(world["orgs"]["designer"], "des1", ["admin", "staff", "signer"])
    return {"project": project, "designer": designer, "media": tmp_path / "media", **world}


def sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def pdf_bytes(title: str = "施工组织设计", lines=CHINESE_LINES) -> bytes:
    return simple_pdf(title, list(lines))


def upload(data: bytes, name: str = "file.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
