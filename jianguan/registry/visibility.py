"""Ledger visibility of registry objects: members of the organisation concerned."""

from __future__ import annotations

from jianguan.core.actor import Actor
from jianguan.ledger import visibility


def _owned(model_name: str, field: str):
    def rule(actor: Actor, object_id: str) -> bool:
        from django.apps import apps

        if not object_id.isdigit() or actor.organisation_id is None:
            return False
        model = apps.get_model("registry", model_name)
        return model.objects.filter(pk=object_id, **{field: actor.organisation_id}).exists()

    return rule


def register_all() -> None:
    visibility.register("registry", "qualification", _owned("Qualification", "organisation_id"))
    visibility.register("registry", "safetylicence", _owned("SafetyLicence", "organisation_id"))
    visibility.register("registry", "registeredperson", _owned("RegisteredPerson", "employer_id"))
    visibility.register("registry", "accessstandard", lambda actor, object_id: True)
