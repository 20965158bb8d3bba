"""The feed's system query options ($top, $skip, $select, $count, $filter, $skiptoken)
and the ``Prefer: odata.maxpagesize`` header, read into one value; every bad option
gets its own message. No Flask in here.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DEFAULT_PAGE = 1000  # rows per page unless the client prefers fewer (or more, to MAX_PAGE)
MAX_PAGE = 5000
MAX_NUMBER = 10**12
UNSUPPORTED = {
    "$orderby": "The feed is always in response order (response_id ascending); leave out $orderby",
    "$expand": "The feed has nothing to expand; leave out $expand",
    "$search": "The feed has no free-text search; use $filter",
    "$apply": "The feed does not aggregate rows; the Results feed has the counts",
    "$compute": "The feed does not compute columns; leave out $compute",
}
FORMATS = ("json", "application/json")
SYSTEM = ("$top", "$skip", "$select", "$count", "$filter", "$skiptoken", "$format", *UNSUPPORTED)


@dataclass(frozen=True)
class Query:
    top: int | None = None
    skip: int = 0
    select: tuple[str, ...] = ()
    count: bool = False
    filter: str = ""
    skiptoken: int = 0  # the last response id already sent
    page_size: int = DEFAULT_PAGE
    preferred_page: bool = False  # the client asked for a page size (Preference-Applied)


def _number(text: str) -> int | None:
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= 13 and int(text) <= MAX_NUMBER:
        return int(text)
    return None


def page_size(prefer: str) -> int | None:
    """The size asked for by ``Prefer: odata.maxpagesize=N``, if any."""
    found = re.search(r"(?:^|[,;\s])(?:odata\.)?maxpagesize=(\d{1,9})", prefer or "")
    return int(found.group(1)) if found else None


def read(
    args: Mapping[str, str], prefer: str, properties: Sequence[str]
) -> tuple[Query, dict[str, str]]:
    """The query, and a message per option that cannot be used."""
    errors: dict[str, str] = {}
    for option, message in UNSUPPORTED.items():
        if args.get(option):
            errors[option] = message
    top = skip = None
    if "$top" in args:
        top = _number(args["$top"])
        if top is None:
            errors["$top"] = "$top must be a whole number, for example $top=100"
    if "$skip" in args:
        skip = _number(args["$skip"])
        if skip is None:
            errors["$skip"] = "$skip must be a whole number, for example $skip=100"
    count = (args.get("$count") or "false").strip().lower()
    if count not in ("true", "false"):
        errors["$count"] = "$count must be true or false"
    select: tuple[str, ...] = ()
    chosen = (args.get("$select") or "").strip()
    if chosen and chosen != "*":
        select = tuple(dict.fromkeys(name.strip() for name in chosen.split(",")))
        unknown = [name for name in select if name not in properties]
        if unknown or not all(select):
            shown = ", ".join(unknown[:5]) or "an empty name"
            errors["$select"] = (
                f"$select names {shown}, which the feed does not have: see $metadata "
                "for the columns (question codes, and code__option for each option of a "
                "multiple-choice question)"
            )
    token = 0
    if args.get("$skiptoken"):
        found = _number(args["$skiptoken"])
        if found is None:
            errors["$skiptoken"] = "$skiptoken is not valid: follow @odata.nextLink as it is"
        else:
            token = found
    fmt = (args.get("$format") or "json").strip().lower()
    if fmt.split(";")[0] not in FORMATS:
        errors["$format"] = "The feed is JSON only: leave out $format or use $format=json"
    wanted = page_size(prefer)
    size = min(max(wanted, 1), MAX_PAGE) if wanted else DEFAULT_PAGE
    query = Query(
        top=top,
        skip=skip or 0,
        select=select,
        count=count == "true",
        filter=(args.get("$filter") or "").strip(),
        skiptoken=token,
        page_size=size,
        preferred_page=wanted is not None,
    )
    return query, errors
