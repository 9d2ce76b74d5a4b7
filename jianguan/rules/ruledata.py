"""Rule data files: loading and validation.

The numbers of the law (deadlines, ratios, limits) live in ``data/<region>.json`` with their
legal reference and effective period; code asks for them by code and never hard-codes them.
This module only reads and checks those files. It is pure Python (no Django), so it can be
used by management commands, tests and the lookup API alike.

File format::

    {"region": "national", "rules": [
        {"code": "bid_bond.ratio_max", "name": "...", "value": "0.02", "unit": "ratio",
         "reference": "《中华人民共和国招标投标法实施条例》第二十六条",
         "effective_from": "2019-03-02", "effective_to": null, "verified": true,
         "note": "..."}
    ]}

Value conventions (see ``UNITS``):

* integer units (``day``, ``working_day``, ``month``, ``year``, ``hour``, ``count``, ``season``):
  a JSON integer, or a range ``{"min": 1, "max": 3}``;
* decimal units (``ratio``, ``db_a``, ``ug_m3``, ``points``, ``yuan``, ``factor``): a decimal
  string such as ``"0.02"``, or a range of them; loaded as :class:`decimal.Decimal`. A ``ratio``
  may also be an exact fraction ``"2/3"``, loaded as :class:`fractions.Fraction` (0.6667 would
  wrongly reject 6 experts out of 9);
* warning levels (integer or decimal units): ``{"blue": 7, "yellow": 15, "orange": 30,
  "red": 60}`` — one threshold per early-warning level (some may be left out), monotonic
  (rising for "late by", falling for "days left");
* ``time_range``: ``{"start": "22:00", "end": "06:00"}`` (may cross midnight);
* ``bool``: ``true``/``false``; ``text``: a non-empty string.

``effective_to`` is the last day on which a rule applies (inclusive); ``null`` means open-ended.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"

#: Regions, most general first. A more specific region overrides a more general one.
REGIONS: tuple[str, ...] = ("national", "beijing", "daxing")

#: For each region, the regions to consult in order (most specific first).
REGION_CHAIN: dict[str, tuple[str, ...]] = {
    "national": ("national",),
    "beijing": ("beijing", "national"),
    "daxing": ("daxing", "beijing", "national"),
}

INTEGER_UNITS = frozenset(
    {"day", "working_day", "month", "year", "hour", "minute", "count", "season"},
)
DECIMAL_UNITS = frozenset({"ratio", "db_a", "ug_m3", "points", "yuan", "factor"})
OTHER_UNITS = frozenset({"time_range", "bool", "text"})
UNITS = INTEGER_UNITS | DECIMAL_UNITS | OTHER_UNITS

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_DECIMAL_STRING = re.compile(r"^-?\d+(\.\d+)?$")
_FRACTION_STRING = re.compile(r"^\d+/[1-9]\d*$")
_TIME_OF_DAY = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

REQUIRED_KEYS = frozenset(
    {
        "code",
        "name",
        "value",
        "unit",
        "reference",
        "effective_from",
        "effective_to",
        "verified",
    }
)
OPTIONAL_KEYS = frozenset({"note", "region"})
RANGE_KEYS = frozenset({"min", "max"})
LEVEL_KEYS = ("blue", "yellow", "orange", "red")  # early-warning levels 蓝/黄/橙/红


class RuleDataError(ValueError):
    """A rule file cannot be read into rule specs (bad JSON, missing keys, bad dates)."""


@dataclass(frozen=True)
class RuleSpec:
    """One rule as written in a rule file.

    ``value`` is the parsed JSON value; decimal strings of decimal units are converted to
    ``Decimal`` (``Fraction`` for ``"a/b"`` ratios), also inside ``{"min", "max"}`` ranges.
    ``source`` is the file name the rule came from (e.g. ``"beijing.json"``).
    """

    code: str
    name: str
    value: Any
    unit: str
    reference: str
    effective_from: date
    effective_to: date | None
    verified: bool
    note: str
    region: str
    source: str

    def is_effective_on(self, day: date) -> bool:
        """Whether the rule applies on ``day`` (both ends inclusive)."""
        if day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to

    @property
    def label(self) -> str:
        """``source: code`` — how problems name this rule."""
        return f"{self.source}: {self.code}"


# --------------------------------------------------------------------------- loading


def load_rule_files(directory: Path | None = None) -> list[RuleSpec]:
    """Load every ``<region>.json`` file of ``directory`` (default: the packaged data).

    Files are read in ``REGIONS`` order, then any other ``*.json`` file in name order (so that
    ``validate`` can report it as an unknown region). Raises :class:`RuleDataError` when a file
    is not valid JSON or a rule lacks a required key or has a malformed date.
    """
    directory = Path(directory) if directory is not None else DATA_DIR
    if not directory.is_dir():
        raise RuleDataError(f"rule directory not found: {directory}")
    known = [directory / f"{region}.json" for region in REGIONS]
    others = sorted(p for p in directory.glob("*.json") if p not in known)
    specs: list[RuleSpec] = []
    for path in [p for p in known if p.is_file()] + others:
        specs.extend(load_rule_file(path))
    return specs


def load_rule_file(path: Path) -> list[RuleSpec]:
    """Load one rule file. See :func:`load_rule_files`."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RuleDataError(f"{path.name}: cannot read rule file: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list):
        raise RuleDataError(f'{path.name}: expected an object with a "rules" list')
    file_region = document.get("region")
    if not isinstance(file_region, str):
        raise RuleDataError(f'{path.name}: "region" must be a string')
    errors: list[str] = []
    specs: list[RuleSpec] = []
    for index, raw in enumerate(document["rules"]):
        where = f"{path.name}: rule #{index}"
        if isinstance(raw, dict) and isinstance(raw.get("code"), str):
            where = f"{where} ({raw['code']})"
        try:
            specs.append(_build_spec(raw, file_region=file_region, source=path.name))
        except RuleDataError as exc:
            errors.append(f"{where}: {exc}")
    if errors:
        raise RuleDataError("\n".join(errors))
    return specs


