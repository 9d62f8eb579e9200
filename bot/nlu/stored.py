"""A trainable Rasa component whose trained state is one file in the model archive."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

logger = logging.getLogger(__name__)


class StoredComponent(GraphComponent):
    """Subclasses name their file (`STATE_FILE`) and say how to write and read their state."""

    STATE_FILE = "state"

    def __init__(
        self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, state: Optional[Any] = None
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.state = state  # None until trained (or when the archive holds none)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "StoredComponent":
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "StoredComponent":
        try:
            with model_storage.read_from(resource) as directory:
                state = cls.read_state(directory / cls.STATE_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("%s: nothing trained in this model archive", cls.__name__)
            state = None
        return cls(config, model_storage, resource, state)

    def keep(self, state: Any) -> Resource:
        """Sets the trained state and writes it into the model archive."""
        self.state = state
        with self._model_storage.write_to(self._resource) as directory:
            self.write_state(directory / self.STATE_FILE, state)
        return self._resource

    @staticmethod
    def write_state(path: Path, state: Any) -> None:
        raise NotImplementedError

    @staticmethod
    def read_state(path: Path) -> Any:
        raise NotImplementedError
