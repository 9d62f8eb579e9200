"""Routing engine: from needs and intake slots to KIM goals and referral suggestions.

The rules live in ``data/routing.yml`` (data an operator edits, not code; its header
documents the format). This module loads and validates that table and evaluates it.

    table = load_routing_table()                # data/routing.yml next to this package
    routing = table.route(
        needs=["need_housing", "need_work"],
        age=34,
        receives_benefits="buergergeld",
        residence_status="residence_permit",
        family=None,                            # optional flags, see FLAGS
    )
    routing.as_dict()
    # {"goals": [{"code": "basic_needs", "rule": "goal.need_housing"}, ...],
    #  "referrals": [{"code": "jobcenter", "rule": "jobcenter.buergergeld_work"}, ...]}

Semantics
- A rule fires when all its conditions hold. Rules are evaluated top to bottom; each
  code is suggested once, by the first rule that suggests it; suggestions keep the order
  of the table (stable, deterministic).
- Unknown is never guessed: an ``age`` condition never holds when the age is unknown;
  a flag condition never holds when the flag is not set. ``receives_benefits`` /
  ``residence_status`` of ``None`` (not asked) count as the contract value ``unknown``.
- The result is a suggestion for a case manager, who confirms or changes it.

Only stdlib + PyYAML: imported by the rasa-sdk action server (pydantic v1) and the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, NoReturn, Optional, Union

import yaml

from . import contract

__all__ = [
    "DEFAULT_TABLE_PATH",
    "FLAGS",
    "CONDITION_KEYS",
    "Condition",
    "Rule",
    "Routing",
    "RoutingTable",
    "Suggestion",
    "load_routing_table",
]

#: ``data/routing.yml`` of this repository, found relative to this file.
DEFAULT_TABLE_PATH = Path(__file__).resolve().parent.parent / "data" / "routing.yml"

#: Extra facts the dialogue may pass to ``route()`` as keyword arguments (True/False/None).
#: They are not intake slots; the table may only use flags listed here.
FLAGS: Mapping[str, str] = {
    "family": "the person asks for their child / family (Kita, children's school)",
    "asylum_refused": "the person's asylum claim was refused",
}

SUPPORTED_VERSIONS = (1,)

_TOP_KEYS = ("version", "rules")
_RULE_KEYS = ("id", "description", "when", "suggest")
_SUGGEST_KEYS = ("goals", "referrals")
CONDITION_KEYS = (
    "needs_any",
    "needs_all",
    "needs_none",
    "age",
    "receives_benefits_in",
    "receives_benefits_not_in",
    "residence_status_in",
    "residence_status_not_in",
    "min_legal_areas",
    "flags",
)
_AGE_KEYS = ("min", "max")
_RULE_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
_UNKNOWN = "unknown"


# ----------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Suggestion:
    """One suggested goal or referral code and the id of the rule that produced it."""

    code: str
    rule: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "rule": self.rule}


@dataclass(frozen=True)
class Routing:
    """The suggestions for one person. ``matched_rules``: every rule that fired, in
    table order (including those whose code an earlier rule had already suggested)."""

    goals: list[Suggestion] = field(default_factory=list)
    referrals: list[Suggestion] = field(default_factory=list)
    matched_rules: tuple[str, ...] = ()

    @property
    def goal_codes(self) -> list[str]:
        return [s.code for s in self.goals]

    @property
    def referral_codes(self) -> list[str]:
        return [s.code for s in self.referrals]

    def as_dict(self) -> dict[str, list[dict[str, str]]]:
        """The ``goals`` / ``referrals`` fields of the intake record (docs/interfaces.md)."""
        return {
            "goals": [s.as_dict() for s in self.goals],
            "referrals": [s.as_dict() for s in self.referrals],
        }


# ------------------------------------------------------------------------------- rules
@dataclass(frozen=True)
class _Facts:
    """Normalised input of one ``route()`` call."""

    needs: frozenset[str]
    age: Optional[int]
    receives_benefits: str
    residence_status: str
    flags: Mapping[str, Optional[bool]]
    legal_areas: int


@dataclass(frozen=True)
class Condition:
    """All conditions of a rule; ``None`` means "no condition of this kind"."""

    needs_any: Optional[frozenset[str]] = None
    needs_all: Optional[frozenset[str]] = None
    needs_none: Optional[frozenset[str]] = None
    age_min: Optional[int] = None
    age_max: Optional[int] = None
    has_age: bool = False
    receives_benefits_in: Optional[frozenset[str]] = None
    receives_benefits_not_in: Optional[frozenset[str]] = None
    residence_status_in: Optional[frozenset[str]] = None
    residence_status_not_in: Optional[frozenset[str]] = None
    min_legal_areas: Optional[int] = None
    flags: Optional[Mapping[str, bool]] = None

    def holds(self, f: _Facts) -> bool:
        if self.needs_any is not None and not (self.needs_any & f.needs):
            return False
        if self.needs_all is not None and not (self.needs_all <= f.needs):
            return False
        if self.needs_none is not None and (self.needs_none & f.needs):
            return False
        if self.has_age:
            if f.age is None:
                return False
            if self.age_min is not None and f.age < self.age_min:
                return False
            if self.age_max is not None and f.age > self.age_max:
                return False
        if self.receives_benefits_in is not None and f.receives_benefits not in self.receives_benefits_in:
            return False
        if self.receives_benefits_not_in is not None and f.receives_benefits in self.receives_benefits_not_in:
            return False
        if self.residence_status_in is not None and f.residence_status not in self.residence_status_in:
            return False
        if self.residence_status_not_in is not None and f.residence_status in self.residence_status_not_in:
            return False
        if self.min_legal_areas is not None and f.legal_areas < self.min_legal_areas:
            return False
        if self.flags is not None:
            for name, wanted in self.flags.items():
                if f.flags.get(name) is None or f.flags.get(name) != wanted:
                    return False
        return True


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    condition: Condition
    goals: tuple[str, ...]
    referrals: tuple[str, ...]


# ------------------------------------------------------------------------------- table
class RoutingTable:
    """A validated routing table. Build with ``load_routing_table`` or ``from_data``."""

    def __init__(self, rules: Iterable[Rule], source: str = "<routing table>") -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        self.source = source
        self._by_id = {r.id: r for r in self.rules}

    def __repr__(self) -> str:
        return f"RoutingTable({self.source!r}, {len(self.rules)} rules)"

    @property
    def rule_ids(self) -> list[str]:
        return [r.id for r in self.rules]

    def rule(self, rule_id: str) -> Rule:
        return self._by_id[rule_id]

    @classmethod
    def from_data(cls, data: Any, source: str = "<routing table>") -> "RoutingTable":
        """Validate parsed YAML; ``ValueError`` naming the rule id on any problem."""
        return cls(_parse_table(data, source), source)

    def route(
        self,
        needs: Iterable[str],
        age: Union[int, float, None] = None,
        receives_benefits: Optional[str] = None,
        residence_status: Optional[str] = None,
        **flags: Optional[bool],
    ) -> Routing:
        """Suggested goals and referrals for one person.

        ``needs``: need intents (contract), any order, duplicates ignored.
        ``age``: whole years or None (unknown). ``receives_benefits`` /
        ``residence_status``: contract values or None (not asked = ``unknown``).
        ``flags``: names from ``FLAGS``, each True / False / None (None = not known).
        Raises ``ValueError`` / ``TypeError`` for input outside the contract.
        """
        facts = _facts(needs, age, receives_benefits, residence_status, flags)
        goals: dict[str, Suggestion] = {}
        referrals: dict[str, Suggestion] = {}
        matched: list[str] = []
        for rule in self.rules:
            if not rule.condition.holds(facts):
                continue
            matched.append(rule.id)
            for code in rule.goals:
                goals.setdefault(code, Suggestion(code, rule.id))
            for code in rule.referrals:
                referrals.setdefault(code, Suggestion(code, rule.id))
        return Routing(list(goals.values()), list(referrals.values()), tuple(matched))


def load_routing_table(path: Union[str, Path, None] = None) -> RoutingTable:
    """Load and validate the routing table (default: the repository's data/routing.yml)."""
    p = Path(path) if path is not None else DEFAULT_TABLE_PATH
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"routing table {p}: cannot read: {exc}") from exc
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ValueError(f"routing table {p}: invalid YAML: {exc}") from exc
    return RoutingTable.from_data(data, str(p))


