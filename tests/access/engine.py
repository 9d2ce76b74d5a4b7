"""Reads matrix.toml, lists the routes the code has, and asks one route as every persona.

Bodies: a row's ``body`` (JSON for the API, the form for a page), else a minimal body made from
the OpenAPI schema; form operations (multipart uploads) send the schema's required fields and a
small valid file per file field, overridden by the row's ``form`` and ``files`` (kinds: pdf,
jpeg, png, xlsx; a list for a list field). A value "{name}" takes the subject's value.

Expected answers: "ok" (got past access control: any status < 500 other than 401/403/404,
and for pages not a redirect to the login page), 401, 403, 404, or "login" (a page's 302 to
the login page). How a persona's expectation is found for a row and subject, first match wins:
  1. the persona's relation to the subject (world.relations: e.g. "member_pending") if the row
     names it;
  2. the persona's own name;
  3. the groups the persona belongs to, in the order matrix.toml declares them;
  4. "*" (every authenticated persona); anonymous: 401 for API operations, "login" for pages,
     unless named.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

MATRIX = Path(__file__).with_name("matrix.toml")
# Each app's own rows (issue 20 on): matrix.d/<app>.toml holds [[row]] and [[ledger]] tables that
# are added to matrix.toml's, so that apps built side by side never edit one file.
MATRIX_PARTS = Path(__file__).with_name("matrix.d")
API_PREFIX = "/api/v1"

# Framework routes the matrix does not cover, and why (the README says the same):
#   admin/          Django's own admin: staff-only by Django (is_staff), no app data model of ours
#                   decides it; tested by Django. Demo users are not staff.
#   api/v1/...      covered operation by operation from the OpenAPI document instead of the
#                   URL patterns (Ninja's docs page and openapi.json are covered as pages below).
#   static/, media  served by WhiteNoise, not by URL patterns.
EXCLUDED_PAGE_PREFIXES = ("admin/", "api/v1/")


def load() -> dict:
    with MATRIX.open("rb") as fh:
        data = tomllib.load(fh)
    for part in sorted(MATRIX_PARTS.glob("*.toml")):
        with part.open("rb") as fh:
            extra = tomllib.load(fh)
        unknown = set(extra) - {"row", "ledger"}
        assert not unknown, f"{part.name}: only [[row]] and [[ledger]] tables, not {unknown}"
        for key in ("row", "ledger"):
            data.setdefault(key, []).extend(extra.get(key, []))
    return data


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def page_routes() -> list[str]:
    """Django URL patterns outside the API and the admin, as "PAGE <pattern>"."""
    out = []
    for pattern in _walk(get_resolver().url_patterns):
        if pattern.startswith(EXCLUDED_PAGE_PREFIXES):
            continue
        out.append("PAGE /" + pattern)
    return sorted(set(out))


def api_routes() -> list[str]:
    from config.api import api

    schema = api.get_openapi_schema()
    return sorted(
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
    )


def all_routes() -> list[str]:
    return api_routes() + page_routes()


_PARAM = re.compile(r"\{(\w+)\}|<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def params_of(route: str) -> list[str]:
    return [a or b or c for a, b, c in _PARAM.findall(route.split(" ", 1)[1])]


def url_for(route: str, values: dict) -> str:
    path = route.split(" ", 1)[1]

    def fill(m):
        name = m.group(1) or m.group(2) or m.group(3)
        return str(values[name])

    url = _PARAM.sub(fill, path)
    return url.lstrip("^").rstrip("$")


@dataclass
class Row:
    route: str
    subjects: list
    expect: dict
    body: object = None
    query: dict = field(default_factory=dict)
    note: str = ""
    form: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)

    @property
    def is_page(self) -> bool:
        return self.route.startswith("PAGE ")

    @property
    def method(self) -> str:
        return (
            "get"
            if self.is_page and self.body is None and not (self.form or self.files)
            else ("post" if self.is_page else self.route.split(" ", 1)[0].lower())
        )


def rows(matrix: dict) -> list[Row]:
    out = []
    for raw in matrix.get("row", []):
        out.append(
            Row(
                route=raw["route"],
                subjects=raw.get("subjects", ["none"]),
                expect=raw.get("expect", {}),
                body=raw.get("body"),
                query=raw.get("query", {}),
                note=raw.get("note", ""),
                form=raw.get("form", {}),
                files=raw.get("files", {}),
            )
        )
    return out


def groups_of(matrix: dict) -> dict[str, list[str]]:
    """persona -> [groups], in the declared order of the groups."""
    out: dict[str, list[str]] = {}
    for group, members in matrix["groups"].items():
        for m in members:
            out.setdefault(m, []).append(group)
    return out


def expected(row: Row, persona: str, relation: str | None, groups: dict) -> object:
    e = row.expect
    if relation and relation in e:
        return e[relation]
    if persona in e:
        return e[persona]
    for g in groups.get(persona, ()):
        if g in e:
            return e[g]
    if persona == "anonymous":
        return "login" if row.is_page else 401
    return e.get("*", "ok")


def classify(response, is_page: bool) -> object:
    code = response.status_code
    if code >= 500:
        return code
    if code in (401, 403, 404):
        return code
    if is_page and code in (301, 302):
        location = response.get("Location", "")
        if "/accounts/login/" in location:
            return "login"
    return "ok"


_BODIES: dict = {}
_FORMS: dict = {}


def body_for(row: Row):
    if row.body is not None:
        return row.body
    if not _BODIES:
        _BODIES.update(example_bodies())
    return _BODIES.get(row.route, {})


def form_for(row: Row) -> tuple[dict, dict] | None:
    """(fields, files) for a multipart or form operation: the schema's required fields and
    every file field (a PDF unless the row says otherwise), overridden by the row's own
    ``form`` and ``files``; None for a JSON operation."""
    if not _FORMS:
        _FORMS.update(example_forms())
    if row.route not in _FORMS and not (row.form or row.files):
        return None
    fields, files = _FORMS.get(row.route, ({}, {}))
    return {**fields, **row.form}, {**files, **row.files}


# Small files that pass the upload checks (jianguan/compliance/uploads.py sniffs the type).
def _pdf() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, "access matrix")
    c.showPage()
    c.save()
    return buf.getvalue()


def _image(fmt: str) -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 60, 60)).save(buf, format=fmt)
    return buf.getvalue()


def _xlsx() -> bytes:
    import io

    from openpyxl import Workbook

    buf = io.BytesIO()
    wb = Workbook()
    wb.active.append(["项目编码", "项目名称", "项目特征", "计量单位", "工程量", "综合单价", "合价"])
    wb.save(buf)
    return buf.getvalue()


FILE_KINDS = {
    "pdf": (_pdf, "matrix.pdf", "application/pdf"),
    "jpeg": (lambda: _image("JPEG"), "matrix.jpg", "image/jpeg"),
    "png": (lambda: _image("PNG"), "matrix.png", "image/png"),
    "xlsx": (
        _xlsx,
        "matrix.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}
_FILE_CACHE: dict = {}


def make_file(kind: str):
    """A fresh upload of the kind (each request reads its own)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    make, name, content_type = FILE_KINDS[kind]
    if kind not in _FILE_CACHE:
        _FILE_CACHE[kind] = make()
    return SimpleUploadedFile(name, _FILE_CACHE[kind], content_type=content_type)


