"""``$filter`` on the responses feed: a subset of OData's expressions, turned into SQL.

odata-query's grammar parses the expression; this module walks the tree and lets
through only what a download can be filtered by: the submission date and time, ward,
event, channel, version, language and response id, compared with ``eq ne gt ge lt le``
or ``in``, joined with ``and``, ``or`` and ``not`` and grouped with parentheses. Any
other property, function or operator is refused with a message that names it and
says what can be used instead. No Flask in here.

``submitted_on`` is the day a response arrived in the partnership's time zone, as the
results count days, so ``submitted_on ge 2026-06-01 and submitted_on le 2026-06-30``
selects exactly what the API's ``since=2026-06-01&until=2026-06-30`` does.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import sqlalchemy as sa
from odata_query import ast
from odata_query.exceptions import ODataException
from odata_query.grammar import ODataLexer, ODataParser

from engage.partnership.models import Area
from engage.questionnaire.models import QuestionnaireVersion
from engage.survey.models import Response

MAX_LENGTH = 4000  # characters of $filter: far more than any real filter


class FilterError(Exception):
    """A $filter that cannot be used, with a message saying what to change."""


# The kinds of value a property holds, and the literals written for them.
NUMBER, TEXT, MOMENT, DAY = "number", "text", "moment", "day"
LITERALS: dict[str, tuple[type, ...]] = {
    NUMBER: (ast.Integer,),
    TEXT: (ast.String,),
    MOMENT: (ast.DateTime,),
    DAY: (ast.Date,),
}
EXAMPLES = {
    NUMBER: "a whole number, for example 2",
    TEXT: "text in single quotes, for example 'kiosk'",
    MOMENT: "a date and time with its zone, for example 2026-06-01T00:00:00Z",
    DAY: "a date, for example 2026-06-01",
}
ORDERED = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)


@dataclass(frozen=True)
class Field:
    kind: str
    nullable: bool = False
    ordered: bool = True  # gt/ge/lt/le make sense (not for codes such as a ward's)


FIELDS: dict[str, Field] = {
    "response_id": Field(NUMBER),
    "submitted_at": Field(MOMENT),
    "submitted_on": Field(DAY),
    "version": Field(NUMBER, ordered=False),
    "channel": Field(TEXT, ordered=False),
    "event": Field(NUMBER, nullable=True, ordered=False),
    "ward": Field(TEXT, nullable=True, ordered=False),
    "language": Field(TEXT, ordered=False),
}
FILTERABLE = ", ".join(FIELDS)


def parse(text: str) -> ast._Node:
    """The expression's tree; FilterError if it is not OData."""
    if len(text) > MAX_LENGTH:
        raise FilterError(f"$filter is longer than {MAX_LENGTH} characters")
    try:
        return ODataParser().parse(ODataLexer().tokenize(text))
    except ODataException as error:
        raise FilterError(f"$filter is not a valid OData expression ({error})") from None
    except (ValueError, TypeError, IndexError, RecursionError):
        raise FilterError("$filter is not a valid OData expression") from None


def _literal(node: ast._Node, name: str, field: Field) -> Any:
    """The Python value of a literal compared with ``name``."""
    if isinstance(node, ast.Null):
        if not field.nullable:
            raise FilterError(
                f"‘{name}’ always has a value: compare it with {EXAMPLES[field.kind]}"
            )
        return None
    if not isinstance(node, LITERALS[field.kind]):
        raise FilterError(f"Compare ‘{name}’ with {EXAMPLES[field.kind]}")
    value = node.val  # type: ignore[attr-defined]  # every literal node has one
    try:
        if field.kind == NUMBER:
            number = int(value)
            if abs(number) >= 2**62:
                raise FilterError(f"The number compared with ‘{name}’ is too large")
            return number
        if field.kind == MOMENT:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                raise FilterError(f"Give ‘{name}’ a time zone, for example 2026-06-01T00:00:00Z")
            return moment.astimezone(UTC)
        if field.kind == DAY:
            return date.fromisoformat(value)
    except (ValueError, OverflowError):
        raise FilterError(f"Compare ‘{name}’ with {EXAMPLES[field.kind]}") from None
    if "\x00" in value:
        raise FilterError(f"The text compared with ‘{name}’ holds a NUL character")
    return value


