"""Demo expert pool: 200 experts across the specialties, the 9 demo expert logins among them,
with employment histories, a few declarations and punishments so the conflict rules bite."""

from __future__ import annotations

import datetime as dt
import random

from jianguan.accounts.models import Organisation, User
from jianguan.core.actor import SYSTEM
from jianguan.core.timeutil import today_local
from jianguan.experts import services, specialties
from jianguan.experts.models import Expert

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "建国志强丽华文军海燕永明秀英国庆晓东春梅卫东振华红梅立新淑珍德胜玉兰明辉雪梅子涵浩然思远静怡嘉豪雨桐俊杰欣怡宇航佳琪天佑梓萱"
POOL_SIZE = 200


def _name(rng: random.Random) -> str:
    i = rng.randrange(0, len(GIVEN), 2)
    return rng.choice(SURNAMES) + GIVEN[i : i + 2]


def _display(user: User) -> str:
    # the demo logins are named 专家周工…: the pool keeps the surname and a given name
    return (user.display_name or user.username).removeprefix("专家").replace("工", "建国")


def seed() -> dict[str, object]:
    if Expert.objects.exists():
        return {"skipped": True}
    rng = random.Random(20261123)
    today = today_local()
    orgs = list(Organisation.objects.exclude(kind="regulator").order_by("pk"))
    contractors = [o for o in orgs if o.kind in ("general_contractor", "supervisor", "designer")]
    codes = list(specialties.SPECIALTIES)
    users = list(User.objects.filter(username__startswith="expert").order_by("username"))
    made = 0
    for i in range(POOL_SIZE):
        main = codes[i % len(codes)]
        extra = rng.sample(codes, rng.randint(0, 2))
        economic = specialties.is_economic(main)
        title = rng.choice(
            ["senior_economist", "senior_accountant", "lawyer"]
            if economic
            else ["senior_professor", "senior", "senior"]
        )
        employer = rng.choice(orgs) if rng.random() < 0.6 else None
        expert = services.expert_register(
            actor=SYSTEM,
            name=_display(users[i]) if i < len(users) else _name(rng),
            title=title,
            experience_years=rng.randint(8, 35),
            specialties_codes=[main, *extra],
            employer=employer,
            employer_name="" if employer else rng.choice(["北京建筑大学", "北京工业大学", "退休"]),
            phone=f"139{rng.randint(10000000, 99999999)}",
            user=users[i] if i < len(users) else None,
        )
        if contractors and rng.random() < 0.25:  # a past job at a firm that may bid
            org = rng.choice(contractors)
            start = today - dt.timedelta(days=rng.randint(800, 4000))
            services.employment_add(
                actor=SYSTEM,
                expert=expert,
                organisation_code=org.credit_code,
                organisation_name=org.name,
                start=start,
                end=start + dt.timedelta(days=rng.randint(300, 1500)),
            )
        if contractors and rng.random() < 0.05:
            org = rng.choice(contractors)
            services.declaration_add(
                actor=SYSTEM,
                expert=expert,
                organisation_code=org.credit_code,
                organisation_name=org.name,
                relation=rng.choice(["配偶任该单位项目经理", "子女在该单位任职", "持有该单位股份"]),
            )
        if rng.random() < 0.02:
            services.punishment_record(
                actor=SYSTEM,
                expert=expert,
                reason="评标中未按评标办法打分，受到通报批评并暂停评标资格",
                tendering_offence=True,
                until=today + dt.timedelta(days=365),
            )
        made += 1
    return {"experts": made, "specialties": len(codes)}


def seed_committees() -> dict[str, object]:
    """A committee drawn for every demo tender in evaluation (after the tendering demo)."""
    from jianguan.accounts.actors import actor_for
    from jianguan.experts.models import Committee
    from jianguan.tendering.models import Tender

    user = User.objects.filter(username="regulator").first()
    if user is None:
        return {"skipped": "no regulator"}
    officer = actor_for(user)
    drawn = scored = 0
    for tender in Tender.objects.filter(status="evaluation").exclude(
        pk__in=Committee.objects.values("tender_id")
    ):
        committee = services.committee_draw(
            actor=officer, tender=tender, needs=[("J01", 3), ("J02", 1), ("E01", 1)]
        )
        drawn += 1
        if tender.evaluation_method == "comprehensive":
            _score(officer, committee)
            scored += 1
    return {"committees": drawn, "scored": scored}


def _score(officer, committee) -> None:
    """The drawn experts get their platform logins at check-in, score, submit and sign."""
    from django.conf import settings

    from jianguan.accounts import services as accounts
    from jianguan.accounts.actors import actor_for
    from jianguan.experts.models import Expert
    from jianguan.tendering.models import Bid

    rng = random.Random(committee.tender.code)
    bids = list(Bid.objects.filter(tender=committee.tender, status=Bid.OPENED))
    quality = {b.pk: rng.randint(0, 4) for b in bids}  # some proposals are simply better
    for m in committee.members.select_related("expert"):
        expert = m.expert
        if expert.user_id is None:
            user = accounts.user_create(
                actor=SYSTEM,
                username=f"pingbiao{expert.pk}",
                password=settings.DEMO_PASSWORD,
                display_name=f"专家{expert.name}",
            )
            Expert.objects.filter(pk=expert.pk).update(user=user)
            expert.user = user
            # The expert role comes with a membership (it is personal: the expert acts as
            # itself, never for that organisation): at its employer, or else at the centre
            # that keeps the pool. Without one the login could not open its own workbench.
            home = expert.employer or officer.organisation
            accounts.membership_grant(actor=SYSTEM, user=user, organisation=home, roles=["expert"])
        services.member_check_in(actor=officer, member=m, present=True)
        actor = actor_for(expert.user)
        for bid in bids:
            t1 = 14 + quality[bid.pk] + rng.randint(0, 2)
            services.sheet_save(
                actor=actor,
                member=m,
                bid=bid,
                scores={
                    "T1": [str(t1), "施工组织设计完整，关键工序安排合理"],
                    "T2": [str(6 + quality[bid.pk] // 2 + rng.randint(0, 1)), "质量安全措施可行"],
                    "C1": [str(3 + quality[bid.pk] % 3), "按业绩证明材料计分"],
                },
            )
        services.sheets_submit(actor=actor, member=m)
    services.evaluation_compute(actor=officer, committee=committee)
    for m in committee.members.select_related("expert__user"):
        services.report_sign(actor=actor_for(m.expert.user), member=m)