# ------------------------------------------------------------------------ input checks
def _facts(
    needs: Iterable[str],
    age: Union[int, float, None],
    receives_benefits: Optional[str],
    residence_status: Optional[str],
    flags: Mapping[str, Optional[bool]],
) -> _Facts:
    if isinstance(needs, (str, bytes)) or not isinstance(needs, Iterable):
        raise TypeError(f"needs must be a list of need intents, not {type(needs).__name__}")
    need_set = frozenset(needs)
    unknown = sorted(n for n in need_set if n not in contract.NEED_GOAL)
    if unknown:
        raise ValueError(f"not need intents of the contract: {unknown}")

    if age is not None:
        if isinstance(age, bool) or not isinstance(age, (int, float)):
            raise ValueError(f"age must be whole years or None, not {age!r}")
        if isinstance(age, float):
            if not age.is_integer():
                raise ValueError(f"age must be whole years, not {age!r}")
            age = int(age)
        if age < 0:
            raise ValueError(f"age must not be negative: {age!r}")

    benefits = _slot_value("receives_benefits", receives_benefits, contract.RECEIVES_BENEFITS)
    status = _slot_value("residence_status", residence_status, contract.RESIDENCE_STATUS)

    bad = sorted(set(flags) - set(FLAGS))
    if bad:
        raise TypeError(f"unknown routing flags {bad} (known: {sorted(FLAGS)})")
    for name, value in flags.items():
        if value is not None and not isinstance(value, bool):
            raise ValueError(f"flag {name} must be True, False or None, not {value!r}")

    areas = len({contract.NEED_GOAL[n] for n in need_set})
    return _Facts(need_set, age, benefits, status, dict(flags), areas)


