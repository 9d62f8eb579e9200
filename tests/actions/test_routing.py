"""Routing table + engine (issue 3, "Routing"): table-driven tests.

Every rule of data/routing.yml has cases that must hit it and cases that must not
(CASES below; a meta-test enforces both for every rule id). Offline, no Rasa needed.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # import the repo's `actions`, whatever pytest's rootdir
    sys.path.insert(0, str(ROOT))

from actions import contract  # noqa: E402
from actions.routing import (  # noqa: E402
    DEFAULT_TABLE_PATH,
    FLAGS,
    Routing,
    RoutingTable,
    Suggestion,
    load_routing_table,
)

TABLE_PATH = ROOT / "data" / "routing.yml"
RESPONSES = ROOT / "data" / "responses"


@pytest.fixture(scope="module")
def table() -> RoutingTable:
    return load_routing_table()


def person(needs=(), age=None, benefits=None, status=None, **flags):
    return dict(needs=list(needs), age=age, receives_benefits=benefits, residence_status=status, **flags)


# --------------------------------------------------------------------------- the cases
# (rule id, case name, person, should the rule fire?)
HIT, MISS = True, False
CASES = []


def case(rule, name, hit, **p):
    CASES.append(pytest.param(rule, p, hit, id=f"{rule}:{'hit' if hit else 'miss'}:{name}"))


# goal.<need>: each need intent gives its contract goal, nothing else does.
for _need in contract.NEED_INTENTS:
    case(f"goal.{_need}", "alone", HIT, needs=[_need])
    case(f"goal.{_need}", "among_others", HIT, needs=["need_network", _need, "need_perspective"])
    _other = next(n for n in contract.NEED_INTENTS if contract.NEED_GOAL[n] != contract.NEED_GOAL[_need])
    case(f"goal.{_need}", "other_need", MISS, needs=[_other], age=30, benefits="buergergeld")
    case(f"goal.{_need}", "no_needs", MISS, needs=[], age=30)

# Ausländerbehörde
R = "auslaenderbehoerde.duldung"
case(R, "duldung_no_need", HIT, needs=[], status="duldung")
case(R, "duldung_housing", HIT, needs=["need_housing"], age=40, status="duldung")
case(R, "duldung_unknown_age", HIT, needs=["need_work"], status="duldung")
case(R, "asylum_pending", MISS, needs=["need_residence"], status="asylum_pending")
case(R, "residence_permit", MISS, needs=["need_residence"], status="residence_permit")
case(R, "status_unknown", MISS, needs=["need_residence"], status="unknown")
case(R, "status_not_asked", MISS, needs=["need_residence"])

R = "auslaenderbehoerde.asylum_refused"
case(R, "refused", HIT, needs=[], asylum_refused=True)
case(R, "refused_status_unknown", HIT, needs=["need_money"], status="unknown", asylum_refused=True)
case(R, "not_refused", MISS, needs=["need_residence"], status="asylum_pending", asylum_refused=False)
case(R, "flag_not_set", MISS, needs=["need_residence"], status="asylum_pending")
case(R, "flag_none", MISS, needs=["need_residence"], asylum_refused=None)

R = "auslaenderbehoerde.residence_permit"
for _s in ("residence_permit", "settlement_permit", "temporary_protection_24"):
    case(R, _s, HIT, needs=["need_residence"], status=_s)
case(R, "no_residence_need", MISS, needs=["need_housing"], status="residence_permit")
for _s in ("asylum_pending", "german", "eu_citizen", "unknown"):
    case(R, _s, MISS, needs=["need_residence"], status=_s)
case(R, "status_not_asked", MISS, needs=["need_residence"])

R = "einbuergerung.naturalisation"
case(R, "naturalisation", HIT, needs=["need_naturalisation"])
case(R, "naturalisation_settled", HIT, needs=["need_naturalisation", "need_work"], age=40, status="settlement_permit")
case(R, "residence_only", MISS, needs=["need_residence"], status="settlement_permit")
case(R, "no_needs", MISS, needs=[], status="settlement_permit")

# Jobcenter / Agentur für Arbeit / Sozialamt
R = "jobcenter.buergergeld_work"
case(R, "buergergeld_work", HIT, needs=["need_work"], age=35, benefits="buergergeld")
case(R, "buergergeld_work_unknown_age", HIT, needs=["need_work", "need_housing"], benefits="buergergeld")
case(R, "buergergeld_no_work", MISS, needs=["need_language_course"], benefits="buergergeld")
case(R, "work_no_benefits", MISS, needs=["need_work"], benefits="none")
case(R, "work_asylblg", MISS, needs=["need_work"], benefits="asylblg")
case(R, "work_benefits_unknown", MISS, needs=["need_work"], benefits="unknown")

R = "jobcenter.buergergeld_money"
case(R, "buergergeld_money", HIT, needs=["need_money"], benefits="buergergeld")
case(R, "buergergeld_housing_only", MISS, needs=["need_housing"], benefits="buergergeld")
case(R, "money_sgb12", MISS, needs=["need_money"], benefits="sgb12")
case(R, "money_not_asked", MISS, needs=["need_money"])

R = "arbeitsagentur.work_without_buergergeld"
for _b in ("none", "asylblg", "sgb12"):
    case(R, _b, HIT, needs=["need_work"], benefits=_b)
case(R, "buergergeld", MISS, needs=["need_work"], benefits="buergergeld")
case(R, "benefits_unknown", MISS, needs=["need_work"], benefits="unknown")
case(R, "benefits_not_asked", MISS, needs=["need_work"], age=30)
case(R, "education_only", MISS, needs=["need_education"], benefits="none")

R = "sozialamt.asylblg_sgb12_money"
case(R, "asylblg", HIT, needs=["need_money"], benefits="asylblg")
case(R, "sgb12", HIT, needs=["need_money", "need_health"], age=70, benefits="sgb12")
case(R, "buergergeld", MISS, needs=["need_money"], benefits="buergergeld")
case(R, "asylblg_no_money_need", MISS, needs=["need_language_course"], benefits="asylblg")
case(R, "benefits_unknown", MISS, needs=["need_money"], benefits="unknown", status="residence_permit")

R = "sozialamt.asylum_seeker_money"
case(R, "asylum_pending_benefits_unknown", HIT, needs=["need_money"], benefits="unknown", status="asylum_pending")
case(R, "duldung_benefits_not_asked", HIT, needs=["need_money"], status="duldung")
case(R, "benefits_known_none", MISS, needs=["need_money"], benefits="none", status="asylum_pending")
case(R, "residence_permit", MISS, needs=["need_money"], status="residence_permit")
case(R, "no_money_need", MISS, needs=["need_housing"], status="asylum_pending")

# Jugendamt
R = "jugendamt.family_education"
case(R, "family_education", HIT, needs=["need_education"], age=34, family=True)
case(R, "family_education_unknown_age", HIT, needs=["need_education", "need_money"], family=True)
case(R, "education_no_family_flag", MISS, needs=["need_education"], age=34)
case(R, "education_family_false", MISS, needs=["need_education"], age=34, family=False)
case(R, "family_housing_only", MISS, needs=["need_housing"], age=34, family=True)

R = "jugendamt.minor"
case(R, "age_15_school", HIT, needs=["need_education"], age=15)
case(R, "age_17_housing", HIT, needs=["need_housing"], age=17)
case(R, "age_16_mental_health", HIT, needs=["need_mental_health"], age=16)
case(R, "age_18", MISS, needs=["need_education"], age=18)
case(R, "age_unknown", MISS, needs=["need_education"])
case(R, "age_15_network_only", MISS, needs=["need_network"], age=15)

# JMD / MBE: the age bands; unknown age fires neither.
R = "jmd.age"
for _a in (12, 20, 27):
    case(R, f"age_{_a}", HIT, needs=["need_language_course"], age=_a)
case(R, "age_25_no_needs", HIT, needs=[], age=25)
case(R, "age_float_slot", HIT, needs=["need_work"], age=19.0)
for _a in (11, 28, 60):
    case(R, f"age_{_a}", MISS, needs=["need_language_course"], age=_a)
case(R, "age_unknown", MISS, needs=["need_language_course"], benefits="none", status="residence_permit")

R = "mbe.age"
for _a in (28, 45, 90):
    case(R, f"age_{_a}", HIT, needs=["need_language_course"], age=_a)
for _a in (27, 16):
    case(R, f"age_{_a}", MISS, needs=["need_language_course"], age=_a)
case(R, "age_unknown", MISS, needs=["need_language_course"])

# KIM case management
R = "kim.multi_area"
case(R, "housing_and_work", HIT, needs=["need_housing", "need_work"])
case(R, "language_and_health", HIT, needs=["need_language_course", "need_health"], age=50)
case(R, "three_areas", HIT, needs=["need_residence", "need_money", "need_network"])
case(R, "one_need", MISS, needs=["need_language_course"], age=30)
case(R, "two_needs_same_goal_basic", MISS, needs=["need_housing", "need_money"])
case(R, "two_needs_same_goal_residence", MISS, needs=["need_residence", "need_naturalisation"])
case(R, "two_needs_same_goal_work", MISS, needs=["need_work", "need_education"], age=30)

R = "kim.focus_housing"
case(R, "housing", HIT, needs=["need_housing"])
case(R, "housing_young", HIT, needs=["need_housing"], age=19)
case(R, "money_only", MISS, needs=["need_money"], benefits="buergergeld")

R = "kim.focus_mental_health"
case(R, "mental_health", HIT, needs=["need_mental_health"])
case(R, "health_only", MISS, needs=["need_health"])

R = "kim.focus_health"
case(R, "health", HIT, needs=["need_health"], age=40)
case(R, "mental_health_only", MISS, needs=["need_mental_health"])

R = "kim.focus_qualification"
case(R, "work_adult", HIT, needs=["need_work"], age=30)
case(R, "education_adult_18", HIT, needs=["need_education"], age=18)
case(R, "work_17", MISS, needs=["need_work"], age=17)
case(R, "education_age_unknown", MISS, needs=["need_education"])
case(R, "adult_language_only", MISS, needs=["need_language_course"], age=30)


@pytest.mark.parametrize("rule_id,p,hit", CASES)
def test_rule(table, rule_id, p, hit):
    assert rule_id in table.rule_ids, f"case for unknown rule {rule_id}"
    routing = table.route(**person(**p))
    assert (rule_id in routing.matched_rules) is hit, routing
    if hit:  # what it suggests is in the result, attributed to the first rule that said so
        rule = table.rule(rule_id)
        for code in rule.goals:
            assert code in routing.goal_codes
        for code in rule.referrals:
            assert code in routing.referral_codes
    else:  # a rule that did not fire is never named as a reason
        named = {s.rule for s in routing.goals + routing.referrals}
        assert rule_id not in named


def test_every_rule_has_hit_and_miss_cases(table):
    covered = {}
    for param in CASES:
        rule_id, _, hit = param.values
        covered.setdefault(rule_id, set()).add(hit)
    missing = {r: sorted({True, False} - covered.get(r, set())) for r in table.rule_ids}
    missing = {r: m for r, m in missing.items() if m}
    assert not missing, f"rules without hit (True) / miss (False) cases: {missing}"


# ------------------------------------------------------------ whole-routing expectations
@pytest.mark.parametrize(
    "p,goals,referrals",
    [
        pytest.param(
            dict(needs=["need_housing"], age=34, benefits="none", status="residence_permit"),
            [("basic_needs", "goal.need_housing")],
            [("mbe", "mbe.age"), ("kim_case_management", "kim.focus_housing")],
            id="adult_housing",
        ),
        pytest.param(
            dict(needs=["need_work", "need_housing"], age=34, benefits="buergergeld"),
            [("basic_needs", "goal.need_housing"), ("education_work", "goal.need_work")],
            [("jobcenter", "jobcenter.buergergeld_work"), ("mbe", "mbe.age"),
             ("kim_case_management", "kim.multi_area")],
            id="buergergeld_work_and_housing",
        ),
        pytest.param(
            dict(needs=["need_language_course"], age=19, status="duldung"),
            [("language", "goal.need_language_course")],
            [("auslaenderbehoerde", "auslaenderbehoerde.duldung"), ("jmd", "jmd.age")],
            id="young_duldung_language",
        ),
        pytest.param(
            dict(needs=["need_education"], age=16, status="asylum_pending"),
            [("education_work", "goal.need_education")],
            [("jugendamt", "jugendamt.minor"), ("jmd", "jmd.age")],
            id="minor_school",
        ),
        pytest.param(
            dict(needs=["need_naturalisation", "need_residence"], age=40, status="settlement_permit"),
            [("residence", "goal.need_residence")],
            [("auslaenderbehoerde", "auslaenderbehoerde.residence_permit"),
             ("einbuergerung", "einbuergerung.naturalisation"), ("mbe", "mbe.age")],
            id="naturalisation_one_area",
        ),
        pytest.param(
            dict(needs=["need_network"]),
            [("networks", "goal.need_network")],
            [],
            id="unknown_everything_no_referral",
        ),
        pytest.param(
            dict(needs=[], age=None),
            [],
            [],
            id="nothing",
        ),
    ],
)
def test_route_whole(table, p, goals, referrals):
    r = table.route(**person(**p))
    assert [(s.code, s.rule) for s in r.goals] == goals
    assert [(s.code, s.rule) for s in r.referrals] == referrals


def test_unknown_age_fires_no_age_rule(table):
    for needs in ([], ["need_work"], ["need_education"], ["need_housing", "need_language_course"]):
        r = table.route(needs, None, "none", "residence_permit", family=None)
        assert not {"jmd", "mbe"} & set(r.referral_codes)
        aged = {rule.id for rule in table.rules if rule.condition.has_age}
        assert not aged & set(r.matched_rules)


def test_jmd_mbe_bands_cover_every_known_age_from_12_without_overlap(table):
    for age in range(0, 121):
        codes = set(table.route([], age).referral_codes) & {"jmd", "mbe"}
        if age < contract.JMD_AGE_MIN:
            assert codes == set(), age
        elif age <= contract.JMD_AGE_MAX:
            assert codes == {"jmd"}, age
        else:
            assert age >= contract.MBE_AGE_MIN and codes == {"mbe"}, age


def test_each_need_gets_its_contract_goal(table):
    for need, goal in contract.NEED_GOAL.items():
        r = table.route([need])
        assert r.goals == [Suggestion(goal, f"goal.{need}")]


def test_every_code_reachable(table):
    goals = {c for rule in table.rules for c in rule.goals}
    referrals = {c for rule in table.rules for c in rule.referrals}
    assert goals == set(contract.GOALS)
    assert referrals == set(contract.REFERRALS)


def test_dedup_first_rule_wins_and_order_is_stable(table):
    needs = ["need_mental_health", "need_housing", "need_health", "need_housing"]
    r1 = table.route(needs, 30)
    r2 = table.route(list(reversed(needs)), 30)
    assert r1 == r2  # order of the needs does not matter; the table's order does
    assert r1.referral_codes.count("kim_case_management") == 1
    kim = next(s for s in r1.referrals if s.code == "kim_case_management")
    assert kim.rule == "kim.multi_area"
    assert {"kim.focus_housing", "kim.focus_health", "kim.focus_mental_health"} <= set(r1.matched_rules)
    table_order = [rule.id for rule in table.rules]
    assert [table_order.index(s.rule) for s in r1.referrals] == sorted(
        table_order.index(s.rule) for s in r1.referrals
    )


def test_as_dict_matches_intake_record_shape(table):
    r = table.route(["need_housing"], 34, "none", "residence_permit")
    d = r.as_dict()
    assert set(d) == {"goals", "referrals"}
    assert d["goals"] == [{"code": "basic_needs", "rule": "goal.need_housing"}]
    assert {"code": "kim_case_management", "rule": "kim.focus_housing"} in d["referrals"]
    for item in d["goals"] + d["referrals"]:
        assert set(item) == {"code", "rule"}
    assert Routing().as_dict() == {"goals": [], "referrals": []}


# ------------------------------------------------- conditions the real table does not use
MINI = {
    "version": 1,
    "rules": [
        {"id": "t.all", "description": "x", "when": {"needs_all": ["need_housing", "need_money"]},
         "suggest": {"goals": ["basic_needs"]}},
        {"id": "t.none", "description": "x",
         "when": {"needs_any": ["need_work"], "needs_none": ["need_education"]},
         "suggest": {"referrals": ["arbeitsagentur"]}},
        {"id": "t.benefits_not", "description": "x",
         "when": {"receives_benefits_not_in": ["buergergeld"]}, "suggest": {"referrals": ["mbe"]}},
        {"id": "t.status_not", "description": "x",
         "when": {"residence_status_not_in": ["german", "eu_citizen"]},
         "suggest": {"referrals": ["auslaenderbehoerde"]}},
        {"id": "t.family_false", "description": "x", "when": {"flags": {"family": False}},
         "suggest": {"referrals": ["jmd"]}},
    ],
}


@pytest.mark.parametrize(
    "p,fired",
    [
        (dict(needs=["need_housing", "need_money"], benefits="buergergeld", status="german"), {"t.all"}),
        (dict(needs=["need_housing"], benefits="buergergeld", status="german"), set()),
        (dict(needs=["need_work"], benefits="buergergeld", status="german"), {"t.none"}),
        (dict(needs=["need_work", "need_education"], benefits="buergergeld", status="german"), set()),
        # not asked counts as "unknown", which is not in the *_not_in lists
        (dict(needs=[]), {"t.benefits_not", "t.status_not"}),
        (dict(needs=[], benefits="none", status="eu_citizen"), {"t.benefits_not"}),
        (dict(needs=[], benefits="buergergeld", status="duldung"), {"t.status_not"}),
        # a false flag matches only an explicit False, never "not set"
        (dict(needs=[], benefits="buergergeld", status="german", family=False), {"t.family_false"}),
        (dict(needs=[], benefits="buergergeld", status="german", family=None), set()),
    ],
)
def test_other_conditions(p, fired):
    t = RoutingTable.from_data(MINI, "mini")
    assert set(t.route(**person(**p)).matched_rules) == fired


def test_engine_imports_without_rasa_or_pydantic():
    code = (
        "import sys, actions.routing, actions.contract; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'pydantic', 'rasa', 'rasa_sdk'}); "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


# ---------------------------------------------------------------------- input checking
@pytest.mark.parametrize(
    "kwargs,exc",
    [
        (dict(needs=["greet"]), ValueError),
        (dict(needs=["need_hosuing"]), ValueError),
        (dict(needs="need_housing"), TypeError),
        (dict(needs=[], age=-1), ValueError),
        (dict(needs=[], age=30.5), ValueError),
        (dict(needs=[], age="30"), ValueError),
        (dict(needs=[], age=True), ValueError),
        (dict(needs=[], receives_benefits="Bürgergeld"), ValueError),
        (dict(needs=[], residence_status="refugee"), ValueError),
        (dict(needs=[], famly=True), TypeError),
        (dict(needs=[], family="yes"), ValueError),
    ],
)
def test_route_rejects_input_outside_the_contract(table, kwargs, exc):
    with pytest.raises(exc):
        table.route(**kwargs)


# ------------------------------------------------------------------------ table checks
def test_real_table_loads():
    t = load_routing_table()
    assert DEFAULT_TABLE_PATH == TABLE_PATH
    assert load_routing_table(TABLE_PATH).rule_ids == t.rule_ids
    assert len(t.rule_ids) == len(set(t.rule_ids))
    for rule in t.rules:
        assert rule.description.strip()
    # goal rules exist for every need intent (ids are referenced by stored intakes)
    assert {f"goal.{n}" for n in contract.NEED_INTENTS} <= set(t.rule_ids)


def _raw():
    return yaml.safe_load(TABLE_PATH.read_text(encoding="utf-8"))


def _rule(data, rule_id):
    return next(r for r in data["rules"] if r["id"] == rule_id)


def _mutate(fn):
    data = copy.deepcopy(_raw())
    fn(data)
    return data


INVALID = [
    ("unknown_referral", "jmd.age", lambda d: _rule(d, "jmd.age")["suggest"].update(referrals=["jdm"]), "jdm"),
    ("unknown_goal", "goal.need_housing", lambda d: _rule(d, "goal.need_housing")["suggest"].update(goals=["housing"]), "housing"),
    ("unknown_intent", "kim.focus_housing", lambda d: _rule(d, "kim.focus_housing")["when"].update(needs_any=["need_flat"]), "need_flat"),
    ("conversation_intent", "kim.focus_housing", lambda d: _rule(d, "kim.focus_housing")["when"].update(needs_any=["greet"]), "greet"),
    ("unknown_condition", "mbe.age", lambda d: _rule(d, "mbe.age")["when"].update(age_min=28), "age_min"),
    ("unknown_rule_key", "mbe.age", lambda d: _rule(d, "mbe.age").update(then={}), "then"),
    ("unknown_suggest_key", "mbe.age", lambda d: _rule(d, "mbe.age")["suggest"].update(referral=["mbe"]), "referral"),
    ("unknown_benefit", "jobcenter.buergergeld_work", lambda d: _rule(d, "jobcenter.buergergeld_work")["when"].update(receives_benefits_in=["sgb2"]), "sgb2"),
    ("unknown_status", "auslaenderbehoerde.duldung", lambda d: _rule(d, "auslaenderbehoerde.duldung")["when"].update(residence_status_in=["tolerated"]), "tolerated"),
    ("unknown_flag", "jugendamt.family_education", lambda d: _rule(d, "jugendamt.family_education")["when"].update(flags={"kids": True}), "kids"),
    ("flag_not_bool", "jugendamt.family_education", lambda d: _rule(d, "jugendamt.family_education")["when"].update(flags={"family": "yes"}), "family"),
    ("age_min_gt_max", "jmd.age", lambda d: _rule(d, "jmd.age")["when"].update(age={"min": 27, "max": 12}), "age.min"),
    ("age_not_int", "jmd.age", lambda d: _rule(d, "jmd.age")["when"].update(age={"min": "12"}), "age.min"),
    ("age_unknown_key", "jmd.age", lambda d: _rule(d, "jmd.age")["when"].update(age={"from": 12}), "from"),
    ("min_legal_areas_zero", "kim.multi_area", lambda d: _rule(d, "kim.multi_area")["when"].update(min_legal_areas=0), "min_legal_areas"),
    ("empty_when", "mbe.age", lambda d: _rule(d, "mbe.age").update(when={}), "when"),
    ("empty_suggest", "mbe.age", lambda d: _rule(d, "mbe.age").update(suggest={"referrals": []}), "suggest"),
    ("missing_description", "mbe.age", lambda d: _rule(d, "mbe.age").pop("description"), "description"),
    ("blank_description", "mbe.age", lambda d: _rule(d, "mbe.age").update(description="  "), "description"),
    ("code_twice", "mbe.age", lambda d: _rule(d, "mbe.age")["suggest"].update(referrals=["mbe", "mbe"]), "twice"),
    ("needs_not_list", "kim.focus_health", lambda d: _rule(d, "kim.focus_health")["when"].update(needs_any="need_health"), "needs_any"),
    ("duplicate_id", "jmd.age", lambda d: d["rules"].append(copy.deepcopy(_rule(d, "jmd.age"))), "duplicate"),
    ("bad_id", "JMD Alter", lambda d: _rule(d, "jmd.age").update(id="JMD Alter"), "id"),
]


@pytest.mark.parametrize("name,rule_id,mutate,fragment", INVALID, ids=[i[0] for i in INVALID])
def test_invalid_table_rejected_naming_the_rule(name, rule_id, mutate, fragment):
    data = _mutate(mutate)
    with pytest.raises(ValueError) as err:
        RoutingTable.from_data(data, "test.yml")
    msg = str(err.value)
    assert f"rule '{rule_id}'" in msg, msg
    assert fragment in msg, msg
    assert "test.yml" in msg


@pytest.mark.parametrize(
    "data,fragment",
    [
        (None, "top level"),
        ({"version": 1}, "rules"),
        ({"version": 1, "rules": []}, "rules"),
        ({"version": 2, "rules": [{}]}, "version"),
        ({"version": 1, "rules": [{}], "extra": 1}, "extra"),
        ({"version": 1, "rules": ["jmd"]}, "rule #1"),
        ({"version": 1, "rules": [{"description": "x", "when": {"age": {"min": 1}}, "suggest": {"referrals": ["jmd"]}}]}, "rule #1"),
    ],
)
def test_invalid_table_structure(data, fragment):
    with pytest.raises(ValueError, match=re.escape(fragment)):
        RoutingTable.from_data(data)


def test_duplicate_yaml_keys_and_missing_file_rejected(tmp_path):
    text = TABLE_PATH.read_text(encoding="utf-8").replace(
        "    when: {age: {min: 28}}", "    when: {age: {min: 28}}\n    when: {age: {min: 30}}"
    )
    p = tmp_path / "routing.yml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate key 'when'"):
        load_routing_table(p)
    with pytest.raises(ValueError, match="cannot read"):
        load_routing_table(tmp_path / "missing.yml")


def test_flags_documented_in_table_header():
    header = TABLE_PATH.read_text(encoding="utf-8")
    for name in FLAGS:
        assert re.search(rf"^#\s+{name}\s", header, re.M), name


# ------------------------------------------------------------------------------ labels
def _labels(lang):
    p = RESPONSES / lang / "routing.yml"
    data = yaml.safe_load(p.read_text(encoding="utf-8"))
    assert set(data) == {"labels"}, f"{p}: only 'labels:' belongs in routing.yml"
    return data["labels"]


def expected_label_keys(table):
    return (
        {f"referral.{c}" for c in contract.REFERRALS}
        | {f"goal.{c}" for c in contract.GOALS}
        | {f"reason.{r}" for r in table.rule_ids}
    )


@pytest.mark.parametrize("lang", contract.LANGUAGES)
def test_every_rule_has_a_reason_label_in_every_language(table, lang):
    labels = _labels(lang)
    missing = sorted(f"reason.{r}" for r in table.rule_ids if not str(labels.get(f"reason.{r}", "")).strip())
    assert not missing, f"{lang}: missing {missing}"


@pytest.mark.parametrize("lang", contract.LANGUAGES)
def test_labels_complete_and_nothing_stale(table, lang):
    labels = _labels(lang)
    assert set(labels) == expected_label_keys(table), lang
    for key, text in labels.items():
        assert isinstance(text, str) and text.strip() == text and text, (lang, key)
        assert "{" not in text and "}" not in text, (lang, key)  # no placeholders here
        assert len(text) <= 160, (lang, key)  # short, for a chat


# Script checks: Arabic uses Arabic letters, Farsi Persian ones (ی ک, not ي ك), and
# Cyrillic texts are Cyrillic apart from German names in brackets.
ARABIC_ONLY = {"\u064a": "ي", "\u0643": "ك"}
PERSIAN_ONLY = {"\u06cc": "ی", "\u06a9": "ک", "\u067e": "پ", "\u0686": "چ", "\u0698": "ژ", "\u06af": "گ"}


@pytest.mark.parametrize("lang,script", [("ar", "ARABIC"), ("fa", "ARABIC"), ("uk", "CYRILLIC"), ("ru", "CYRILLIC")])
def test_labels_in_the_language_script(lang, script):
    for key, text in _labels(lang).items():
        outside = re.sub(r"\([^)]*\)", "", text)  # German names in brackets are fine
        outside = re.sub(r"\b(KIM|MBE|Jobcenter|Jugendamt|Bürgergeld|Duldung|Kita)\b", "", outside)
        letters = [ch for ch in outside if ch.isalpha()]
        assert letters and all(script in unicodedata.name(ch, "") for ch in letters), (lang, key, text)


def test_farsi_uses_persian_letters_and_arabic_arabic_letters():
    for key, text in _labels("fa").items():
        bad = [ARABIC_ONLY[c] for c in text if c in ARABIC_ONLY]
        assert not bad, ("fa", key, bad)
    for key, text in _labels("ar").items():
        bad = [PERSIAN_ONLY[c] for c in text if c in PERSIAN_ONLY]
        assert not bad, ("ar", key, bad)


def test_ukrainian_and_russian_are_not_mixed_up():
    uk_only, ru_only = set("іїєґ"), set("ыэъё")
    for key, text in _labels("uk").items():
        assert not ru_only & set(text.lower()), ("uk", key)
    for key, text in _labels("ru").items():
        assert not uk_only & set(text.lower()), ("ru", key)


def test_referral_labels_keep_the_german_name():
    for lang in contract.LANGUAGES:
        labels = _labels(lang)
        for code, german in (
            ("jmd", "Jugendmigrationsdienst"),
            ("jobcenter", "Jobcenter"),
            ("jugendamt", "Jugendamt"),
            ("sozialamt", "Sozialamt"),
            ("auslaenderbehoerde", "Ausländerbehörde"),
            ("einbuergerung", "Einbürgerungsstelle"),
            ("arbeitsagentur", "Agentur für Arbeit"),
        ):
            assert german in labels[f"referral.{code}"], (lang, code)
