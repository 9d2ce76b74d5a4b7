"""The Daxing demo district: towns, about 40 organisations of every kind, demo users.

Everything goes through the services (and so onto the ledger). Idempotent: objects are
looked up by their natural keys (town name, credit code, username) before creating.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.conf import settings

from jianguan.accounts import credit_code as cc
from jianguan.accounts import services
from jianguan.accounts.models import Membership, Organisation, Town, User
from jianguan.core.actor import SYSTEM

DAXING_DIVISION = "110115"

# (name, kind, latitude, longitude): approximate centres, for the map and the demo data.
TOWNS = [
    ("兴丰街道", "subdistrict", "39.7330", "116.3300"),
    ("林校路街道", "subdistrict", "39.7420", "116.3420"),
    ("清源街道", "subdistrict", "39.7430", "116.3200"),
    ("观音寺街道", "subdistrict", "39.7210", "116.3500"),
    ("天宫院街道", "subdistrict", "39.6900", "116.3200"),
    ("高米店街道", "subdistrict", "39.7600", "116.3300"),
    ("荣华街道", "subdistrict", "39.7980", "116.5100"),
    ("博兴街道", "subdistrict", "39.7720", "116.5200"),
    ("西红门镇", "town", "39.7900", "116.3300"),
    ("旧宫镇", "town", "39.8100", "116.4500"),
    ("黄村镇", "town", "39.7200", "116.3100"),
    ("瀛海镇", "town", "39.7600", "116.4600"),
    ("亦庄镇", "town", "39.7800", "116.5000"),
    ("青云店镇", "town", "39.6700", "116.5000"),
    ("长子营镇", "town", "39.6300", "116.5800"),
    ("采育镇", "town", "39.6500", "116.6500"),
    ("安定镇", "town", "39.6000", "116.4900"),
    ("礼贤镇", "town", "39.5500", "116.4500"),
    ("榆垡镇", "town", "39.5200", "116.3200"),
    ("庞各庄镇", "town", "39.6300", "116.3200"),
    ("北臧村镇", "town", "39.7000", "116.2400"),
    ("魏善庄镇", "town", "39.6400", "116.4000"),
]

# (name, kind, registration authority + category, legal representative, town)
ORGANISATIONS = [
    ("北京市大兴区工程建设管理中心", "regulator", "12", "王建国", "兴丰街道"),
    ("北京市大兴区住房和城乡建设委员会", "regulator", "11", "李卫东", "兴丰街道"),
    ("北京市大兴区教育委员会", "owner", "11", "张丽华", "林校路街道"),
    ("北京市大兴区卫生健康委员会", "owner", "11", "刘志强", "清源街道"),
    ("北京市大兴区城市管理委员会", "owner", "11", "陈海涛", "观音寺街道"),
    ("北京大兴新城建设发展有限公司", "owner", "91", "赵明", "黄村镇"),
    ("北京临空经济区开发建设有限公司", "owner", "91", "孙立新", "礼贤镇"),
    ("北京大兴生物医药产业基地开发有限公司", "owner", "91", "周建平", "天宫院街道"),
    ("北京兴建工程集团有限公司", "general_contractor", "91", "吴国庆", "黄村镇"),
    ("北京京南建设工程有限公司", "general_contractor", "91", "郑永刚", "西红门镇"),
    ("北京大兴建工集团有限公司", "general_contractor", "91", "冯德胜", "高米店街道"),
    ("北京永定河建筑工程有限公司", "general_contractor", "91", "何志明", "榆垡镇"),
    ("北京亦庄城建集团有限公司", "general_contractor", "91", "许文斌", "亦庄镇"),
    ("北京天宫路桥工程有限公司", "general_contractor", "91", "韩守义", "天宫院街道"),
    ("北京念坛市政工程有限公司", "general_contractor", "91", "曹建华", "青云店镇"),
    ("北京瀛海建设集团有限公司", "general_contractor", "91", "邓春生", "瀛海镇"),
    ("北京兴安消防工程有限公司", "specialist_subcontractor", "91", "彭晓东", "旧宫镇"),
    ("北京京华幕墙装饰工程有限公司", "specialist_subcontractor", "91", "曾宪文", "西红门镇"),
    ("北京采育机电安装工程有限公司", "specialist_subcontractor", "91", "田玉林", "采育镇"),
    ("北京大兴劳务服务有限公司", "labour_subcontractor", "91", "董金宝", "安定镇"),
    ("北京长子营建筑劳务有限公司", "labour_subcontractor", "91", "袁振华", "长子营镇"),
    ("北京魏善庄劳务分包有限公司", "labour_subcontractor", "91", "程广才", "魏善庄镇"),
    ("北京兴正工程监理有限公司", "supervisor", "91", "蒋正良", "兴丰街道"),
    ("北京京南建设监理有限责任公司", "supervisor", "91", "沈国华", "清源街道"),
    ("北京中正工程项目管理有限公司", "supervisor", "91", "韦建军", "荣华街道"),
    ("北京恒信建设监理有限公司", "supervisor", "91", "秦立民", "博兴街道"),
    ("北京大兴建筑设计研究院有限公司", "designer", "91", "陆文华", "林校路街道"),
    ("北京京南市政设计院有限公司", "designer", "91", "江宏伟", "观音寺街道"),
    ("北京城南规划设计有限公司", "designer", "91", "唐晓峰", "高米店街道"),
    ("北京大兴岩土工程勘察有限公司", "surveyor", "91", "丁志刚", "庞各庄镇"),
    ("北京京南地质勘察院有限公司", "surveyor", "91", "钟铭", "北臧村镇"),
    ("北京市大兴区财政局", "finance_bureau", "11", "顾红梅", "兴丰街道"),
    ("北京兴审工程造价咨询有限公司", "auditor", "91", "范立群", "林校路街道"),
    ("北京中衡会计师事务所有限公司", "auditor", "91", "邱建英", "清源街道"),
    ("北京正信工程审计咨询有限公司", "auditor", "91", "金鹏", "荣华街道"),
    ("北京兴诚招标代理有限公司", "tender_agency", "91", "石磊", "兴丰街道"),
    ("北京京南招标有限公司", "tender_agency", "91", "谭志勇", "黄村镇"),
    ("北京公信工程咨询有限公司", "tender_agency", "91", "廖静", "博兴街道"),
    ("中安财产保险股份有限公司北京大兴支公司", "insurer", "91", "黎永红", "兴丰街道"),
    ("京诚工程保险股份有限公司北京分公司", "insurer", "91", "严俊", "亦庄镇"),
]

# username, display name, (organisation kind, n-th of that kind), roles
# org_admin (机构管理员) manages the organisation's own staff (人员管理): each demo login that
# heads its organisation holds it. The finance bureau's and the audit firm's logins are
# reviewers, not heads: their staff stay with the regulator, as before.
USERS = [
    ("regulator", "王监管", ("regulator", 0), ["org_admin", "admin", "staff", "inspector"]),
    ("owner", "张建设", ("owner", 0), ["org_admin", "admin", "staff", "signer"]),
    ("contractor", "吴项目", ("general_contractor", 0), ["org_admin", "admin", "staff", "signer"]),
    ("subcontractor", "彭分包", ("specialist_subcontractor", 0), ["org_admin", "admin", "staff"]),
    ("supervisor", "蒋总监", ("supervisor", 0), ["org_admin", "admin", "staff", "signer"]),
    ("designer", "陆设计", ("designer", 0), ["org_admin", "admin", "staff", "signer"]),
    ("finance", "顾财审", ("finance_bureau", 0), ["staff", "reviewer"]),
    ("auditor", "范审计", ("auditor", 0), ["staff", "reviewer"]),
    ("agency", "石代理", ("tender_agency", 0), ["org_admin", "admin", "staff"]),
    ("insurer", "黎保险", ("insurer", 0), ["org_admin", "admin", "staff"]),
]
EXPERT_HOMES = [
    ("designer", 0),
    ("designer", 1),
    ("designer", 2),
    ("surveyor", 0),
    ("surveyor", 1),
    ("auditor", 1),
    ("auditor", 2),
    ("supervisor", 2),
    ("supervisor", 3),
]
EXPERT_NAMES = ["周工", "吴工", "郑工", "王工", "冯工", "陈工", "褚工", "卫工", "蒋工"]
BIDDER_NAMES = ["投标甲", "投标乙", "投标丙", "投标丁", "投标戊", "投标己"]


def demo_credit_code(name: str, prefix: str) -> str:
    digest = hashlib.sha256(name.encode()).hexdigest()
    body = "".join(str(int(ch, 16) % 10) for ch in digest[:8])
    return cc.build(prefix[0], prefix[1], DAXING_DIVISION, body)


def seed_towns() -> dict[str, Town]:
    towns = {}
    for name, kind, lat, lng in TOWNS:
        town = Town.objects.filter(name=name).first()
        if town is None:
            town = Town.objects.create(
                name=name, kind=kind, latitude=Decimal(lat), longitude=Decimal(lng)
            )
        towns[name] = town
    return towns


def seed_organisations(towns: dict[str, Town]) -> dict[str, list[Organisation]]:
    by_kind: dict[str, list[Organisation]] = {}
    for name, kind, prefix, legal, town in ORGANISATIONS:
        code = demo_credit_code(name, prefix)
        org = Organisation.objects.filter(credit_code=code).first()
        if org is None:
            org = services.organisation_create(
                actor=SYSTEM,
                name=name,
                kind=kind,
                credit_code=code,
                legal_representative=legal,
                contact_name=legal,
                contact_phone="010-6"
                + code[10:17].translate(str.maketrans("ABCDEFGHJ", "123456789")),
                address=f"北京市大兴区{town}",
                town=towns[town],
            )
        by_kind.setdefault(kind, []).append(org)
    return by_kind


def _user(username: str, display_name: str, org: Organisation, roles: list[str]) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = services.user_create(
            actor=SYSTEM,
            username=username,
            password=settings.DEMO_PASSWORD,
            display_name=display_name,
        )
    membership = Membership.objects.filter(user=user, organisation=org).first()
    if membership is None or sorted(membership.roles) != sorted(roles):
        services.membership_grant(actor=SYSTEM, user=user, organisation=org, roles=roles)
    return user


def seed_users(by_kind: dict[str, list[Organisation]]) -> list[User]:
    users = []
    for username, display, (kind, n), roles in USERS:
        users.append(_user(username, display, by_kind[kind][n], roles))
    for i, ((kind, n), name) in enumerate(zip(EXPERT_HOMES, EXPERT_NAMES, strict=True), 1):
        users.append(_user(f"expert{i}", f"专家{name}", by_kind[kind][n], ["expert"]))
    for i, name in enumerate(BIDDER_NAMES, 1):
        org = by_kind["general_contractor"][i - 1]
        users.append(_user(f"bidder{i}", name, org, ["bidder", "staff"]))
    return users


def seed() -> dict[str, int]:
    towns = seed_towns()
    by_kind = seed_organisations(towns)
    users = seed_users(by_kind)
    from jianguan.accounts.onboarding.demo import seed_applications

    applications = seed_applications()
    return {
        "towns": len(towns),
        "organisations": sum(len(v) for v in by_kind.values()),
        "users": len(users),
        "applications": applications,
    }


DEMO_LOGINS = (
    [u[0] for u in USERS]
    + [f"expert{i}" for i in range(1, 10)]
    + [f"bidder{i}" for i in range(1, 7)]
)
