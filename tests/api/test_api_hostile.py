"""The shared hostile corpus (tests/hostile.py) in every free-text field of an intake, on SQLite and PostgreSQL.

What the action server may send from what a person typed: the need in their words, a nickname,
a district. Each is stored and read back as sent (a one-line field without the spaces around
it), or refused with a 4xx that names no value; never a 5xx. (How the case page shows such text: tests/ui/test_ui_security.py.)
"""
from __future__ import annotations

import pytest

from tests.hostile import HOSTILE, MEGABYTE

FIELDS = {
    "need": lambda text: {"needs": [{"intent": "need_housing", "text": text, "confidence": 0.9}]},
    "nickname": lambda text: {"nickname": text},
    "district": lambda text: {"district": text},
}
CORPUS = {**HOSTILE, "1 MB": MEGABYTE}


def stored_value(record: dict, field: str):
    return record["needs"][0]["text"] if field == "need" else record[field]


@pytest.mark.parametrize("field", list(FIELDS))
@pytest.mark.parametrize("text", list(CORPUS.values()), ids=list(CORPUS))
def test_hostile_text_is_stored_as_sent_or_refused_cleanly(submit, client, as_user, field: str, text: str) -> None:
    response = submit(**FIELDS[field](text))
    assert response.status_code < 500, response.text[:300]
    if response.status_code != 201:
        assert response.status_code in (413, 422)
        assert len(text) < 8 or text not in response.text  # the input is not echoed back
        return
    record = client.get(f"/api/intakes/{response.json()['id']}", headers=as_user("cm_sozialamt")).json()
    assert stored_value(record, field) == (text if field == "need" else text.strip())

