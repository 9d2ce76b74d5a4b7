from __future__ import annotations

import factory

from jianguan.accounts import credit_code as cc
from jianguan.accounts.models import Organisation, Town


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Town
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试镇{n}")
    kind = "town"


def _code(n: int) -> str:
    return cc.build("9", "1", "110115", f"{n:08d}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"北京测试建设工程有限公司{n}")
    kind = "general_contractor"
    credit_code = factory.Sequence(lambda n: _code(n + 1000))
    legal_representative = "张三"
    town = factory.SubFactory(TownFactory)
