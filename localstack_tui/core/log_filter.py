"""CloudWatch Logs filter patterns, matched by lstui itself.

LocalStack's community Logs provider ignores `filterPattern` (FilterLogEvents
returns every event), so lstui compiles the pattern and applies it to the
events it receives, the same way on any server. The forms, as AWS documents
them in "Filter pattern syntax for metric filters, subscription filters, and
filter log events":

- empty (or `" "`): every event;
- terms, case-sensitive substrings: `ERROR`, `"Task timed out"`, `%regex%`;
  several terms must all match (`ERROR Exception`), `?a ?b` needs any one of
  the `?` terms, `-term` excludes (`ERROR -DEBUG`);
- JSON: `{ $.a.b = "x*" }`, `{ $.n >= 5 }`, `{ $.f IS NULL }`, `{ $.f NOT EXISTS }`,
  `{ $.ok IS TRUE }`, joined by `&&` / `||` with parentheses; an event that is
  not JSON never matches;
- space-delimited: `[ip, user, ..., status = 4*, bytes > 1000]`.

String values take `*` wildcards and must equal the whole value; `%regex%`
values search. Numbers compare numerically; `!=` needs the property to exist.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from localstack_tui.core.errors import ValidationError

PatternKind = Literal["all", "terms", "json", "space"]

_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SELECTOR = re.compile(r"\$(?:\.[^\s.\[\]()=!<>&|]+|\[\s*(?:\d+|\*)\s*\])*")
_ORDERING_OPS = {"<", "<=", ">", ">="}


class _PatternError(Exception):
    """A syntax error at a column of the pattern; compile_pattern words it."""

    def __init__(self, why: str, at: int | None = None) -> None:
        super().__init__(why)
        self.why = why
        self.at = at


# -- matchers ------------------------------------------------------------------


@dataclass(frozen=True)
class _Term:
    """One unstructured term: a substring, a regex, or (`" "`) anything."""

    text: str
    regex: re.Pattern[str] | None = None

    def found(self, message: str) -> bool:
        if self.regex is not None:
            return self.regex.search(message) is not None
        # AWS documents `" "` as the pattern that matches everything.
        return not self.text.strip() or self.text in message


@dataclass(frozen=True)
class _TermsMatcher:
    required: tuple[_Term, ...]
    optional: tuple[_Term, ...]
    excluded: tuple[_Term, ...]

    def matches(self, message: str) -> bool:
        return (
            all(term.found(message) for term in self.required)
            and (not self.optional or any(term.found(message) for term in self.optional))
            and not any(term.found(message) for term in self.excluded)
        )


@dataclass(frozen=True)
class _Value:
    """The right-hand side of a comparison."""

    kind: Literal["number", "string", "regex", "bool", "null"]
    text: str
    number: float = 0.0
    regex: re.Pattern[str] | None = None


@dataclass(frozen=True)
class _Comparison:
    """`target op value`, or a test: op in {"null", "true", "false", "missing"}."""

    target: str
    op: str
    value: _Value | None = None


@dataclass(frozen=True)
class _Junction:
    op: Literal["&&", "||"]
    parts: tuple[_Expr, ...]


_Expr = _Comparison | _Junction
# Values of a target: for JSON, everything a selector reaches; for fields, one string.
_Resolver = Callable[[str], list[object]]


def _evaluate(expr: _Expr, resolve: _Resolver, typed: bool) -> bool:
    if isinstance(expr, _Junction):
        results = (_evaluate(part, resolve, typed) for part in expr.parts)
        return all(results) if expr.op == "&&" else any(results)
    values = resolve(expr.target)
    if expr.op == "missing":
        return not values
    if expr.op == "null":
        return any(value is None for value in values)
    if expr.op in ("true", "false"):
        return any(value is (expr.op == "true") for value in values)
    assert expr.value is not None
    if expr.op == "!=":
        return any(not _equals(expr.value, value, typed) for value in values)
    if expr.op == "=":
        return any(_equals(expr.value, value, typed) for value in values)
    return any(_ordered(expr.op, expr.value.number, value, typed) for value in values)


def _as_number(value: object, typed: bool) -> float | None:
    """A JSON number (typed), or a field that reads as one (space-delimited)."""
    if typed:
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        return float(value)
    return None


def _equals(literal: _Value, value: object, typed: bool) -> bool:
    if literal.kind == "number":
        number = _as_number(value, typed)
        return number == literal.number
    if literal.kind == "bool":
        return value is (literal.text == "true") if typed else value == literal.text
    if literal.kind == "null":
        return value is None if typed else value == literal.text
    if not isinstance(value, str):
        return False
    assert literal.regex is not None
    if literal.kind == "regex":
        return literal.regex.search(value) is not None
    return literal.regex.fullmatch(value) is not None


def _ordered(op: str, bound: float, value: object, typed: bool) -> bool:
    number = _as_number(value, typed)
    if number is None:
        return False
    return {"<": number < bound, "<=": number <= bound, ">": number > bound, ">=": number >= bound}[op]


@dataclass(frozen=True)
class _JsonMatcher:
    expr: _Expr

    def matches(self, message: str) -> bool:
        try:
            document = json.loads(message)
        except ValueError:
            return False
        return _evaluate(self.expr, lambda target: _select(document, target), typed=True)


def _select(document: object, selector: str) -> list[object]:
    """Every value `selector` ($.a[0].b, $.list[*]) reaches in `document`."""
    values: list[object] = [document]
    for step in _selector_steps(selector):
        reached: list[object] = []
        for value in values:
            if step == "*":
                if isinstance(value, dict):
                    reached.extend(value.values())
                elif isinstance(value, list):
                    reached.extend(value)
            elif isinstance(step, int):
                if isinstance(value, list) and -len(value) <= step < len(value):
                    reached.append(value[step])
            elif isinstance(value, dict) and step in value:
                reached.append(value[step])
        values = reached
    return values


def _selector_steps(selector: str) -> Iterator[str | int]:
    for match in re.finditer(r"\.([^.\[]+)|\[\s*(\d+|\*)\s*\]", selector[1:]):
        key, index = match.groups()
        if key is not None:
            yield key
        else:
            yield "*" if index == "*" else int(index)


@dataclass(frozen=True)
class _Slot:
    """One field of a space-delimited pattern: `...`, or a name."""

    name: str | None


@dataclass(frozen=True)
class _SpaceMatcher:
    slots: tuple[_Slot, ...]
    expr: _Expr | None

    def matches(self, message: str) -> bool:
        fields = _split_fields(message)
        return any(
            self.expr is None or _evaluate(self.expr, _lookup(binding), typed=False)
            for binding in _align(self.slots, fields, 0, 0, {})
        )


def _lookup(binding: Mapping[str, str]) -> _Resolver:
    return lambda name: [binding[name]]


def _split_fields(message: str) -> list[str]:
    """Fields split on spaces; "quoted" and [bracketed] text is one field."""
    fields = []
    for match in re.finditer(r'"([^"]*)"|\[([^\]]*)\]|(\S+)', message):
        quoted, bracketed, plain = match.groups()
        fields.append(next(part for part in (quoted, bracketed, plain) if part is not None))
    return fields


def _align(
    slots: tuple[_Slot, ...], fields: list[str], si: int, fi: int, bound: Mapping[str, str]
) -> Iterator[Mapping[str, str]]:
    """Every way the slots (with `...` taking any number of fields) cover the fields."""
    if si == len(slots):
        if fi == len(fields):
            yield bound
        return
    slot = slots[si]
    if slot.name is None:
        for end in range(fi, len(fields) + 1):
            yield from _align(slots, fields, si + 1, end, bound)
    elif fi < len(fields):
        yield from _align(slots, fields, si + 1, fi + 1, {**bound, slot.name: fields[fi]})


@dataclass(frozen=True)
class _MatchAll:
    def matches(self, message: str) -> bool:
        return True


_Matcher = _MatchAll | _TermsMatcher | _JsonMatcher | _SpaceMatcher


@dataclass(frozen=True)
class LogPattern:
    """A compiled filter pattern; `matches(message)` is what CloudWatch would say."""

    text: str
    kind: PatternKind
    _matcher: _Matcher = field(repr=False, compare=False)

    @property
    def matches_all(self) -> bool:
        return self.kind == "all"

    def matches(self, message: str) -> bool:
        return self._matcher.matches(message)


MATCH_ALL = LogPattern("", "all", _MatchAll())


def compile_pattern(text: str) -> LogPattern:
    """Compile a CloudWatch filter pattern; ValidationError says what is wrong and where."""
    stripped = text.strip()
    try:
        if not stripped:
            return LogPattern(text, "all", _MatchAll())
        if stripped.startswith("{"):
            return LogPattern(text, "json", _parse_json(text))
        if stripped.startswith("["):
            return LogPattern(text, "space", _parse_space(text))
        return LogPattern(text, "terms", _parse_terms(text))
    except _PatternError as exc:
        where = f" (at column {exc.at + 1})" if exc.at is not None else ""
        raise ValidationError(f"bad filter pattern {text!r}: {exc.why}{where}") from None
    except RecursionError:
        raise ValidationError(f"bad filter pattern {text[:40]!r}…: nested too deeply") from None


# -- unstructured terms ----------------------------------------------------------


def _parse_terms(text: str) -> _TermsMatcher:
    required: list[_Term] = []
    optional: list[_Term] = []
    excluded: list[_Term] = []
    pos = 0
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        start = pos
        prefix = text[pos] if text[pos] in "?-" else ""
        pos += len(prefix)
        if pos >= len(text) or text[pos].isspace():
            raise _PatternError(f"{prefix!r} must be followed by a term", start)
        if text[pos] == '"':
            phrase, pos = _read_quoted(text, pos)
            term = _Term(phrase)
        elif text[pos] == "%":
            regex, pos = _read_regex(text, pos)
            term = _Term(regex.pattern, regex)
        else:
            end = pos
            while end < len(text) and not text[end].isspace():
                if text[end] == '"':
                    raise _PatternError("a quote inside a term: quote the whole phrase", end)
                end += 1
            term, pos = _Term(text[pos:end]), end
        if pos < len(text) and not text[pos].isspace():
            raise _PatternError("expected a space after the quoted phrase", pos)
        {"?": optional, "-": excluded, "": required}[prefix].append(term)
    return _TermsMatcher(tuple(required), tuple(optional), tuple(excluded))


def _read_quoted(text: str, pos: int) -> tuple[str, int]:
    """The phrase in double quotes at `pos` (\\" and \\\\ escaped), and the index after it."""
    out: list[str] = []
    i = pos + 1
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in '"\\':
            out.append(text[i + 1])
            i += 2
        elif char == '"':
            return "".join(out), i + 1
        else:
            out.append(char)
            i += 1
    raise _PatternError("unclosed double quote", pos)


def _read_regex(text: str, pos: int) -> tuple[re.Pattern[str], int]:
    end = text.find("%", pos + 1)
    if end < 0:
        raise _PatternError("unclosed %regex%", pos)
    source = text[pos + 1 : end]
    if not source:
        raise _PatternError("empty %regex%", pos)
    try:
        return re.compile(source), end + 1
    except re.error as exc:
        raise _PatternError(f"bad regex %{source}%: {exc}", pos) from None


# -- JSON and space-delimited expressions ------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: Literal["(", ")", "&&", "||", ",", "op", "selector", "string", "regex", "word", "end"]
    text: str
    at: int
    regex: re.Pattern[str] | None = None


_OPERATORS = ("!=", "<=", ">=", "=", "<", ">")


def _tokenize(text: str, start: int, end: int, space: bool) -> list[_Token]:
    """Tokens of text[start:end]; in `space` mode commas separate fields."""
    stops = "()=!<>&|" + (",]" if space else "")
    tokens: list[_Token] = []
    pos = start
    while pos < end:
        char = text[pos]
        if char.isspace():
            pos += 1
        elif char == "(":
            tokens.append(_Token("(", char, pos))
            pos += 1
        elif char == ")":
            tokens.append(_Token(")", char, pos))
            pos += 1
        elif space and char == ",":
            tokens.append(_Token(",", char, pos))
            pos += 1
        elif text.startswith("&&", pos) or text.startswith("||", pos):
            joiner: Literal["&&", "||"] = "&&" if char == "&" else "||"
            tokens.append(_Token(joiner, joiner, pos))
            pos += 2
        elif op := next((op for op in _OPERATORS if text.startswith(op, pos)), None):
            tokens.append(_Token("op", op, pos))
            pos += len(op)
        elif char == '"':
            value, after = _read_quoted(text[:end], pos)
            tokens.append(_Token("string", value, pos))
            pos = after
        elif char == "%":
            regex, after = _read_regex(text[:end], pos)
            tokens.append(_Token("regex", regex.pattern, pos, regex))
            pos = after
        elif char in "&|!":
            raise _PatternError(f"unexpected {char!r} (did you mean {char * 2 if char != '!' else '!='}?)", pos)
        elif char == "$" and not space and (pos + 1 == end or text[pos + 1] in ".[" + stops or text[pos + 1].isspace()):
            match = _SELECTOR.match(text, pos, end)
            assert match is not None
            after = match.end()
            if after < end and text[after] in ".[":
                raise _PatternError("bad property selector", after)
            tokens.append(_Token("selector", match.group(), pos))
            pos = after
        else:
            after = pos
            while after < end and not text[after].isspace() and text[after] not in stops + '"':
                after += 1
            if after == pos:
                raise _PatternError(f"unexpected {char!r}", pos)
            tokens.append(_Token("word", text[pos:after], pos))
            pos = after
    tokens.append(_Token("end", "", end))
    return tokens


class _Parser:
    """Recursive descent over `||` (loosest), `&&`, parentheses and comparisons."""

    def __init__(self, tokens: list[_Token], targets: Literal["selector", "word"]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.targets = targets

    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def take(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def expression(self) -> _Expr:
        parts = [self.conjunction()]
        while self.peek().kind == "||":
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else _Junction("||", tuple(parts))

    def conjunction(self) -> _Expr:
        parts = [self.atom()]
        while self.peek().kind == "&&":
            self.take()
            parts.append(self.atom())
        return parts[0] if len(parts) == 1 else _Junction("&&", tuple(parts))

    def atom(self) -> _Expr:
        token = self.take()
        if token.kind == "(":
            inner = self.expression()
            closing = self.take()
            if closing.kind != ")":
                raise _PatternError("expected ')'", closing.at)
            return inner
        if token.kind != self.targets:
            wanted = "a property selector like $.field" if self.targets == "selector" else "a field name"
            raise _PatternError(f"expected {wanted}, found {_describe(token)}", token.at)
        if self.targets == "word" and not _FIELD_NAME.fullmatch(token.text):
            raise _PatternError(f"{token.text!r} is not a field name", token.at)
        return self.comparison(token)

    def comparison(self, target: _Token) -> _Comparison:
        token = self.take()
        keyword = token.text.upper() if token.kind == "word" else ""
        if keyword == "IS":
            what = self.take()
            test = what.text.upper() if what.kind == "word" else ""
            if test not in ("NULL", "TRUE", "FALSE"):
                raise _PatternError("expected NULL, TRUE or FALSE after IS", what.at)
            return _Comparison(target.text, test.lower())
        if keyword == "NOT":
            what = self.take()
            if what.kind != "word" or what.text.upper() != "EXISTS":
                raise _PatternError("expected EXISTS after NOT", what.at)
            return _Comparison(target.text, "missing")
        if token.kind != "op":
            raise _PatternError(
                f"expected an operator (=, !=, <, <=, >, >=, IS, NOT EXISTS) after {target.text}, "
                f"found {_describe(token)}",
                token.at,
            )
        value = self.value(token)
        return _Comparison(target.text, token.text, value)

    def value(self, op: _Token) -> _Value:
        token = self.take()
        if token.kind == "string":
            value = _Value("string", token.text, regex=_wildcard(token.text))
        elif token.kind == "regex":
            value = _Value("regex", token.text, regex=token.regex)
        elif token.kind == "word":
            if _NUMBER.fullmatch(token.text):
                value = _Value("number", token.text, number=float(token.text))
            elif token.text in ("true", "false"):
                value = _Value("bool", token.text)
            elif token.text == "null":
                value = _Value("null", token.text)
            else:
                value = _Value("string", token.text, regex=_wildcard(token.text))
        else:
            raise _PatternError(f"expected a value after {op.text}, found {_describe(token)}", token.at)
        if op.text in _ORDERING_OPS and value.kind != "number":
            raise _PatternError(f"{op.text} needs a number, not {token.text!r}", token.at)
        return value


def _describe(token: _Token) -> str:
    return "the end of the pattern" if token.kind == "end" else repr(token.text)


def _wildcard(text: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in text.split("*")), re.DOTALL)


def _closing(text: str, opener: str, closer: str) -> tuple[int, int]:
    """Where the pattern's outer opener and its closer are; nothing may follow."""
    start = text.index(opener)
    end = text.rstrip().rfind(closer)
    if end <= start or text.rstrip()[-1] != closer:
        raise _PatternError(f"a pattern that starts with {opener!r} must end with {closer!r}", start)
    return start, end


def _parse_json(text: str) -> _JsonMatcher:
    start, end = _closing(text, "{", "}")
    tokens = _tokenize(text, start + 1, end, space=False)
    if tokens[0].kind == "end":
        raise _PatternError('empty JSON pattern: write a condition like { $.level = "ERROR" }', start)
    parser = _Parser(tokens, "selector")
    expr = parser.expression()
    if parser.peek().kind != "end":
        extra = parser.peek()
        raise _PatternError(f"unexpected {_describe(extra)} (join conditions with && or ||)", extra.at)
    return _JsonMatcher(expr)


def _parse_space(text: str) -> _SpaceMatcher:
    start, end = _closing(text, "[", "]")
    tokens = _tokenize(text, start + 1, end, space=True)
    slots: list[_Slot] = []
    conditions: list[_Expr] = []
    group: list[_Token] = []
    for token in tokens:
        if token.kind not in (",", "end"):
            group.append(token)
            continue
        if not group:
            raise _PatternError("empty field (two commas in a row?)", token.at)
        first = group[0]
        if len(group) == 1 and first.kind == "word" and first.text == "...":
            slots.append(_Slot(None))
        elif len(group) == 1 and first.kind == "word":
            if not _FIELD_NAME.fullmatch(first.text):
                raise _PatternError(f"{first.text!r} is not a field name", first.at)
            slots.append(_Slot(first.text))
        else:
            if first.kind != "word" or not _FIELD_NAME.fullmatch(first.text):
                raise _PatternError(f"a field starts with its name, not {_describe(first)}", first.at)
            slots.append(_Slot(first.text))
            parser = _Parser([*group, _Token("end", "", token.at)], "word")
            conditions.append(parser.expression())
            if parser.peek().kind != "end":
                extra = parser.peek()
                raise _PatternError(f"unexpected {_describe(extra)} in field {first.text}", extra.at)
        group = []
    names = [slot.name for slot in slots if slot.name is not None]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise _PatternError(f"field name {duplicates[0]!r} is used twice", start)
    for condition in conditions:
        for target in _targets(condition):
            if target not in names:
                raise _PatternError(f"condition on {target!r}, which is not a field of the pattern", start)
    expr = conditions[0] if len(conditions) == 1 else (_Junction("&&", tuple(conditions)) if conditions else None)
    return _SpaceMatcher(tuple(slots), expr)


def _targets(expr: _Expr) -> Iterator[str]:
    if isinstance(expr, _Comparison):
        yield expr.target
    else:
        for part in expr.parts:
            yield from _targets(part)
