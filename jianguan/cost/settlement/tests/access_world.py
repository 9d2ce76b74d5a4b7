"""竣工结算 subjects of the access matrix (tests/access/world.py calls ``subjects``)."""

from __future__ import annotations


def subjects(S: dict, project, actor) -> None:
    pass
