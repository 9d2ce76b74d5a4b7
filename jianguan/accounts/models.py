"""Organisations, users, memberships with roles, and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from jianguan.core.models import BaseModel


class OrganisationKind(models.TextChoices):
    REGULATOR = "regulator", "行政监督部门"
    OWNER = "owner", "建设单位"
    GENERAL_CONTRACTOR = "general_contractor", "施工总承包单位"
    SPECIALIST_SUBCONTRACTOR = "specialist_subcontractor", "专业分包单位"
    LABOUR_SUBCONTRACTOR = "labour_subcontractor", "劳务分包单位"
    SUPERVISOR = "supervisor", "监理单位"
    DESIGNER = "designer", "设计单位"
    SURVEYOR = "surveyor", "勘察单位"
    FINANCE_BUREAU = "finance_bureau", "财政部门"
    AUDITOR = "auditor", "第三方审计机构"
    TENDER_AGENCY = "tender_agency", "招标代理机构"
    INSURER = "insurer", "保险公司"


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", "机构管理员"
    ADMIN = "admin", "管理员"
    STAFF = "staff", "经办人"
    REVIEWER = "reviewer", "审核人"
    SIGNER = "signer", "签章人"
    INSPECTOR = "inspector", "监督检查员"
    EXPERT = "expert", "评标专家"
    BIDDER = "bidder", "投标经办人"


# The kinds an enterprise may apply as (/accounts/apply/): the regulator and the finance
# bureau are government bodies entered by the regulator, never self-registered.
APPLICANT_KINDS = tuple(
    k for k in OrganisationKind.values if k not in ("regulator", "finance_bureau")
)

_BUSINESS = ("org_admin", "admin", "staff", "signer")
# The roles an organisation's administrator may give its staff, by kind: what the kind does on
# the platform (bidding only for those who bid, inspection only for the regulator). Personal
# roles (the evaluation expert) are never given by an employer: the expert pool decides them.
KIND_ROLES: dict[str, tuple[str, ...]] = {
    "regulator": (*_BUSINESS, "reviewer", "inspector"),
    "owner": (*_BUSINESS, "reviewer"),
    "general_contractor": (*_BUSINESS, "bidder"),
    "specialist_subcontractor": (*_BUSINESS, "bidder"),
    "labour_subcontractor": (*_BUSINESS, "bidder"),
    "supervisor": (*_BUSINESS, "bidder"),
    "designer": (*_BUSINESS, "bidder"),
    "surveyor": (*_BUSINESS, "bidder"),
    "finance_bureau": ("org_admin", "staff", "reviewer", "signer"),
    "auditor": (*_BUSINESS, "reviewer"),
    "tender_agency": _BUSINESS,
    "insurer": _BUSINESS,
}


class TownKind(models.TextChoices):
    TOWN = "town", "镇"
    SUBDISTRICT = "subdistrict", "街道"
    AREA = "area", "地区/功能区"


class Town(BaseModel):
    """A town or subdistrict of the district (乡镇/街道)."""

    name = models.CharField("名称", max_length=50, unique=True)
    kind = models.CharField("类型", max_length=20, choices=TownKind.choices)
    division_code = models.CharField("行政区划代码", max_length=12, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "乡镇街道"
        verbose_name_plural = "乡镇街道"

    def __str__(self) -> str:
        return self.name


class Organisation(BaseModel):
    """Every party (企业/机构) on the platform, distinguished by `kind`."""

    name = models.CharField("名称", max_length=200)
    kind = models.CharField("机构类型", max_length=40, choices=OrganisationKind.choices)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    legal_representative = models.CharField("法定代表人", max_length=50)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    town = models.ForeignKey(
        Town, verbose_name="所在乡镇街道", null=True, blank=True, on_delete=models.PROTECT
    )
    is_active = models.BooleanField("有效", default=True)
    # Scores and records cannot be asked for a date before this (None: the day it was entered).
    established_on = models.DateField("成立日期", null=True, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "机构"
        verbose_name_plural = "机构"
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person. Lock-out state lives here so that it survives restarts and workers."""

    display_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    failed_logins = models.PositiveIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username


