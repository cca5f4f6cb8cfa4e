"""A documented subset of Notion's formula language (Formula 2.0): parse an expression once, evaluate it per row.

Supported (anything else is refused with a ``validation_error`` naming it, see ``docs/emulator-conformance.md``):

- literals: numbers, ``"strings"`` (``\\"`` escapes), ``true``, ``false``;
- property references: ``prop("Name")`` and the form Notion returns in schemas,
  ``{{notion:block_property:<property id>:<uuid>:<uuid>}}``;
- operators: ``+ - * / % ^``, ``== != > >= < <=``, ``and``/``&&``, ``or``/``||``, ``not``/``!``, ``c ? a : b``;
  ``+`` concatenates when either side is text;
- functions (also callable as methods, ``prop("Tags").length()``): see ``FUNCTIONS``.

Values are typed pairs ``(kind, value)`` with kind ``number | string | boolean | date | list``; an empty property
keeps its kind with value ``None`` and empties propagate through arithmetic, as in Notion.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from notion_emulator.errors import EmulatorValidationError

Value = tuple[str, Any]
Node = tuple[Any, ...]
Resolver = Callable[[str, bool], Value]  # (name or id, is_id) -> value

_BLOCK_PROPERTY = re.compile(r"\{\{notion:block_property:([^:}]+)(?::[^}]*)?\}\}")
_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(?P<str>\"(?:[^\"\\]|\\.)*\")"
    r"|(?P<ref>\{\{notion:block_property:[^}]*\}\})|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>==|!=|>=|<=|&&|\|\||[-+*/%^<>!?:(),.]))"
)
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}
UNITS = ("years", "quarters", "months", "weeks", "days", "hours", "minutes", "seconds", "milliseconds")


@dataclass(frozen=True)
class FormulaDate:
    start: datetime
    end: datetime | None = None
    has_time: bool = True


class FormulaError(Exception):
    """A runtime problem (wrong argument type …): the formula's value becomes empty, as Notion shows it."""


# --------------------------------------------------------------------------------------------- parsing
def _tokens(expression: str, path: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = expression.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise EmulatorValidationError(
                f"Formula could not be parsed at position {position}: {text[position : position + 20]!r} ({path})."
            )
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    tokens.append(("end", ""))
    return tokens


class _Parser:
    def __init__(self, expression: str, path: str) -> None:
        self.tokens = _tokens(expression, path)
        self.index = 0
        self.path = path

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.index]

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, value: str) -> None:
        kind, text = self.take()
        if text != value or kind not in ("op",):
            raise self.error(f"expected `{value}`, found `{text or 'end of formula'}`")

    def error(self, message: str) -> EmulatorValidationError:
        return EmulatorValidationError(f"Formula could not be parsed: {message} ({self.path}).")

    def parse(self) -> Node:
        node = self.ternary()
        if self.peek()[0] != "end":
            raise self.error(f"unexpected `{self.peek()[1]}`")
        return node

    def ternary(self) -> Node:
        condition = self.binary(0)
        if self.peek() == ("op", "?"):
            self.take()
            then = self.ternary()
            self.expect(":")
            return ("call", "if", [condition, then, self.ternary()])
        return condition

    # precedence levels, lowest first
    _LEVELS: tuple[tuple[str, ...], ...] = (
        ("or", "||"),
        ("and", "&&"),
        ("==", "!=", ">", ">=", "<", "<="),
        ("+", "-"),
        ("*", "/", "%"),
    )

    def binary(self, level: int) -> Node:
        if level == len(self._LEVELS):
            return self.unary()
        left = self.binary(level + 1) if level != 1 else self.not_level()
        while self.peek()[1] in self._LEVELS[level] and self.peek()[0] in ("op", "name"):
            op = self.take()[1]
            right = self.binary(level + 1) if level != 1 else self.not_level()
            left = ("op", {"||": "or", "&&": "and"}.get(op, op), left, right)
        return left

    def not_level(self) -> Node:
        if self.peek() in (("op", "!"), ("name", "not")):
            self.take()
            return ("not", self.not_level())
        return self.binary(2)

    def unary(self) -> Node:
        if self.peek() == ("op", "-"):
            self.take()
            return ("neg", self.unary())
        if self.peek() == ("op", "!"):
            self.take()
            return ("not", self.unary())
        return self.power()

    def power(self) -> Node:
        base = self.postfix()
        if self.peek() == ("op", "^"):
            self.take()
            return ("op", "^", base, self.unary())
        return base

    def postfix(self) -> Node:
        node = self.primary()
        while self.peek() == ("op", "."):
            self.take()
            kind, name = self.take()
            if kind != "name":
                raise self.error(f"expected a function name after `.`, found `{name}`")
            if name == "prop":
                raise EmulatorValidationError(
                    "The Notion emulator does not support reading properties of related pages "
                    f'(`.prop("…")` on a relation) ({self.path}); use a rollup instead.'
                )
            _check_supported(name, self.path)
            args = self.arguments() if self.peek() == ("op", "(") else []
            node = _call(name, [node, *args], self.path)
        return node

    def arguments(self) -> list[Node]:
        self.expect("(")
        args: list[Node] = []
        if self.peek() != ("op", ")"):
            args.append(self.ternary())
            while self.peek() == ("op", ","):
                self.take()
                args.append(self.ternary())
        self.expect(")")
        return args

    def primary(self) -> Node:
        kind, text = self.take()
        if kind == "num":
            number = float(text)
            return ("const", ("number", int(number) if number.is_integer() and "." not in text else number))
        if kind == "str":
            return (
                "const",
                ("string", re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])),
            )
        if kind == "ref":
            found = _BLOCK_PROPERTY.match(text)
            if found is None:
                raise self.error(f"malformed property reference `{text}`")
            return ("prop", found.group(1), True)
        if kind == "name":
            if text in ("true", "false"):
                return ("const", ("boolean", text == "true"))
            if self.peek() != ("op", "("):
                raise self.error(f"unknown name `{text}`")
            if text != "prop":
                _check_supported(text, self.path)
            args = self.arguments()
            if text == "prop":
                if len(args) != 1 or args[0][0] != "const" or args[0][1][0] != "string":
                    raise self.error('prop() takes one property name in quotes, e.g. prop("Name")')
                return ("prop", args[0][1][1], False)
            return _call(text, args, self.path)
        if (kind, text) == ("op", "("):
            node = self.ternary()
            self.expect(")")
            return node
        raise self.error(f"unexpected `{text or 'end of formula'}`")


