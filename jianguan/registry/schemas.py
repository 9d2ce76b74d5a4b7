from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from jianguan.registry.models import (
    AssignmentRole,
    CertificateKind,
    PersonGrade,
    QualificationGrade,
)


class QualificationRead(Schema):
    id: int
    organisation_id: int
    category: str
    grade: str
    number: str
    issuer: str
    valid_from: dt.date
    valid_to: dt.date


class QualificationCreate(Schema):
    category: str = Field(..., min_length=1, max_length=100, description="资质类别")
    grade: QualificationGrade = Field(..., description="资质等级")
    number: str = Field(..., min_length=1, max_length=60)
    issuer: str = Field(..., min_length=1, max_length=100)
    valid_from: dt.date
    valid_to: dt.date


class QualificationUpdate(Schema):
    category: str | None = Field(None, min_length=1, max_length=100)
    grade: QualificationGrade | None = None
    number: str | None = Field(None, min_length=1, max_length=60)
    issuer: str | None = Field(None, min_length=1, max_length=100)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class LicenceRead(Schema):
    id: int
    organisation_id: int
    number: str
    issuer: str
    valid_from: dt.date
    valid_to: dt.date


class LicenceCreate(Schema):
    number: str = Field(..., min_length=1, max_length=60, description="安全生产许可证编号")
    issuer: str = Field(..., min_length=1, max_length=100)
    valid_from: dt.date
    valid_to: dt.date


class PersonRead(Schema):
    id: int
    name: str
    id_number_masked: str
    kind: str
    specialty: str
    grade: str
    certificate_number: str
    valid_to: dt.date
    employer_id: int


class PersonCreate(Schema):
    name: str = Field(..., min_length=1, max_length=50)
    id_number_masked: str = Field("", max_length=20, description="脱敏身份证号")
    kind: CertificateKind
    specialty: str = Field("", max_length=50)
    grade: PersonGrade | None = None
    certificate_number: str = Field(..., min_length=1, max_length=60)
    valid_to: dt.date


class AssignmentCreate(Schema):
    project_id: int
    role: AssignmentRole
    start: dt.date
    end: dt.date | None = None


class AssignmentRead(Schema):
    id: int
    person_id: int
    project_id: int
    role: str
    start: dt.date
    end: dt.date | None


class CredentialsRead(Schema):
    organisation_id: int
    qualifications: list[QualificationRead]
    licences: list[LicenceRead]
    persons: list[PersonRead]


class StandardRead(Schema):
    id: int
    name: str
    description: str
    criteria: dict[str, Any]


class StandardCreate(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    description: str = Field("", max_length=500)
    criteria: dict[str, Any]


class ReasonRead(Schema):
    criterion: str
    passed: bool
    message_zh: str


class EligibilityRead(Schema):
    organisation_id: int
    standard_id: int
    on: dt.date
    passed: bool
    reasons: list[ReasonRead]


class ExpiringRead(Schema):
    organisation_id: int
    organisation: str
    kind: str
    name: str
    number: str
    expires_on: dt.date
    days_left: int


class ImportResult(Schema):
    qualifications: int
    persons: int
