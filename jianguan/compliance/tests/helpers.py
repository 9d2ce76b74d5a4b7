"""Shared set-up for the compliance tests: a project in construction with its participants."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jianguan.projects import services as projects
from jianguan.projects.tests.test_services import create, member, pdf, to_construction_ready  # noqa: F401

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def jpeg(name="photo.jpg", size=(4, 4)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def building_items(likelihood=2, impact=2, **over):
    from jianguan.compliance import checklist

    items = {
        code: {"likelihood": likelihood, "impact": impact}
        for code, _, _ in checklist.checklist("building")
    }
    items.update(over)
    return items


def in_construction(world):
    project = to_construction_ready(world, create(world))
    return projects.project_transition(
        actor=world["actors"]["owner"], project=project, target="construction"
    )