def _start(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def _day_condition(op: ast._Node, day: date, zone: tzinfo) -> sa.ColumnElement[bool]:
    """A comparison of the day of arrival in ``zone``, as bounds on the time of arrival."""
    start = _start(day, zone)
    try:
        end = _start(day + timedelta(days=1), zone)
    except OverflowError:
        end = None
    at = Response.submitted_at
    if isinstance(op, ast.Eq):
        return sa.and_(at >= start, at < end) if end else at >= start
    if isinstance(op, ast.NotEq):
        return sa.or_(at < start, at >= end) if end else at < start
    if isinstance(op, ast.Lt):
        return at < start
    if isinstance(op, ast.GtE):
        return at >= start
    if isinstance(op, ast.LtE):
        return at < end if end else sa.true()
    return at >= end if end else sa.false()  # Gt


class Translator:
    """Turns a parsed $filter into a SQL condition on Response for one questionnaire."""

    def __init__(self, questionnaire_id: int, partnership_id: int, zone: tzinfo):
        self.questionnaire_id = questionnaire_id
        self.partnership_id = partnership_id
        self.zone = zone

    def condition(self, node: ast._Node) -> sa.ColumnElement[bool]:
        if isinstance(node, ast.BoolOp):
            left, right = self.condition(node.left), self.condition(node.right)
            return sa.and_(left, right) if isinstance(node.op, ast.And) else sa.or_(left, right)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return sa.not_(self.condition(node.operand))
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.Call):
            raise FilterError(
                f"$filter cannot use the function ‘{node.func.name}’: compare {FILTERABLE} "
                "with eq, ne, gt, ge, lt, le or in"
            )
        raise FilterError(
            f"$filter must be comparisons of {FILTERABLE} joined with and, or and not"
        )

    def _name(self, node: ast._Node) -> tuple[str, Field]:
        name = node.name if isinstance(node, ast.Identifier) and not node.namespace else None
        if name is None or name not in FIELDS:
            shown = name or "that expression"
            raise FilterError(
                f"$filter cannot use ‘{shown}’: filter on {FILTERABLE} "
                "(use $select to choose question columns)"
            )
        return name, FIELDS[name]

    def _compare(self, node: ast.Compare) -> sa.ColumnElement[bool]:
        left, right, op = node.left, node.right, node.comparator
        if not isinstance(left, ast.Identifier) and isinstance(right, ast.Identifier):
            left, right = right, left  # 2 eq version: the property may come second
            op = {ast.Lt: ast.Gt(), ast.LtE: ast.GtE(), ast.Gt: ast.Lt(), ast.GtE: ast.LtE()}.get(
                type(op), op
            )
        name, field = self._name(left)
        if isinstance(op, ast.In):
            items = right.val if isinstance(right, ast.List) else None
            if not items:
                raise FilterError(f"Give ‘{name} in’ a list, for example {name} in (…, …)")
            found = [_literal(item, name, field) for item in items]
            return sa.or_(*(self._one(name, field, ast.Eq(), value) for value in found))
        if isinstance(op, ORDERED) and not field.ordered:
            raise FilterError(f"‘{name}’ is a code: compare it with eq, ne or in")
        if not isinstance(op, (ast.Eq, ast.NotEq, *ORDERED)):
            raise FilterError(f"$filter compares with eq, ne, gt, ge, lt, le or in, not {op}")
        value = _literal(right, name, field)
        if value is None and isinstance(op, ORDERED):
            raise FilterError(f"‘{name}’ can be compared with null only by eq or ne")
        return self._one(name, field, op, value)

    def _one(self, name: str, field: Field, op: ast._Node, value: Any) -> sa.ColumnElement[bool]:
        if name == "submitted_on":
            return _day_condition(op, value, self.zone)
        if name == "ward":
            column: Any = Response.area_id
            if value is not None:
                value = sa.select(Area.id).where(
                    Area.partnership_id == self.partnership_id, Area.code == value
                )
        elif name == "version":
            column = Response.version_id
            value = sa.select(QuestionnaireVersion.id).where(
                QuestionnaireVersion.questionnaire_id == self.questionnaire_id,
                QuestionnaireVersion.number == value,
            )
        else:
            column = {
                "response_id": Response.id,
                "submitted_at": Response.submitted_at,
                "channel": Response.channel,
                "event": Response.event_id,
                "language": Response.language,
            }[name]
        return _compared(column, op, value, field.nullable)


def _compared(column: Any, op: ast._Node, value: Any, nullable: bool) -> sa.ColumnElement[bool]:
    """``column op value`` in OData's two-valued logic: a blank is never equal to a
    value, so ``ward ne 'X'`` and ``not (ward eq 'X')`` both keep responses with no ward.
    ``value`` may be a sub-select of ids (a ward or version found by its code)."""
    if value is None:
        return column.is_(None) if isinstance(op, ast.Eq) else column.is_not(None)
    if isinstance(value, sa.Select):  # eq or ne only: codes are not ordered
        compared = column.in_(value) if isinstance(op, ast.Eq) else column.not_in(value)
    else:
        operators: dict[type, Callable[[Any, Any], Any]] = {
            ast.Eq: lambda c, v: c == v,
            ast.NotEq: lambda c, v: c != v,
            ast.Lt: lambda c, v: c < v,
            ast.LtE: lambda c, v: c <= v,
            ast.Gt: lambda c, v: c > v,
            ast.GtE: lambda c, v: c >= v,
        }
        compared = operators[type(op)](column, value)
    if not nullable:
        return compared
    compared = sa.func.coalesce(compared, sa.false())
    return sa.or_(compared, column.is_(None)) if isinstance(op, ast.NotEq) else compared


def conditions(
    text: str, questionnaire_id: int, partnership_id: int, zone: tzinfo
) -> sa.ColumnElement[bool]:
    """The SQL condition for a $filter text; FilterError with a message if it cannot be."""
    return Translator(questionnaire_id, partnership_id, zone).condition(parse(text))
