import datetime as dt
from decimal import Decimal as D

import pytest

from jianguan.contracts.tests.conftest import deal  # noqa: F401  (shared fixture)
from jianguan.projects.tests.test_services import world  # noqa: F401  (shared fixture)

TODAY_OFFSETS = ((90, 61), (60, 31), (30, 0))


@pytest.fixture
def money(deal):  # noqa: F811  (the imported fixture)
    """The contracts `deal` with a 10 % advance agreed (price 68,825.62: the BoQ of five lines,
    jianguan/contracts/tests/factories.boq_rows)."""
    from jianguan.contracts.models import Contract

    # the agreed advance is a term of the signed contract (a factory edit, as make_contract)
    Contract.objects.filter(pk=deal["contract"].pk).update(advance_ratio=D("0.1000"))
    deal["contract"].refresh_from_db()
    return deal


def periods():
    from jianguan.core.timeutil import today_local

    t = today_local()
    return [(t - dt.timedelta(days=a), t - dt.timedelta(days=b)) for a, b in TODAY_OFFSETS]


def completed(project, days_ago: int):
    """Completion acceptance `days_ago` days back: the register's warranty clock (a factory)."""
    from jianguan.core.timeutil import today_local
    from jianguan.projects.models import WarrantyClock

    WarrantyClock.objects.filter(project=project).delete()
    return WarrantyClock.objects.create(
        project=project,
        scope="基础设施和主体结构",
        rule_code="design_life",
        starts_on=today_local() - dt.timedelta(days=days_ago),
        description="设计文件规定的合理使用年限",
    )
