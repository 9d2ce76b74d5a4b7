"""The 履历 panel names events in Chinese, registered by the app that writes them."""

from jianguan.accounts import services
from jianguan.ledger.labels import label
from jianguan.ledger.services import tree_head_sign


def test_known_types_have_chinese_labels_and_unknown_fall_back_to_the_code():
    assert label("organisation.created") == "登记机构"
    assert label("project.transitioned") == "推进项目阶段"
    assert label("no.such_type") == "no.such_type"


def test_history_panel_shows_the_chinese_label(client, regulator, persona_password):
    org = services.organisation_create(
        actor=regulator,
        name="北京标签测试有限公司",
        kind="designer",
        credit_code=_code(),
        legal_representative="李四",
    )
    tree_head_sign(force=True)
    client.login(username="reg", password=persona_password)
    html = client.get(f"/accounts/organisations/{org.pk}/").content.decode()
    assert "登记机构" in html and "已校验" in html


def _code():
    from jianguan.accounts.credit_code import build

    return build("9", "1", "110115", "77665544")
