"""URL converters: ``<int:...>`` in a route names a row, so it stays within what an id can be."""

from werkzeug.routing import IntegerConverter, Map

from engage.database import MAX_ID


class IdConverter(IntegerConverter):
    """Werkzeug's ``int`` with an upper bound: a larger number is a 404, as any unknown id
    is, instead of an integer the database refuses (PostgreSQL) or cannot bind (SQLite)."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, fixed_digits, min, **kwargs)