def _multipart(fields: dict, files: dict) -> dict:
    data = {k: ("true" if v is True else "false" if v is False else v) for k, v in fields.items()}
    for name, kind in files.items():
        data[name] = [make_file(k) for k in kind] if isinstance(kind, list) else make_file(kind)
    return data


_SLOT = re.compile(r"\{(\w+)\}")
# Required id fields of generated bodies: filled with a real object's id (world.first_ids), not 1.
ID_FIELDS = {
    "town", "owner", "organisation", "organisation_id", "responsible_organisation_id",
    "contractor_id", "agency_id", "project_id", "tender_id", "bid_id", "candidate_id", "award_id",
}  # fmt: skip


def _fill(value, values: dict):
    """A body or form value "{name}" takes the subject's value (e.g. its project's id)."""
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    if isinstance(value, str) and (m := _SLOT.fullmatch(value)) and m.group(1) in values:
        return values[m.group(1)]
    return value


def ask(client, row: Row, url: str, headers: dict, values: dict | None = None) -> object:
    """One request, rolled back whatever it wrote (same connection as the test client)."""
    values = values or {}
    with transaction.atomic():
        if row.is_page:
            if row.body is not None or row.form or row.files:
                fields = _fill({**(row.body or {}), **row.form}, values)
                data = _multipart(fields, row.files)
                response = client.post(url, data=data, headers=headers)
            else:
                response = client.get(url, headers=headers)
        else:
            method = row.route.split(" ", 1)[0].lower()
            kwargs = {"headers": headers}
            form = form_for(row) if method in ("post", "put", "patch") else None
            if form is not None:
                kwargs.update(data=_multipart(_fill(form[0], values), form[1]))
            elif method in ("post", "put", "patch"):
                kwargs.update(data=_fill(body_for(row), values), content_type="application/json")
            elif row.query:
                kwargs.update(data=row.query)
            response = getattr(client, method)(url, **kwargs)
        transaction.set_rollback(True)
    return classify(response, row.is_page)


