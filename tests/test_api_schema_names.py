"""Every API schema has its own name: the OpenAPI spec keys its components by class name, so
two schemas called ``ContractIn`` in two apps silently become one, and the published spec (and
every client generated from it, the fuzzer and the access matrix included) then describes the
wrong body for one of the two routes. Found when the smart site's labour-contract schema took
the place of the construction contract's."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema


def _schemas(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("jianguan."):
            out.append(sub)
        out.extend(_schemas(sub))
    return out


def test_schema_names_are_unique(client):
    client.get("/api/v1/openapi.json")  # every router imported and every schema built
    names: dict[str, set[str]] = defaultdict(set)
    for schema in _schemas(Schema):
        names[schema.__name__].add(schema.__module__)
    clashes = {name: sorted(mods) for name, mods in names.items() if len(mods) > 1}
    assert not clashes, f"schemas sharing a name (rename one): {clashes}"