class Membership(BaseModel):
    user = models.ForeignKey(User, related_name="memberships", on_delete=models.CASCADE)
    organisation = models.ForeignKey(
        Organisation, related_name="memberships", on_delete=models.PROTECT
    )
    roles = models.JSONField("角色", default=list)
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "成员关系"
        verbose_name_plural = "成员关系"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="uniq_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class ApiToken(BaseModel):
    """Bearer token for /api/v1. Only a SHA-256 of the secret is stored."""

    user = models.ForeignKey(User, related_name="api_tokens", on_delete=models.CASCADE)
    name = models.CharField("用途", max_length=100, blank=True)
    prefix = models.CharField("前缀", max_length=12, db_index=True)
    key_hash = models.CharField("摘要", max_length=64, unique=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class LoginThrottle(models.Model):
    """Wrong passwords for one username from one client address: the login throttle.

    Kept per (username, address) so that a stranger guessing a known username blocks only
    himself; rows for usernames that do not exist are kept the same way (nothing tells them
    apart). Rows untouched for a day are deleted by the next failure anywhere.
    """

    username = models.CharField("用户名", max_length=150)
    address = models.CharField("客户端地址", max_length=64)
    failures = models.PositiveIntegerField("连续失败次数", default=0)
    last_failure_at = models.DateTimeField("最近失败时间")
    throttled_until = models.DateTimeField("暂停至", null=True, blank=True)

    class Meta:
        verbose_name = "登录限流"
        verbose_name_plural = "登录限流"
        constraints = [
            models.UniqueConstraint(
                fields=["username", "address"], name="accounts_loginthrottle_username_address"
            )
        ]
        indexes = [models.Index(fields=["last_failure_at"], name="accounts_lt_last_failure")]

    def __str__(self) -> str:
        return f"{self.username}@{self.address}"


class LoginRecord(models.Model):
    """One successful login (个人中心 › 登录记录): when and from which address."""

    user = models.ForeignKey(User, related_name="login_records", on_delete=models.CASCADE)
    at = models.DateTimeField("登录时间", db_index=True)
    address = models.CharField("客户端地址", max_length=64)
    user_agent = models.CharField("浏览器", max_length=200, blank=True)

    class Meta:
        verbose_name = "登录记录"
        verbose_name_plural = "登录记录"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.address} {self.at:%Y-%m-%d %H:%M}"


class OrganisationApplication(BaseModel):
    """An enterprise's application to join the platform (入驻申请), reviewed by the regulator.

    The applicant has no account yet: it follows the application through a status page whose
    secret link only it was shown (only the link's SHA-256 is stored).
    """

    STATUS_CHOICES = [("submitted", "待审核"), ("returned", "已退回"), ("approved", "已通过")]

    number = models.CharField("申请编号", max_length=20, unique=True)
    status = models.CharField("状态", max_length=20, choices=STATUS_CHOICES, default="submitted")
    name = models.CharField("机构名称", max_length=200)
    kind = models.CharField("机构类型", max_length=40, choices=OrganisationKind.choices)
    credit_code = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    legal_representative = models.CharField("法定代表人", max_length=50)
    address = models.CharField("地址", max_length=200, blank=True)
    admin_name = models.CharField("管理员姓名", max_length=50)
    admin_phone = models.CharField("管理员手机号", max_length=20)
    admin_email = models.EmailField("管理员电子邮箱", max_length=150)
    licence = models.FileField("营业执照扫描件", upload_to="accounts/licences/%Y/", max_length=200)
    licence_sm3 = models.CharField("营业执照 SM3", max_length=64)
    licence_size = models.PositiveIntegerField("营业执照大小", default=0)
    secret_hash = models.CharField("查询链接摘要", max_length=64)
    submitted_from = models.CharField("提交地址", max_length=64, blank=True)
    submitted_at = models.DateTimeField("提交时间")
    submissions = models.PositiveIntegerField("提交次数", default=1)
    review_reasons = models.TextField("审核意见", blank=True)
    reviewed_by = models.ForeignKey(
        User, verbose_name="审核人", null=True, blank=True, on_delete=models.PROTECT
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name="入驻机构", null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = "入驻申请"
        verbose_name_plural = "入驻申请"
        ordering = ["-submitted_at"]
        constraints = [
            # One pending application per credit code, even when two arrive at once.
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=models.Q(status__in=["submitted", "returned"]),
                name="accounts_application_one_pending_per_code",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"
