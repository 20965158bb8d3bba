"""XLSForm ``relevant`` expressions that Engage's conditions can hold.

An Engage question may depend on one earlier choice question: "show this only
if <code> is one of <options>". The expressions that say exactly that are

    ${q} = 'x'                       (q a single-choice question)
    selected(${q}, 'x')              (q single or multiple choice)

and these joined by ``or`` (more options of the same question) or by ``and``
where the result is still one set of options: for a single-choice question,
``and`` keeps the options both sides allow. Anything else (other operators,
functions, two controlling questions) raises NotSupported with the reason, to
be shown on the import report. No Flask or database in here.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

SINGLE = "single"
MULTIPLE = "multiple"

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{\s*(?P<name>[A-Za-z_][\w.\-]*)\s*\})
      | '(?P<single>[^']*)'
      | "(?P<double>[^"]*)"
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<word>[A-Za-z_][\w\-]*)
      | (?P<punct>[(),=])
      | (?P<other>!=|<=|>=|[<>+*/|\[\]]|\S)
    )""",
    re.VERBOSE,
)


class NotSupported(ValueError):
    """An expression Engage cannot keep; the message says why, to finish a sentence."""


@dataclass(frozen=True)
class Condition:
    """Show the question only if ``code``'s answer includes one of ``options``."""

    code: str
    options: tuple[str, ...]  # in the order the expression names them


@dataclass(frozen=True)
class _Clause:
    code: str
    option: str
    equals: bool  # ${q} = 'x' rather than selected(${q}, 'x')


@dataclass(frozen=True)
class _Join:
    word: str  # "or" or "and"
    parts: tuple["_Node", ...]


_Node = _Clause | _Join


def _tokens(expression: str) -> list[tuple[str, str]]:
    found = []
    for match in _TOKEN.finditer(expression):
        kind = match.lastgroup
        if kind == "ref":
            found.append(("ref", match.group("name")))
        elif kind in ("single", "double"):
            found.append(("text", match.group(kind)))
        elif kind == "number":
            found.append(("text", match.group("number")))
        elif kind == "word":
            found.append(("word", match.group("word")))
        elif kind == "punct":
            found.append((match.group("punct"), match.group("punct")))
        elif kind == "other":
            raise NotSupported(f"it uses ‘{match.group('other')}’, which a condition cannot hold")
    return found


class _Parser:
    """expression := term ("or" term)*; term := factor ("and" factor)*."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", "")

    def take(self, kind: str) -> str:
        found_kind, value = self.peek()
        if found_kind != kind:
            shown = value or "the end"
            raise NotSupported(f"it has ‘{shown}’ where a condition cannot have it")
        self.at += 1
        return value

    def join(self, word: str, item) -> _Node:
        parts = [item()]
        while self.peek() == ("word", word):
            self.at += 1
            parts.append(item())
        return parts[0] if len(parts) == 1 else _Join(word, tuple(parts))

    def expression(self) -> _Node:
        return self.join("or", self.term)

    def term(self) -> _Node:
        return self.join("and", self.factor)

    def factor(self) -> _Node:
        kind, value = self.peek()
        if kind == "(":
            self.at += 1
            node = self.expression()
            self.take(")")
            return node
        if kind == "word" and value == "selected":
            self.at += 1
            self.take("(")
            code = self.take("ref")
            self.take(",")
            option = self.take("text")
            self.take(")")
            return _Clause(code, option, equals=False)
        if kind == "ref":
            self.at += 1
            self.take("=")
            return _Clause(value, self.take("text"), equals=True)
        if kind == "text":  # 'x' = ${q}
            self.at += 1
            self.take("=")
            return _Clause(self.take("ref"), value, equals=True)
        if kind == "word":
            raise NotSupported(f"it uses ‘{value}’, which a condition cannot hold")
        raise NotSupported(f"it has ‘{value or 'nothing'}’ where a question reference belongs")


def _evaluate(node: _Node, kinds: Mapping[str, str]) -> Condition:
    if isinstance(node, _Clause):
        kind = kinds.get(node.code)
        if kind is None:
            raise NotSupported(
                f"it depends on ‘{node.code}’, which is not an earlier choice question"
            )
        if node.equals and kind == MULTIPLE:
            raise NotSupported(
                f"‘${{{node.code}}} = …’ on a multiple-choice question means ‘only that "
                "option’; write selected(${" + node.code + "}, '…') to mean ‘includes it’"
            )
        return Condition(node.code, (node.option,))
    parts = [_evaluate(part, kinds) for part in node.parts]
    codes = sorted({part.code for part in parts})
    if len(codes) > 1:
        raise NotSupported(
            "it depends on more than one question ("
            + ", ".join(codes)
            + "); an Engage question can depend on one"
        )
    code = codes[0]
    if node.word == "or":
        return Condition(code, tuple(dict.fromkeys(o for p in parts for o in p.options)))
    options = tuple(o for o in parts[0].options if all(o in p.options for p in parts))
    if kinds[code] == MULTIPLE and any(set(p.options) != set(options) for p in parts):
        raise NotSupported("it needs several options chosen together, which a condition cannot say")
    if not options:
        raise NotSupported("no answer could ever meet it")
    return Condition(code, options)


def parse(expression: str, kinds: Mapping[str, str]) -> Condition:
    """The Condition ``expression`` says; ``kinds`` maps earlier choice questions' names to
    SINGLE or MULTIPLE. Raises NotSupported with the reason."""
    tokens = _tokens(expression)
    if not tokens:
        raise NotSupported("it is empty")
    parser = _Parser(tokens)
    node = parser.expression()
    if parser.at != len(tokens):
        raise NotSupported(f"it has ‘{parser.peek()[1]}’ where a condition cannot have it")
    return _evaluate(node, kinds)


def expression(condition_code: str, options: list[str]) -> str:
    """The ``relevant`` expression for an Engage condition, as the export writes it."""
    return " or ".join(f"selected(${{{condition_code}}}, '{option}')" for option in options)
