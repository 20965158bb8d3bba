"""Refusals from the selection services, each written for the person who asked."""


class SelectionError(ValueError):
    """A change to a panel's recruitment or selection that must be refused."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])


class RegistrationError(ValueError):
    """A registration that cannot be stored as it stands: ``fields`` maps each form
    field to what to fix there."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(fields.values()))
        self.fields = fields
