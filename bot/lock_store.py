"""A Redis lock store whose ticket changes are atomic across Rasa servers.

Rasa 3.6's `RedisLockStore` keeps one JSON "ticket lock" per conversation and changes it by
reading it, changing it in Python and writing it back (`issue_ticket`, `update_lock`,
`finish_serving`, `cleanup`). Between the read and the write another Rasa server can do the
same, and the later write wins: two messages of one conversation that arrive at two servers at
the same instant can both be given ticket 0 and run at once, and each saves the tracker it
read, so one of the two messages is lost (Rasa issue #9213; the fix, `ConcurrentRedisLockStore`,
was reverted from Rasa Open Source, PR #11428). A server finishing its turn could also delete
the lock while the other server had just queued on it.

Here every change is one optimistic Redis transaction (WATCH the conversation's key, read,
MULTI, write, EXEC; retried if the key changed in between), so the tickets of all servers are
issued one after another and a queued ticket is never dropped. The data in Redis is the same
as Rasa's, so servers can be switched over one by one.

    lock_store:
      type: bot.lock_store.AtomicRedisLockStore
      url: …   port: …   db: 1   key_prefix: wegweiser
"""
from __future__ import annotations

import json
from typing import Any, Callable, Optional, Text, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# What a change returns for the lock: the lock to store, DELETE to remove the key, KEEP to leave it.
DELETE = object()
KEEP = object()
Change = Callable[[Optional[TicketLock]], Tuple[Any, Any]]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def _change(self, conversation_id: Text, change: Change) -> Any:
        """Applies `change` to the stored lock atomically; returns the change's second value."""
        key = self.key_prefix + conversation_id
        outcome: dict = {}

        def apply(pipe: Any) -> None:  # re-run by redis-py if the key changed before EXEC
            serialised = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(serialised)) if serialised else None
            new_lock, outcome["value"] = change(lock)
            pipe.multi()
            if new_lock is DELETE:
                pipe.delete(key)
            elif new_lock is not KEEP:
                pipe.set(key, new_lock.dumps())

        self.red.transaction(apply, key)
        return outcome.get("value")

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as e:
            raise LockError(f"Error while acquiring lock. Error:\n{e}")

    def _edit(self, conversation_id: Text, edit: Callable[[TicketLock], None]) -> None:
        """Changes an existing lock in place, atomically; a lock that is gone stays gone."""

        def change(lock: Optional[TicketLock]) -> Tuple[Any, None]:
            if lock is None:
                return KEEP, None
            edit(lock)
            return lock, None

        self._change(conversation_id, change)

    def update_lock(self, conversation_id: Text) -> None:
        self._edit(conversation_id, TicketLock.remove_expired_tickets)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self._edit(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Removes the ticket, and the lock only if nobody queued on it meanwhile (one transaction)."""

        def finish_and_remove_if_idle(lock: Optional[TicketLock]) -> Tuple[Any, bool]:
            if lock is None:
                return KEEP, False
            lock.remove_ticket_for(ticket_number)
            if lock.is_someone_waiting():
                return lock, False
            return DELETE, True

        if self._change(conversation_id, finish_and_remove_if_idle):
            self._log_deletion(conversation_id, deletion_successful=True)