def _build_spec(raw: Any, *, file_region: str, source: str) -> RuleSpec:
    if not isinstance(raw, dict):
        raise RuleDataError("a rule must be a JSON object")
    missing = sorted(REQUIRED_KEYS - raw.keys())
    if missing:
        raise RuleDataError(f"missing keys: {', '.join(missing)}")
    unknown = sorted(raw.keys() - REQUIRED_KEYS - OPTIONAL_KEYS)
    if unknown:
        raise RuleDataError(f"unknown keys: {', '.join(unknown)}")
    for key in ("code", "name", "unit", "reference"):
        if not isinstance(raw[key], str):
            raise RuleDataError(f"{key} must be a string")
    if not isinstance(raw["verified"], bool):
        raise RuleDataError("verified must be true or false")
    note = raw.get("note", "")
    if note is None:
        note = ""
    if not isinstance(note, str):
        raise RuleDataError("note must be a string")
    region = raw.get("region", file_region)
    if not isinstance(region, str):
        raise RuleDataError("region must be a string")
    effective_from = _parse_date(raw["effective_from"], "effective_from")
    if effective_from is None:
        raise RuleDataError("effective_from must be an ISO date, not null")
    return RuleSpec(
        code=raw["code"],
        name=raw["name"],
        value=convert_value(raw["value"], raw["unit"]),
        unit=raw["unit"],
        reference=raw["reference"],
        effective_from=effective_from,
        effective_to=_parse_date(raw["effective_to"], "effective_to"),
        verified=raw["verified"],
        note=note,
        region=region,
        source=source,
    )


def _parse_date(raw: Any, key: str) -> date | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise RuleDataError(f"{key} must be an ISO date string")
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise RuleDataError(f"{key} is not an ISO date: {raw!r}") from exc


def convert_value(value: Any, unit: str) -> Any:
    """Convert a JSON rule value to its Python form (see the module docstring).

    Decimal strings of decimal units become ``Decimal``, ``"a/b"`` ratios become ``Fraction``,
    also inside ``{"min", "max"}`` ranges; anything else is returned unchanged. Use this for
    values read back from the database too, so that every reader converts the same way.
    """
    if unit not in DECIMAL_UNITS:
        return value
    if isinstance(value, dict):
        return {key: _convert_number(item, unit) for key, item in value.items()}
    return _convert_number(value, unit)


def _convert_number(item: Any, unit: str) -> Any:
    if isinstance(item, str):
        if _DECIMAL_STRING.match(item):
            return Decimal(item)
        if unit == "ratio" and _FRACTION_STRING.match(item):
            return Fraction(item)
    return item  # left as is; validate() reports it


# --------------------------------------------------------------------------- validation


def validate(specs: Iterable[RuleSpec]) -> list[str]:
    """Return a list of human-readable problems (empty when the rule data is sound)."""
    specs = list(specs)
    problems: list[str] = []
    for spec in specs:
        problems.extend(f"{spec.label}: {problem}" for problem in _check_spec(spec))
    problems.extend(_check_overlaps(specs))
    return problems


