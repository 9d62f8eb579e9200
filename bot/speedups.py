"""Rasa 3.6 server speed-ups measured in bench/turn_bench.py (docs/benchmarks.md).

Rasa checks every action server answer with ``jsonschema.validate(answer, schema)``, which
first validates the schema itself against its meta-schema and builds a new validator, on every
action call: 43 % of the Rasa server's CPU per turn in the profile. Here the validator is built
once and reused; the answer is checked against the same schema, with the same error text when it
does not fit. Installed when the Rasa server loads the REST channel (bot/channels/rest.py).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Text

from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def action_result_validator():
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    try:
        action_result_validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result
