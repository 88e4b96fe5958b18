"""Domain errors raised by services and turned into pages or API responses at the edge.

Services never build responses: they raise one of these, and the handlers in
create_app() (pages) and isp_manager.api_support (API) speak to the user.
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the service was broken. Carries messages keyed by field (None: the whole form)."""

    status_code = 409

    def __init__(self, message: str | None = None, *, field: str | None = None, errors=None):
        self.errors: dict[str | None, list[str]] = {}
        if errors:
            for key, messages in errors.items():
                self.errors[key] = (
                    list(messages) if isinstance(messages, list | tuple) else [messages]
                )
        if message is not None:
            self.errors.setdefault(field, []).append(message)
        super().__init__(message or "; ".join(m for ms in self.errors.values() for m in ms))

    @property
    def message(self) -> str:
        return "; ".join(m for ms in self.errors.values() for m in ms)

    def field_errors(self) -> dict[str, list[str]]:
        """Messages keyed by field name; form-level messages are keyed '_schema'."""
        return {(key or "_schema"): msgs for key, msgs in self.errors.items()}


class InvalidInput(DomainError):
    """Input that cannot be accepted (422): names the field and what to do."""

    status_code = 422


class Conflict(DomainError):
    """A transition the state does not allow, or a change to something immutable (409)."""

    status_code = 409


class PermissionDenied(DomainError):
    """The user may see the record but not do this to it (403)."""

    status_code = 403


class NotFound(DomainError):
    """No such record, or one the user may not see (404: never reveal it exists)."""

    status_code = 404
