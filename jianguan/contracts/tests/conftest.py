import pytest

from jianguan.projects.tests.test_services import world  # noqa: F401  (shared fixture)


@pytest.fixture
def deal(world):  # noqa: F811  (the imported fixture)
    """A project in construction (five leads filed, chief supervisor included), a finance
    bureau and an auditor with reviewers, and a signed main contract with 5 BoQ lines.

    Keys: project, contract, orgs{owner, general_contractor, supervisor, finance_bureau,
    auditor, other_auditor, …}, actors{owner, contractor, supervisor, finance, auditor,
    other_auditor, regulator, …}."""
    from jianguan.accounts.tests.factories import OrganisationFactory
    from jianguan.compliance.tests.helpers import in_construction
    from jianguan.contracts.tests.factories import make_contract
    from jianguan.projects.tests.test_services import member

    project = in_construction(world)
    orgs, actors = dict(world["orgs"]), dict(world["actors"])
    orgs["finance_bureau"] = OrganisationFactory(kind="finance_bureau", name="大兴区财政局")
    orgs["auditor"] = OrganisationFactory(kind="auditor", name="北京测试审计事务所")
    orgs["other_auditor"] = OrganisationFactory(kind="auditor", name="另一家审计事务所")
    actors["finance"] = member(orgs["finance_bureau"], "fin1", ["staff", "reviewer"])
    actors["auditor"] = member(orgs["auditor"], "aud1", ["staff", "reviewer"])
    actors["other_auditor"] = member(orgs["other_auditor"], "aud2", ["staff", "reviewer"])
    contract = make_contract(
        project=project,
        employer=orgs["owner"],
        contractor=orgs["general_contractor"],
        supervisor=orgs["supervisor"],
        finance_bureau=orgs["finance_bureau"],
        auditor=orgs["auditor"],
    )
    return {**world, "project": project, "contract": contract, "orgs": orgs, "actors": actors}
