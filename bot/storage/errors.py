"""Errors the repositories raise when a caller asks for something it may not do."""

from __future__ import annotations


class DraftNotFound(LookupError):
    """No such draft for this owner; said the same way whether it is absent or someone else's."""

    def __init__(self, *, draft_id: int) -> None:
        super().__init__(f"draft {draft_id} not found for this owner")
        self.draft_id = draft_id


class DraftNotEditable(ValueError):
    """The draft's status does not allow the change (e.g. editing a submitted draft)."""

    def __init__(self, *, draft_id: int, status: str, action: str) -> None:
        super().__init__(f"draft {draft_id} is {status}: cannot {action}")
        self.draft_id = draft_id
        self.status = status
        self.action = action


class UserNotFound(LookupError):
    """No user row with this id; create it first with `users_repo.get_or_create`."""

    def __init__(self, *, owner_id: int) -> None:
        super().__init__(f"user {owner_id} not found")
        self.owner_id = owner_id