def _slot_value(name: str, value: Optional[str], allowed: tuple[str, ...]) -> str:
    if value is None:
        return _UNKNOWN
    if value not in allowed:
        raise ValueError(f"{name} must be one of {list(allowed)} or None, not {value!r}")
    return value


# ------------------------------------------------------------------------- validation
class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys (YAML silently keeps the last one)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _Problem(ValueError):
    pass


def _parse_table(data: Any, source: str) -> list[Rule]:
    def fail(msg: str) -> NoReturn:
        raise ValueError(f"routing table {source}: {msg}")

    if not isinstance(data, dict):
        fail("the top level must be a mapping with 'version' and 'rules'")
    extra = sorted(set(map(str, data)) - set(_TOP_KEYS))
    if extra:
        fail(f"unknown top-level keys {extra} (allowed: {list(_TOP_KEYS)})")
    if data.get("version") not in SUPPORTED_VERSIONS:
        fail(f"'version' must be one of {list(SUPPORTED_VERSIONS)}, not {data.get('version')!r}")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        fail("'rules' must be a non-empty list")

    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_rules, start=1):
        label = f"rule #{index}"
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            label = f"rule '{raw['id']}'"
        try:
            rule = _parse_rule(raw)
        except _Problem as exc:
            fail(f"{label}: {exc}")
        if rule.id in seen:
            fail(f"{label}: duplicate rule id '{rule.id}'")
        seen.add(rule.id)
        rules.append(rule)
    return rules


def _parse_rule(raw: Any) -> Rule:
    if not isinstance(raw, dict):
        raise _Problem("a rule must be a mapping with id, description, when, suggest")
    extra = sorted(set(map(str, raw)) - set(_RULE_KEYS))
    if extra:
        raise _Problem(f"unknown keys {extra} (allowed: {list(_RULE_KEYS)})")
    missing = [k for k in _RULE_KEYS if k not in raw]
    if missing:
        raise _Problem(f"missing keys {missing}")
    rule_id = raw["id"]
    if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
        raise _Problem(
            f"id {rule_id!r} must be lowercase letters, digits, '_' and '.' (e.g. 'jmd.age')"
        )
    description = raw["description"]
    if not isinstance(description, str) or not description.strip():
        raise _Problem("'description' must be a non-empty text")

    condition = _parse_condition(raw["when"])

    suggest = raw["suggest"]
    if not isinstance(suggest, dict):
        raise _Problem("'suggest' must be a mapping with 'goals' and/or 'referrals'")
    extra = sorted(set(map(str, suggest)) - set(_SUGGEST_KEYS))
    if extra:
        raise _Problem(f"unknown keys in 'suggest' {extra} (allowed: {list(_SUGGEST_KEYS)})")
    goals = _codes(suggest.get("goals", []), contract.GOALS, "goal code", "suggest.goals", allow_empty=True)
    referrals = _codes(
        suggest.get("referrals", []), contract.REFERRALS, "referral code", "suggest.referrals", allow_empty=True
    )
    if not goals and not referrals:
        raise _Problem("'suggest' must name at least one goal or referral")
    return Rule(rule_id, description.strip(), condition, tuple(goals), tuple(referrals))