def _check_supported(name: str, path: str) -> None:
    if name not in FUNCTIONS:
        raise EmulatorValidationError(
            f"The Notion emulator does not support the formula function `{name}` ({path}). Supported: "
            f"{', '.join(sorted(FUNCTIONS))}."
        )


def _call(name: str, args: list[Node], path: str) -> Node:
    _check_supported(name, path)
    low, high = FUNCTIONS[name][1]
    if len(args) < low or (high is not None and len(args) > high):
        expected = str(low) if high == low else f"{low} to {high if high is not None else 'any number of'}"
        raise EmulatorValidationError(
            f"Formula function `{name}` takes {expected} arguments, got {len(args)} ({path})."
        )
    return ("call", name, args)


@functools.lru_cache(maxsize=1024)
def parse(expression: str, path: str = "formula.expression") -> Node:
    """The syntax tree of ``expression``; raises ``validation_error`` for syntax errors and unsupported
    functions."""
    if not isinstance(expression, str) or not expression.strip():
        raise EmulatorValidationError(f"body failed validation: {path} should be a non-empty string.")
    try:
        return _Parser(expression, path).parse()
    except RecursionError:
        raise EmulatorValidationError(f"Formula could not be parsed: nested too deeply ({path}).") from None


def references(node: Node) -> list[tuple[str, bool]]:
    """Every ``(name or id, is_id)`` the expression reads."""
    if node[0] == "prop":
        return [(node[1], node[2])]
    found: list[tuple[str, bool]] = []
    for child in node[1:]:
        if isinstance(child, tuple) and child and isinstance(child[0], str) and child[0] in _NODE_KINDS:
            found.extend(references(child))
        elif isinstance(child, list):
            for item in child:
                found.extend(references(item))
    return found


_NODE_KINDS = frozenset({"const", "prop", "call", "op", "neg", "not"})


def rewrite_references(expression: str, to_reference: Callable[[str, bool], str]) -> str:
    """``expression`` with every ``prop("Name")`` / block-property reference replaced by ``to_reference``."""
    expression = _BLOCK_PROPERTY.sub(lambda m: to_reference(m.group(1), True), expression)
    return re.sub(
        r"prop\(\s*\"((?:[^\"\\]|\\.)*)\"\s*\)",
        lambda m: to_reference(re.sub(r"\\(.)", r"\1", m.group(1)), False),
        expression,
    )


