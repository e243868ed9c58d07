"""What can go wrong in a use case, in terms a person can act on."""

from __future__ import annotations


class ServiceError(Exception):
    """Base class. ``describe()`` is safe to show to the person who asked."""

    def describe(self) -> str:
        return str(self)


class NotSignedIn(ServiceError):
    def __init__(self) -> None:
        super().__init__("Please sign in to continue.")


class Forbidden(ServiceError):
    def __init__(self, message: str = "Your account does not have access to this.") -> None:
        super().__init__(message)


class NotFound(ServiceError):
    """Also used for records that exist but are not the actor's to see: no existence leak."""

    def __init__(self, what: str = "record") -> None:
        super().__init__(f"No such {what}.")
        self.what = what


class InvalidInput(ServiceError):
    """Field-level problems: {field name: message}. Nothing was changed."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


class OnHold(ServiceError):
    """A red flag stands: no programme is made, restarted or played until a clinician
    has recorded what was done. The message says which flag and what to do."""


class Throttled(ServiceError):
    def __init__(self, retry_after_seconds: int) -> None:
        minutes = max(1, -(-retry_after_seconds // 60))
        super().__init__(
            "Too many sign-in attempts. For your safety, sign-in is paused for about "
            f"{minutes} minute{'s' if minutes != 1 else ''}; please try again then."
        )
        self.retry_after_seconds = retry_after_seconds


class InviteUnusable(ServiceError):
    """An invite link that can't be used, and why, in words the patient can act on."""

    MESSAGES = {
        "unknown": "This invitation link is not valid. Check that you copied the whole "
        "link, or ask your clinician for a new one.",
        "expired": "This invitation link has expired. Ask your clinician for a new one.",
        "used": "This invitation link has already been used. If that was you, sign in "
        "with the password you chose; otherwise ask your clinician for a new link.",
    }

    def __init__(self, reason: str) -> None:
        super().__init__(self.MESSAGES[reason])
        self.reason = reason


class Unavailable(ServiceError):
    """A part of painpath that needs something this machine does not have."""