def _parse_condition(when: Any) -> Condition:
    if not isinstance(when, dict) or not when:
        raise _Problem(
            "'when' must be a non-empty mapping of conditions (a rule without conditions "
            f"would fire for everyone); allowed: {list(CONDITION_KEYS)}"
        )
    extra = sorted(set(map(str, when)) - set(CONDITION_KEYS))
    if extra:
        raise _Problem(f"unknown condition {extra} (allowed: {list(CONDITION_KEYS)})")

    kw: dict[str, Any] = {}
    for key in ("needs_any", "needs_all", "needs_none"):
        if key in when:
            kw[key] = frozenset(_codes(when[key], contract.NEED_INTENTS, "need intent", key))
    for key, allowed in (
        ("receives_benefits_in", contract.RECEIVES_BENEFITS),
        ("receives_benefits_not_in", contract.RECEIVES_BENEFITS),
        ("residence_status_in", contract.RESIDENCE_STATUS),
        ("residence_status_not_in", contract.RESIDENCE_STATUS),
    ):
        if key in when:
            kw[key] = frozenset(_codes(when[key], allowed, "value", key))

    if "age" in when:
        age = when["age"]
        if not isinstance(age, dict) or not age:
            raise _Problem("'age' must be a mapping with 'min' and/or 'max' (whole years)")
        extra = sorted(set(map(str, age)) - set(_AGE_KEYS))
        if extra:
            raise _Problem(f"unknown keys in 'age' {extra} (allowed: {list(_AGE_KEYS)})")
        for k in _AGE_KEYS:
            if k in age and (isinstance(age[k], bool) or not isinstance(age[k], int) or age[k] < 0):
                raise _Problem(f"age.{k} must be a whole number >= 0, not {age[k]!r}")
        if "min" in age and "max" in age and age["min"] > age["max"]:
            raise _Problem(f"age.min ({age['min']}) is greater than age.max ({age['max']})")
        kw.update(has_age=True, age_min=age.get("min"), age_max=age.get("max"))

    if "min_legal_areas" in when:
        n = when["min_legal_areas"]
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= len(contract.GOALS):
            raise _Problem(f"min_legal_areas must be a whole number from 1 to {len(contract.GOALS)}, not {n!r}")
        kw["min_legal_areas"] = n

    if "flags" in when:
        flags = when["flags"]
        if not isinstance(flags, dict) or not flags:
            raise _Problem("'flags' must be a mapping like {family: true}")
        for name, value in flags.items():
            if name not in FLAGS:
                raise _Problem(f"unknown flag {name!r} (known: {sorted(FLAGS)})")
            if not isinstance(value, bool):
                raise _Problem(f"flag {name} must be true or false, not {value!r}")
        kw["flags"] = dict(flags)

    return Condition(**kw)


def _codes(value: Any, allowed: Iterable[str], what: str, key: str, allow_empty: bool = False) -> list[str]:
    allowed = tuple(allowed)
    if not isinstance(value, list) or (not value and not allow_empty):
        raise _Problem(f"'{key}' must be a {'' if allow_empty else 'non-empty '}list")
    out: list[str] = []
    for item in value:
        if not isinstance(item, str) or item not in allowed:
            raise _Problem(f"unknown {what} {item!r} in '{key}' (known: {', '.join(allowed)})")
        if item in out:
            raise _Problem(f"{what} {item!r} listed twice in '{key}'")
        out.append(item)
    return out