def _example(schema: dict, defs: dict, depth: int = 0):
    """A minimal value valid for a JSON schema (required fields only)."""
    if "$ref" in schema:
        return _example(defs[schema["$ref"].rsplit("/", 1)[1]], defs, depth + 1)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return _example(options[0], defs, depth + 1)
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    fmt = schema.get("format", "")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {
            k: (f"{{{k}}}" if k in ID_FIELDS else _example(props[k], defs, depth + 1))
            for k in schema.get("required", [])
            if k in props
        }
    if kind == "array" and "prefixItems" in schema:  # a tuple
        return [_example(item, defs, depth + 1) for item in schema["prefixItems"]]
    if kind == "array":
        n = schema.get("minItems", 0)
        return [_example(schema.get("items", {}), defs, depth + 1) for _ in range(n)]
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return "1"
    if kind == "boolean":
        return False
    if fmt == "date":
        return "2026-06-01"
    if fmt == "date-time":
        return "2026-06-01T09:00:00+08:00"
    if fmt == "decimal" or "pattern" in schema:
        return "1"
    if fmt == "binary":
        return None
    return "矩阵测试"


def example_bodies() -> dict[str, object]:
    """route -> a minimal JSON body that passes Ninja's schema validation, so that the view's own
    access check decides (for JSON bodies; multipart uploads are left to the data file)."""
    from config.api import api

    schema = api.get_openapi_schema()
    defs = schema.get("components", {}).get("schemas", {})
    out = {}
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                out[f"{method.upper()} {path}"] = _example(
                    content["application/json"]["schema"], defs
                )
    return out


FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def example_forms() -> dict[str, tuple[dict, dict]]:
    """route -> (fields, files) for form operations: the required fields' minimal values and
    a PDF for every file field (a list field gets one), so that a persona is stopped by the
    view's access check, never by Ninja's validation of a missing part."""
    from config.api import api

    schema = api.get_openapi_schema()
    defs = schema.get("components", {}).get("schemas", {})
    out = {}
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            content = op.get("requestBody", {}).get("content", {})
            kind = next((k for k in FORM_TYPES if k in content), None)
            if kind is None:
                continue
            body = content[kind]["schema"]
            if "$ref" in body:
                body = defs[body["$ref"].rsplit("/", 1)[1]]
            props = body.get("properties", {})
            fields, files = {}, {}
            for name, prop in props.items():
                if prop.get("format") == "binary":
                    files[name] = "pdf"
                elif (
                    prop.get("type") == "array" and prop.get("items", {}).get("format") == "binary"
                ):
                    files[name] = ["pdf"]
                elif name in body.get("required", []):
                    fields[name] = _example(prop, defs)
            out[f"{method.upper()} {path}"] = (fields, files)
    return out
