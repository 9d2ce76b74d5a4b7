"""操作说明 (issue 16): an index, a page per module with its statutory clocks read from the
rule data, the API docs linked there (not in the menu), and the first-login guide."""

from __future__ import annotations

import pytest

from jianguan.web import help as help_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules_loaded(db):
    from jianguan.rules.services import rules_sync_from_data

    rules_sync_from_data()


def test_help_index_lists_every_module_and_the_api_docs(contractor, login_as):
    client = login_as(contractor)
    html = client.get("/help/").content.decode()
    for module in help_data.MODULES:
        assert f'href="/help/{module.slug}/"' in html and module.title in html
    assert 'href="/api/v1/docs"' in html  # developers find the API docs here
    assert 'href="/help/"' in client.get("/").content.decode()  # linked from the user menu


@pytest.mark.parametrize("module", [m.slug for m in help_data.MODULES])
def test_every_module_page_answers(module, regulator, login_as, rules_loaded):
    response = login_as(regulator).get(f"/help/{module}/")
    assert response.status_code == 200
    assert "谁做什么" in response.content.decode()


def test_module_page_lists_its_clocks_with_their_articles(owner, login_as, rules_loaded):
    html = login_as(owner).get("/help/tendering/").content.decode()
    clocks = help_data.clocks_for(help_data.BY_SLUG["tendering"])
    assert clocks and 'data-testid="help-clocks"' in html
    first = clocks[0]
    assert first.name in html and first.reference in html
    # Chinese units only: "20 日", "5 个工作日", never "day"
    assert all(" day" not in c.value and "working_day" not in c.value for c in clocks)
    assert any("《中华人民共和国招标投标法" in c.reference for c in clocks)


def test_every_clock_cites_its_article(rules_loaded):
    for module in help_data.MODULES:
        for clock in help_data.clocks_for(module):
            assert clock.reference and clock.value, clock


def test_unknown_module_is_404_and_anonymous_goes_to_login(client, contractor, login_as):
    assert client.get("/help/").status_code == 302
    assert login_as(contractor).get("/help/no-such-module/").status_code == 404


def test_first_login_guide_shows_until_dismissed(owner, login_as):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from jianguan.web.guide import guide_dismiss, guide_for

    guide = guide_for(owner)
    assert guide is not None and guide.title == "建设单位"
    assert guide.steps[0][0].startswith("先看工作台")  # where the to-do list is
    request = RequestFactory().get("/")
    request.actor = owner
    html = render_to_string("web/_first_login_guide.html", request=request)
    assert 'data-testid="first-login-guide"' in html and "/guide/dismiss/" in html

    guide_dismiss(actor=owner)
    assert guide_for(owner) is None
    assert "first-login-guide" not in render_to_string(
        "web/_first_login_guide.html", request=request
    )


def test_dismissing_the_guide_by_post(contractor, login_as):
    from jianguan.web.guide import guide_for

    client = login_as(contractor)
    assert guide_for(contractor) is not None
    assert client.get("/guide/dismiss/").status_code == 405
    response = client.post("/guide/dismiss/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert guide_for(contractor) is None


def test_guide_steps_only_link_pages_the_actor_may_open(auditor, contractor):
    from jianguan.web.guide import guide_for

    for actor in (auditor, contractor):
        for _, url in guide_for(actor).steps:
            assert url == "" or url.startswith("/")
    assert guide_for(contractor).title == "施工单位"
