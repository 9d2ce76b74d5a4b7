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


def test_every_entry_type_the_code_writes_has_a_chinese_label():
    """Issue 16: no page shows a raw type code. Every literal `type="app.event"` handed to
    the ledger is registered with a label (types built at run time are checked on the demo
    district by tests/ui/test_words.py)."""
    import re
    from pathlib import Path

    import jianguan

    root = Path(jianguan.__file__).parent
    literal = re.compile(r'\btype=\s*"([a-z_]+\.[a-z_.]+)"')
    missing = {
        (path.relative_to(root).as_posix(), t)
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        for t in literal.findall(path.read_text(encoding="utf-8"))
        if label(t) == t
    }
    assert not missing, sorted(missing)


def test_entries_name_the_person_and_organisation_not_the_login(regulator):
    from types import SimpleNamespace

    from jianguan.accounts.models import User
    from jianguan.ledger.display import describe

    User.objects.filter(pk=regulator.user_id).update(display_name="王监管")
    entry = SimpleNamespace(
        index=7,
        type="organisation.created",
        object_app="accounts",
        object_model="organisation",
        object_id=str(regulator.organisation_id),
        actor_user=regulator.username,
        actor_organisation=regulator.organisation.credit_code,
    )
    words = describe([entry])[7]
    assert words.label == "登记机构"
    assert words.person == "王监管"
    assert words.organisation == regulator.organisation_name
    assert words.kind and words.name == str(regulator.organisation)
    system = SimpleNamespace(**{**vars(entry), "actor_user": "", "actor_organisation": ""})
    assert describe([system])[7].person == "系统"
