"""Rasa 3.6 server speed-ups measured in bench/turn_bench.py (docs/benchmarks.md).

Installed when the Rasa server loads the REST channel (bot/channels/rest.py).

- **The action-answer check.** Rasa checks every action server answer with
  ``jsonschema.validate(answer, schema)``, which first validates the schema itself against its
  meta-schema and builds a new validator, on every action call: 43 % of the Rasa server's CPU
  per turn in the profile. Here the validator is built once and reused; the answer is checked
  against the same schema, with the same error text when it does not fit.
- **The domain sent with each action call.** Rasa sends the whole domain with every call
  (``domain.as_dict()`` rebuilt each time), and ours holds every response in seven languages
  (about nine tenths of it), which the action server never reads: Rasa renders the responses.
  Here the domain without its responses is built once per loaded model and reused.
- **JSON.** The calls are encoded with orjson instead of the standard library (the tracker and
  the domain: a sixth of the Rasa server's CPU per turn before the domain was trimmed).
- **Connections.** Rasa opens a new client session, and so a new TCP connection, for every call
  (two or three per turn). Here each endpoint keeps one session per event loop, whose idle
  connections are closed after `KEEPALIVE_SECONDS`, before the server would close them (Sanic's
  keep-alive is 5 s), so a call never goes out on a connection the server is closing. A
  connection to a server that died is closed by the kernel and not used again. No limit on
  connections at once (Rasa's one session per call had none).
"""
from __future__ import annotations

import asyncio
import json
from functools import lru_cache
from typing import Any, Dict, Optional, Text

import aiohttp
import orjson
from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

NOT_FOR_THE_ACTION_SERVER = ("responses",)
KEEPALIVE_SECONDS = 2.0


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


class _LeanDomain:
    """A domain whose `as_dict` leaves out what the action server does not read, built once."""

    _last: Optional[tuple] = None  # (the model's Domain, its lean dict): one model is loaded at a time

    def __init__(self, domain: Domain) -> None:
        self._domain = domain

    def __getattr__(self, name: str) -> Any:
        return getattr(self._domain, name)

    def as_dict(self) -> Dict[Text, Any]:
        last = _LeanDomain._last
        if last is None or last[0] is not self._domain:
            lean = {k: v for k, v in self._domain.as_dict().items() if k not in NOT_FOR_THE_ACTION_SERVER}
            last = _LeanDomain._last = (self._domain, lean)
        return last[1]


_rasa_action_call_format = RemoteAction._action_call_format


def action_call_format(self: RemoteAction, tracker: Any, domain: Domain) -> Dict[Text, Any]:
    return _rasa_action_call_format(self, tracker, _LeanDomain(domain))


def dumps(value: Any) -> str:
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # what orjson does not take (a non-string key, a big int) goes as before
        return json.dumps(value)


class _Kept:
    """What `EndpointConfig.session()` returns: the endpoint's kept session, not closed after a call."""

    def __init__(self, client: aiohttp.ClientSession) -> None:
        self._client = client

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._client

    async def __aexit__(self, *exc: Any) -> None:
        return None

    async def close(self) -> None:  # the session outlives its callers
        return None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def session(self: EndpointConfig) -> _Kept:
    loop = asyncio.get_running_loop()
    kept = self.__dict__.get("_wegweiser_sessions")
    if kept is None:
        kept = self.__dict__["_wegweiser_sessions"] = {}
    client = kept.get(loop)
    if client is None or client.closed:
        # As Rasa's EndpointConfig.session makes it, with the connector and the JSON encoder added.
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
        client = kept[loop] = aiohttp.ClientSession(
            headers=self.headers, auth=auth, timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(limit=0, keepalive_timeout=KEEPALIVE_SECONDS), json_serialize=dumps,
        )
    return _Kept(client)


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result
    RemoteAction._action_call_format = action_call_format
    EndpointConfig.session = session