# --------------------------------------------------------------------------------------------- evaluation
def evaluate(node: Node, resolve: Resolver, now: datetime) -> Value:
    kind = node[0]
    if kind == "const":
        value: Value = node[1]
        return value
    if kind == "prop":
        return resolve(node[1], node[2])
    if kind == "neg":
        operand = _number(evaluate(node[1], resolve, now))
        return ("number", None if operand is None else -operand)
    if kind == "not":
        return ("boolean", not _truthy(evaluate(node[1], resolve, now)))
    if kind == "op":
        return _operator(node[1], node[2], node[3], resolve, now)
    name, args = node[1], node[2]
    if name == "if":
        chosen = args[1] if _truthy(evaluate(args[0], resolve, now)) else args[2]
        return evaluate(chosen, resolve, now)
    if name == "ifs":
        for index in range(0, len(args) - 1, 2):
            if _truthy(evaluate(args[index], resolve, now)):
                return evaluate(args[index + 1], resolve, now)
        return evaluate(args[-1], resolve, now) if len(args) % 2 else ("string", None)
    values = [evaluate(arg, resolve, now) for arg in args]
    implementation: Callable[[list[Value], datetime], Value] = FUNCTIONS[name][0]
    return implementation(values, now)


def _operator(op: str, left_node: Node, right_node: Node, resolve: Resolver, now: datetime) -> Value:
    if op in ("and", "or"):
        left_true = _truthy(evaluate(left_node, resolve, now))
        if op == "and" and not left_true:
            return ("boolean", False)
        if op == "or" and left_true:
            return ("boolean", True)
        return ("boolean", _truthy(evaluate(right_node, resolve, now)))
    left, right = evaluate(left_node, resolve, now), evaluate(right_node, resolve, now)
    if op in ("==", "!="):
        equal = _plain(left) == _plain(right)
        return ("boolean", equal if op == "==" else not equal)
    if op in (">", ">=", "<", "<="):
        a, b = _comparable(left), _comparable(right)
        if a is None or b is None or type(a) is not type(b):
            return ("boolean", False)
        result = {">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b}[op]
        return ("boolean", result)
    if op == "+" and (left[0] == "string" or right[0] == "string"):
        if left[1] is None and right[1] is None:
            return ("string", None)
        return ("string", _format(left) + _format(right))
    a_num, b_num = _number(left), _number(right)
    if a_num is None or b_num is None:
        return ("number", None)
    operations: dict[str, Callable[[float, float], float]] = {
        "+": lambda a, b: a + b,
        "-": lambda a, b: a - b,
        "*": lambda a, b: a * b,
        "/": lambda a, b: a / b,
        "%": math.fmod,
        "^": lambda a, b: float(a**b),
    }
    try:
        result_number = operations[op](a_num, b_num)
    except (ZeroDivisionError, OverflowError, ValueError):
        return ("number", None)
    return ("number", result_number)


# --------------------------------------------------------------------------------------------- helpers
def _truthy(value: Value) -> bool:
    kind, raw = value
    if raw is None:
        return False
    if kind == "boolean":
        return bool(raw)
    if kind == "number":
        return bool(raw != 0)
    if kind in ("string", "list"):
        return len(raw) > 0
    return True


def _number(value: Value) -> float | int | None:
    kind, raw = value
    if raw is None:
        return None
    if kind == "number":
        return raw  # type: ignore[no-any-return]
    if kind == "boolean":
        return int(raw)
    raise FormulaError(f"expected a number, got {kind}")


def _plain(value: Value) -> Any:
    kind, raw = value
    if kind == "date" and raw is not None:
        return raw.start
    if kind == "list" and raw is not None:
        return [_plain(item) for item in raw]
    return raw


def _comparable(value: Value) -> Any:
    kind, raw = value
    if raw is None:
        return None
    if kind == "date":
        return raw.start
    if kind == "boolean":
        return int(raw)
    return raw


def _format(value: Value) -> str:
    kind, raw = value
    if raw is None:
        return ""
    if kind == "number":
        if isinstance(raw, float) and raw.is_integer():
            return str(int(raw))
        return str(raw)
    if kind == "boolean":
        return "true" if raw else "false"
    if kind == "date":
        return date_text(raw.start, raw.has_time)
    if kind == "list":
        return ", ".join(_format(item) for item in raw)
    return str(raw)


def _string(value: Value) -> str | None:
    if value[1] is None:
        return None
    if value[0] != "string":
        raise FormulaError(f"expected text, got {value[0]}")
    return str(value[1])


def _date(value: Value) -> FormulaDate | None:
    if value[1] is None:
        return None
    if value[0] != "date":
        raise FormulaError(f"expected a date, got {value[0]}")
    result: FormulaDate = value[1]
    return result


def _unit(value: Value) -> str:
    unit = _string(value)
    if unit not in UNITS:
        raise FormulaError(f"unknown unit {unit!r}")
    return unit


def date_text(moment: datetime, has_time: bool) -> str:
    if not has_time:
        return moment.date().isoformat()
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+00:00"


def parse_date(text: str | None) -> FormulaDate | None:
    if not text:
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return FormulaDate(datetime(day.year, day.month, day.day, tzinfo=UTC), has_time=False)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return FormulaDate(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    import calendar

    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _shift(moment: datetime, amount: float, unit: str) -> datetime:
    whole = int(amount)
    if unit in ("years", "quarters", "months"):
        return _add_months(moment, whole * {"years": 12, "quarters": 3, "months": 1}[unit])
    seconds = {
        "weeks": 604800,
        "days": 86400,
        "hours": 3600,
        "minutes": 60,
        "seconds": 1,
        "milliseconds": 0.001,
    }
    return moment + timedelta(seconds=amount * seconds[unit])


def _between(first: datetime, second: datetime, unit: str) -> int:
    if unit in ("years", "quarters", "months"):
        months = (first.year - second.year) * 12 + (first.month - second.month)
        # Not a whole month yet when the later day/time of month has not been reached.
        if months > 0 and (first.day, first.time()) < (second.day, second.time()):
            months -= 1
        elif months < 0 and (first.day, first.time()) > (second.day, second.time()):
            months += 1
        return int(months / {"years": 12, "quarters": 3, "months": 1}[unit])
    seconds = (first - second).total_seconds()
    per = {"weeks": 604800, "days": 86400, "hours": 3600, "minutes": 60, "seconds": 1, "milliseconds": 0.001}
    return int(seconds / per[unit])


# --------------------------------------------------------------------------------------------- functions
def _fn_empty(values: list[Value], now: datetime) -> Value:
    # Notion: empty("") , empty(0), empty(false), empty([]) and empty properties are all true.
    return ("boolean", not _truthy(values[0]))


def _fn_length(values: list[Value], now: datetime) -> Value:
    kind, raw = values[0]
    if raw is None:
        return ("number", 0)
    if kind not in ("string", "list"):
        raise FormulaError("length() takes text or a list")
    return ("number", len(raw))


def _fn_contains(values: list[Value], now: datetime) -> Value:
    haystack, needle = values
    if haystack[0] == "list":
        return ("boolean", _format(needle) in [_format(item) for item in haystack[1] or []])
    return ("boolean", _format(needle) in _format(haystack))


def _fn_includes(values: list[Value], now: datetime) -> Value:
    items, needle = values
    if items[0] != "list":
        return _fn_contains(values, now)
    return ("boolean", _plain(needle) in [_plain(item) for item in items[1] or []])


def _fn_concat(values: list[Value], now: datetime) -> Value:
    if all(value[0] == "list" for value in values):
        return ("list", [item for value in values for item in value[1] or []])
    return ("string", "".join(_format(value) for value in values))


def _fn_join(values: list[Value], now: datetime) -> Value:
    if values[0][0] == "list":
        separator = _format(values[1]) if len(values) > 1 else ""
        return ("string", separator.join(_format(item) for item in values[0][1] or []))
    # Formula 1.0 form: join(separator, text, …)
    return ("string", _format(values[0]).join(_format(value) for value in values[1:]))


def _fn_to_number(values: list[Value], now: datetime) -> Value:
    kind, raw = values[0]
    if raw is None:
        return ("number", None)
    if kind == "number":
        return values[0]
    if kind == "boolean":
        return ("number", int(raw))
    if kind == "date":
        return ("number", int(raw.start.timestamp() * 1000))
    match = re.match(r"\s*-?\d+(?:\.\d+)?", str(raw))
    return ("number", float(match.group()) if match else None)


def _numeric(fn: Callable[..., float]) -> Callable[[list[Value], datetime], Value]:
    def apply(values: list[Value], now: datetime) -> Value:
        numbers = [_number(value) for value in values]
        if any(number is None for number in numbers):
            return ("number", None)
        try:
            return ("number", fn(*numbers))
        except (ValueError, OverflowError, ZeroDivisionError):
            return ("number", None)

    return apply


def _aggregate(fn: Callable[[list[float]], float]) -> Callable[[list[Value], datetime], Value]:
    def apply(values: list[Value], now: datetime) -> Value:
        flat: list[Value] = []
        for value in values:
            flat.extend(value[1] or [] if value[0] == "list" else [value])
        numbers = [n for n in (_number(value) for value in flat) if n is not None]
        return ("number", fn(numbers) if numbers else None)

    return apply


def _text_fn(fn: Callable[..., Any], kind: str = "string") -> Callable[[list[Value], datetime], Value]:
    def apply(values: list[Value], now: datetime) -> Value:
        if values[0][1] is None:
            return (kind, None)
        return (kind, fn(_format(values[0]), *[_plain(value) for value in values[1:]]))

    return apply


def _fn_date_add(values: list[Value], now: datetime, sign: int = 1) -> Value:
    moment, amount = _date(values[0]), _number(values[1])
    unit = _unit(values[2])
    if moment is None or amount is None:
        return ("date", None)
    start = _shift(moment.start, sign * amount, unit)
    end = _shift(moment.end, sign * amount, unit) if moment.end else None
    has_time = moment.has_time or unit in ("hours", "minutes", "seconds", "milliseconds")
    return ("date", FormulaDate(start, end, has_time))


def _fn_date_between(values: list[Value], now: datetime) -> Value:
    first, second = _date(values[0]), _date(values[1])
    unit = _unit(values[2])
    if first is None or second is None:
        return ("number", None)
    return ("number", _between(first.start, second.start, unit))


def _fn_now(values: list[Value], now: datetime) -> Value:
    return ("date", FormulaDate(now))


def _fn_today(values: list[Value], now: datetime) -> Value:
    return ("date", FormulaDate(now.replace(hour=0, minute=0, second=0, microsecond=0), has_time=False))


def _fn_date_start(values: list[Value], now: datetime) -> Value:
    moment = _date(values[0])
    return ("date", None if moment is None else FormulaDate(moment.start, None, moment.has_time))


def _fn_date_end(values: list[Value], now: datetime) -> Value:
    moment = _date(values[0])
    if moment is None:
        return ("date", None)
    return ("date", FormulaDate(moment.end or moment.start, None, moment.has_time))


def _fn_timestamp(values: list[Value], now: datetime) -> Value:
    moment = _date(values[0])
    return ("number", None if moment is None else int(moment.start.timestamp() * 1000))


def _fn_parse_date(values: list[Value], now: datetime) -> Value:
    return ("date", parse_date(_string(values[0])))


def _fn_year(values: list[Value], now: datetime) -> Value:
    moment = _date(values[0])
    return ("number", None if moment is None else moment.start.year)


def _fn_format(values: list[Value], now: datetime) -> Value:
    return ("string", _format(values[0]))


def _fn_round(values: list[Value], now: datetime) -> Value:
    number = _number(values[0])
    places = _number(values[1]) if len(values) > 1 else 0
    if number is None or places is None:
        return ("number", None)
    factor = 10 ** int(places)
    # Notion rounds half away from zero (JavaScript Math.round for positives), not to even.
    return ("number", math.floor(abs(number) * factor + 0.5) / factor * (1 if number >= 0 else -1))


def _fn_not(values: list[Value], now: datetime) -> Value:
    return ("boolean", not _truthy(values[0]))


def _fn_substring(values: list[Value], now: datetime) -> Value:
    text = _string(values[0])
    start = _number(values[1])
    end = _number(values[2]) if len(values) > 2 else None
    if text is None or start is None:
        return ("string", None)
    return ("string", text[int(start) : None if end is None else int(end)])


def _fn_replace(values: list[Value], now: datetime, count: int = 1) -> Value:
    text = _string(values[0])
    if text is None:
        return ("string", None)
    try:
        return ("string", re.sub(_format(values[1]), _format(values[2]), text, count=count))
    except re.error as error:
        raise FormulaError(str(error)) from None


# name -> (implementation, (min args, max args or None)); ``if``/``ifs`` are evaluated lazily above.
FUNCTIONS: dict[str, tuple[Callable[[list[Value], datetime], Value], tuple[int, int | None]]] = {
    "if": (lambda values, now: ("string", None), (3, 3)),
    "ifs": (lambda values, now: ("string", None), (3, None)),
    "empty": (_fn_empty, (1, 1)),
    "not": (_fn_not, (1, 1)),
    "length": (_fn_length, (1, 1)),
    "contains": (_fn_contains, (2, 2)),
    "includes": (_fn_includes, (2, 2)),
    "concat": (_fn_concat, (1, None)),
    "join": (_fn_join, (1, None)),
    "format": (_fn_format, (1, 1)),
    "toNumber": (_fn_to_number, (1, 1)),
    "lower": (_text_fn(str.lower), (1, 1)),
    "upper": (_text_fn(str.upper), (1, 1)),
    "trim": (_text_fn(str.strip), (1, 1)),
    "startsWith": (_text_fn(lambda text, prefix: text.startswith(str(prefix)), "boolean"), (2, 2)),
    "endsWith": (_text_fn(lambda text, suffix: text.endswith(str(suffix)), "boolean"), (2, 2)),
    "substring": (_fn_substring, (2, 3)),
    "replace": (_fn_replace, (3, 3)),
    "replaceAll": (lambda values, now: _fn_replace(values, now, count=0), (3, 3)),
    "abs": (_numeric(abs), (1, 1)),
    "ceil": (_numeric(math.ceil), (1, 1)),
    "floor": (_numeric(math.floor), (1, 1)),
    "sqrt": (_numeric(math.sqrt), (1, 1)),
    "pow": (_numeric(lambda base, exponent: base**exponent), (2, 2)),
    "round": (_fn_round, (1, 2)),
    "min": (_aggregate(min), (1, None)),
    "max": (_aggregate(max), (1, None)),
    "sum": (_aggregate(sum), (1, None)),
    "mean": (_aggregate(lambda numbers: sum(numbers) / len(numbers)), (1, None)),
    "now": (_fn_now, (0, 0)),
    "today": (_fn_today, (0, 0)),
    "dateAdd": (_fn_date_add, (3, 3)),
    "dateSubtract": (lambda values, now: _fn_date_add(values, now, sign=-1), (3, 3)),
    "dateBetween": (_fn_date_between, (3, 3)),
    "dateStart": (_fn_date_start, (1, 1)),
    "dateEnd": (_fn_date_end, (1, 1)),
    "timestamp": (_fn_timestamp, (1, 1)),
    "parseDate": (_fn_parse_date, (1, 1)),
    "year": (_fn_year, (1, 1)),
}


_RETURN_KINDS = {
    **dict.fromkeys(("now", "today", "dateAdd", "dateSubtract", "dateStart", "dateEnd", "parseDate"), "date"),
    **dict.fromkeys(("empty", "not", "contains", "includes", "startsWith", "endsWith"), "boolean"),
    **dict.fromkeys(
        ("length", "toNumber", "abs", "ceil", "floor", "sqrt", "pow", "round", "min", "max", "sum", "mean"),
        "number",
    ),
    **dict.fromkeys(("dateBetween", "timestamp", "year"), "number"),
}


def static_kind(node: Node) -> str:
    """The result type an expression has whatever the row (what Notion shows for a value that failed)."""
    kind = node[0]
    if kind == "const":
        return str(node[1][0])
    if kind == "not":
        return "boolean"
    if kind == "neg":
        return "number"
    if kind == "op":
        if node[1] in ("==", "!=", ">", ">=", "<", "<=", "and", "or"):
            return "boolean"
        if node[1] == "+":
            sides = {static_kind(node[2]), static_kind(node[3])}
            return "string" if "string" in sides else "number"
        return "number"
    if kind == "call":
        if node[1] in ("if", "ifs"):
            return static_kind(node[2][1])
        return _RETURN_KINDS.get(node[1], "string")
    return "string"  # a bare property reference: its type is not known here


def result_json(value: Value) -> dict[str, Any]:
    """A formula value as Notion returns it: ``{"type": string|number|boolean|date, <type>: …}``."""
    kind, raw = value
    if kind == "number":
        if raw is not None and (isinstance(raw, float) and (math.isnan(raw) or math.isinf(raw))):
            raw = None
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        return {"type": "number", "number": raw}
    if kind == "boolean":
        return {"type": "boolean", "boolean": bool(raw) if raw is not None else None}
    if kind == "date":
        if raw is None:
            return {"type": "date", "date": None}
        end = date_text(raw.end, raw.has_time) if raw.end else None
        return {
            "type": "date",
            "date": {"start": date_text(raw.start, raw.has_time), "end": end, "time_zone": None},
        }
    if kind == "list":
        return {"type": "string", "string": _format(value) if raw else None}
    # The API never returns empty strings: "" is null (reference/intro, JSON conventions).
    return {"type": "string", "string": raw if raw != "" else None}
