"""评标专家库: experts, their employment history, declarations, punishments; committees."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jianguan.accounts.models import Organisation
from jianguan.core.models import BaseModel, choices


class Expert(BaseModel):
    TITLES = {
        "senior_professor": "正高级工程师",
        "senior": "高级工程师",
        "senior_economist": "高级经济师",
        "senior_accountant": "高级会计师",
        "lawyer": "律师（执业10年以上）",
    }
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="expert",
        on_delete=models.SET_NULL,
    )
    name = models.CharField("姓名", max_length=50)
    id_number_masked = models.CharField("身份证号（脱敏）", max_length=20, blank=True)
    phone = models.CharField("电话", max_length=20, blank=True)
    title = models.CharField("职称", max_length=30, choices=choices(TITLES))
    experience_years = models.PositiveSmallIntegerField("从业年限")
    specialties = models.JSONField("评标专业", default=list)
    employer = models.ForeignKey(
        Organisation, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    employer_name = models.CharField("工作单位", max_length=200, blank=True)
    regulator_staff = models.BooleanField("行政监督部门工作人员", default=False)
    available = models.BooleanField("可参加评标", default=True)
    suspended_until = models.DateField("暂停至", null=True, blank=True)
    registered_by = models.CharField(max_length=150)

    class Meta:
        verbose_name = "评标专家"
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Employment(BaseModel):
    expert = models.ForeignKey(Expert, related_name="employments", on_delete=models.CASCADE)
    organisation_code = models.CharField("单位统一社会信用代码", max_length=18)
    organisation_name = models.CharField("单位名称", max_length=200)
    start = models.DateField("起")
    end = models.DateField("止", null=True, blank=True)

    class Meta:
        verbose_name = "专家任职经历"
        ordering = ["-start"]


class Declaration(BaseModel):
    """申报的亲属任职或利害关系 (an organisation the expert must not judge)."""

    expert = models.ForeignKey(Expert, related_name="declarations", on_delete=models.CASCADE)
    organisation_code = models.CharField("单位统一社会信用代码", max_length=18)
    organisation_name = models.CharField("单位名称", max_length=200)
    relation = models.CharField("关系", max_length=100)

    class Meta:
        verbose_name = "专家回避声明"


class Punishment(BaseModel):
    expert = models.ForeignKey(Expert, related_name="punishments", on_delete=models.CASCADE)
    decided_on = models.DateField("处理日期")
    reason = models.CharField("事由", max_length=500)
    tendering_offence = models.BooleanField("招标投标违法行为", default=True)
    until = models.DateField("处理期限至", null=True, blank=True)
    decided_by = models.CharField(max_length=150)

    class Meta:
        verbose_name = "专家处罚记录"


class Committee(BaseModel):
    """评标委员会 of one tender: the draw's commitment first, the names revealed at award."""

    tender = models.OneToOneField(
        "tendering.Tender", related_name="committee", on_delete=models.PROTECT
    )
    officer = models.CharField("监督人员", max_length=150)
    needs = models.JSONField("抽取需求")
    tenderer_reps = models.PositiveSmallIntegerField("招标人代表人数", default=0)
    pool_digest = models.CharField(max_length=64)
    commitment = models.CharField(max_length=64)
    committed_at = models.DateTimeField()
    seed_hex = models.CharField(max_length=64)  # shown to nobody until revealed
    alternates = models.JSONField(default=list)
    excluded = models.JSONField("回避情况", default=dict)
    snapshot = models.JSONField("抽取时的合格专家", default=list)  # [[id, [specialties]], ...]
    revealed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField("评标结果", null=True, blank=True)

    class Meta:
        verbose_name = "评标委员会"


class Member(BaseModel):
    DRAWN, CHECKED_IN, DECLINED = "drawn", "checked_in", "declined"
    STATUSES = {DRAWN: "已抽取，待签到", CHECKED_IN: "已签到", DECLINED: "回避或不能参加"}
    committee = models.ForeignKey(Committee, related_name="members", on_delete=models.CASCADE)
    expert = models.ForeignKey(Expert, related_name="seats", on_delete=models.PROTECT)
    specialty = models.CharField(max_length=10)
    order = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12, choices=choices(STATUSES), default=DRAWN)
    note = models.CharField(max_length=300, blank=True)
    sat_on = models.DateField()

    class Meta:
        verbose_name = "评标委员会成员"
        ordering = ["committee", "order"]
        constraints = [models.UniqueConstraint(fields=["committee", "expert"], name="member_once")]


class Sheet(BaseModel):
    """One expert's scores for one bid: criterion -> [score, reason]; hidden from the other
    experts until every member has submitted."""

    member = models.ForeignKey(Member, related_name="sheets", on_delete=models.CASCADE)
    bid = models.ForeignKey("tendering.Bid", related_name="+", on_delete=models.PROTECT)
    scores = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "评分表"
        constraints = [models.UniqueConstraint(fields=["member", "bid"], name="sheet_once")]


class ReportSignature(BaseModel):
    """An expert's online signature of the evaluation report (its result digest)."""

    member = models.OneToOneField(Member, related_name="signature", on_delete=models.CASCADE)
    report_sha256 = models.CharField(max_length=64)
    signed_at = models.DateTimeField()

    class Meta:
        verbose_name = "评标报告签名"