def _check_spec(spec: RuleSpec) -> list[str]:
    problems: list[str] = []
    if not CODE_PATTERN.match(spec.code):
        problems.append(f"bad code {spec.code!r}: expected dotted lowercase words")
    if not spec.name.strip():
        problems.append("empty name")
    if not spec.reference.strip():
        problems.append("empty reference")
    if spec.region not in REGIONS:
        problems.append(f"unknown region {spec.region!r}")
    expected_region = Path(spec.source).stem
    if spec.region != expected_region:
        problems.append(f"region {spec.region!r} does not match file {spec.source!r}")
    if spec.effective_to is not None and spec.effective_from > spec.effective_to:
        problems.append(
            f"effective_from {spec.effective_from} is after effective_to {spec.effective_to}"
        )
    if spec.unit not in UNITS:
        problems.append(f"unknown unit {spec.unit!r}")
    else:
        problems.extend(_check_value(spec.value, spec.unit))
    return problems


def _check_value(value: Any, unit: str) -> list[str]:
    if unit in INTEGER_UNITS or unit in DECIMAL_UNITS:
        if isinstance(value, dict):
            if value and set(value) <= set(LEVEL_KEYS):
                return _check_levels(value, unit)
            return _check_range(value, unit)
        return _check_number(value, unit)
    if unit == "time_range":
        return _check_time_range(value)
    if unit == "bool":
        return [] if isinstance(value, bool) else [f"value {value!r} is not true/false"]
    # text
    if not isinstance(value, str) or not value.strip():
        return [f"value {value!r} is not a non-empty string"]
    return []


def _check_number(value: Any, unit: str) -> list[str]:
    if unit in INTEGER_UNITS:
        if isinstance(value, bool) or not isinstance(value, int):
            return [f"value {value!r} must be an integer for unit {unit!r}"]
    elif isinstance(value, float):
        return [f"value {value!r} is a JSON float; write it as a decimal string"]
    elif not isinstance(value, Decimal | Fraction):
        return [f"value {value!r} is not a decimal string for unit {unit!r}"]
    if value < 0:
        return [f"value {value} is negative"]
    if unit == "ratio" and value > 1:
        return [f"ratio {value} is outside [0, 1]"]
    return []


def _check_range(value: dict[str, Any], unit: str) -> list[str]:
    if set(value) != RANGE_KEYS:
        return [f"range {value!r} must have exactly the keys min and max"]
    problems = _check_number(value["min"], unit) + _check_number(value["max"], unit)
    if not problems and value["min"] > value["max"]:
        problems.append(f"range min {value['min']} is greater than max {value['max']}")
    return problems


def _check_levels(value: dict[str, Any], unit: str) -> list[str]:
    problems = [p for key in LEVEL_KEYS if key in value for p in _check_number(value[key], unit)]
    if problems:
        return problems
    ordered = [value[key] for key in LEVEL_KEYS if key in value]
    pairs = list(zip(ordered, ordered[1:], strict=False))
    if not (all(a <= b for a, b in pairs) or all(a >= b for a, b in pairs)):
        problems.append(f"warning levels {value!r} must rise or fall from blue to red")
    return problems


def _check_time_range(value: Any) -> list[str]:
    if not isinstance(value, dict) or set(value) != {"start", "end"}:
        return [f"time range {value!r} must be an object with start and end"]
    problems = []
    for key in ("start", "end"):
        if not isinstance(value[key], str) or not _TIME_OF_DAY.match(value[key]):
            problems.append(f"time range {key} {value[key]!r} is not HH:MM")
    return problems


def _check_overlaps(specs: list[RuleSpec]) -> list[str]:
    groups: dict[tuple[str, str], list[RuleSpec]] = defaultdict(list)
    for spec in specs:
        groups[(spec.region, spec.code)].append(spec)
    problems = []
    for (region, code), group in groups.items():
        group.sort(key=lambda spec: spec.effective_from)
        for index, earlier in enumerate(group):
            for later in group[index + 1 :]:
                if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
                    problems.append(
                        f"{region}: {code}: effective periods overlap "
                        f"({_period(earlier)} and {_period(later)})"
                    )
    return problems


def _period(spec: RuleSpec) -> str:
    end = spec.effective_to.isoformat() if spec.effective_to else "open"
    return f"{spec.effective_from.isoformat()}..{end}"
