"""CloudWatch filter patterns, matched by lstui itself (no server involved)."""

from __future__ import annotations

import json
import operator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from localstack_tui.core.errors import ValidationError
from localstack_tui.core.log_filter import compile_pattern


def matches(pattern: str, message: str) -> bool:
    return compile_pattern(pattern).matches(message)


# -- unstructured terms --------------------------------------------------------------


@pytest.mark.parametrize("pattern", ["", "   ", '" "'])
def test_empty_pattern_and_quoted_space_match_everything(pattern: str) -> None:
    for message in ["", "anything", "ERROR x", '{"a": 1}']:
        assert matches(pattern, message)
    assert compile_pattern("").matches_all
    assert compile_pattern("  ").kind == "all"


def test_a_term_is_a_case_sensitive_substring() -> None:
    assert matches("ERROR", "[ERROR] boom")
    assert matches("ERROR", "xERRORx")
    assert not matches("ERROR", "error: boom")
    assert not matches("ERROR", "Error")
    assert compile_pattern("ERROR").kind == "terms"


def test_several_terms_must_all_match() -> None:
    assert matches("ERROR Exception", "ERROR: an Exception happened")
    assert matches("ERROR Exception", "Exception before ERROR")
    assert not matches("ERROR Exception", "ERROR alone")
    assert not matches("ERROR Exception", "Exception alone")


def test_quoted_phrase_matches_as_a_whole() -> None:
    assert matches('"Task timed out"', "2024-05-01 Task timed out after 3.00 seconds")
    assert not matches('"Task timed out"', "Task has timed out")
    assert matches('"say \\"hi\\""', 'they say "hi" twice')
    assert matches('"a:b" ERROR', "ERROR at a:b")


def test_question_mark_terms_are_alternatives() -> None:
    assert matches("?ERROR ?WARN", "WARN low disk")
    assert matches("?ERROR ?WARN", "ERROR boom")
    assert not matches("?ERROR ?WARN", "INFO fine")
    assert matches('?"timed out" ?Traceback', "Task timed out")


def test_minus_excludes() -> None:
    assert matches("ERROR -DEBUG", "ERROR boom")
    assert not matches("ERROR -DEBUG", "DEBUG ERROR boom")
    assert not matches('-"health check"', "GET /health check ok")
    assert matches('-"health check"', "GET /orders")


def test_required_alternatives_and_exclusions_combine() -> None:
    pattern = "payment ?ERROR ?WARN -retry"
    assert matches(pattern, "payment ERROR")
    assert not matches(pattern, "payment INFO")
    assert not matches(pattern, "ERROR only")
    assert not matches(pattern, "payment ERROR retry")


def test_regex_terms() -> None:
    assert matches("%ERROR|WARN%", "a WARN line")
    assert matches("%^START RequestId%", "START RequestId: x")
    assert not matches("%^START%", "not START")
    assert matches("%[0-9]{3}%", "status 404")


# -- JSON patterns ---------------------------------------------------------------------

EVENT = json.dumps(
    {
        "eventType": "UpdateTrail",
        "sourceIPAddress": "123.123.1.2",
        "level": "ERROR",
        "latency": 42,
        "ratio": 0.5,
        "ok": True,
        "failed": False,
        "nothing": None,
        "user": {"id": 1, "name": "Ana Lima", "email": "ana@example.com"},
        "users": [{"id": 1, "email": "a@x"}, {"id": 2, "email": "b@x"}],
        "actions": ["GET", "PUT", "POST"],
        "version": "$LATEST",
    }
)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ('{ $.eventType = "UpdateTrail" }', True),
        ("{ $.eventType = UpdateTrail }", True),
        ("{$.eventType=UpdateTrail}", True),
        ('{ $.eventType = "Update" }', False),
        ('{ $.eventType = "Update*" }', True),
        ('{ $.eventType = "*Trail" }', True),
        ('{ $.eventType = "*date*" }', True),
        ("{ $.sourceIPAddress = 123.123.* }", True),
        ("{ $.sourceIPAddress != 123.123.* }", False),
        ('{ $.eventType != "DeleteTrail" }', True),
        ('{ $.user.name = "Ana Lima" }', True),
        ('{ $.user.email = "*@example.com" }', True),
        ("{ $.users[1].id = 2 }", True),
        ("{ $.users[0].id = 2 }", False),
        ('{ $.actions[2] = "POST" }', True),
        ('{ $.actions[*] = "PUT" }', True),
        ('{ $.users[*].email = "b@*" }', True),
        ("{ $.version = $LATEST }", True),
        ("{ $.eventType = %^Update% }", True),
        ("{ $.eventType = %^Delete% }", False),
    ],
)
def test_json_strings(pattern: str, expected: bool) -> None:
    assert matches(pattern, EVENT) is expected
    assert compile_pattern(pattern).kind == "json"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("{ $.latency = 42 }", True),
        ("{ $.latency = 42.0 }", True),
        ("{ $.latency != 42 }", False),
        ("{ $.latency > 40 }", True),
        ("{ $.latency >= 42 }", True),
        ("{ $.latency < 42 }", False),
        ("{ $.latency <= 42 }", True),
        ("{ $.ratio < 1 }", True),
        ("{ $.ratio > -1e3 }", True),
        ("{ $.user.id = 1 }", True),
        # A number never equals a string, nor a string a number.
        ('{ $.latency = "42" }', False),
        ("{ $.eventType > 1 }", False),
        ("{ $.ok > 0 }", False),
    ],
)
def test_json_numbers(pattern: str, expected: bool) -> None:
    assert matches(pattern, EVENT) is expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("{ $.nothing IS NULL }", True),
        ("{ $.level IS NULL }", False),
        ("{ $.absent IS NULL }", False),
        ("{ $.absent NOT EXISTS }", True),
        ("{ $.user.absent NOT EXISTS }", True),
        ("{ $.nothing NOT EXISTS }", False),
        ("{ $.users[5] NOT EXISTS }", True),
        ("{ $.ok IS TRUE }", True),
        ("{ $.ok IS FALSE }", False),
        ("{ $.failed IS FALSE }", True),
        ("{ $.level IS TRUE }", False),
        ("{ $.ok is true }", True),
        # A comparison on a missing property is false, `!=` included.
        ('{ $.absent = "x" }', False),
        ('{ $.absent != "x" }', False),
        ("{ $.absent < 5 }", False),
    ],
)
def test_json_tests_and_missing_properties(pattern: str, expected: bool) -> None:
    assert matches(pattern, EVENT) is expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ('{ $.level = "ERROR" && $.latency > 40 }', True),
        ('{ $.level = "ERROR" && $.latency > 50 }', False),
        ('{ $.level = "INFO" || $.latency > 40 }', True),
        ('{ $.level = "INFO" || $.latency > 50 }', False),
        ('{ ($.user.id = 1) && ($.users[0].email = "a@x") }', True),
        ('{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "POST" }', True),
        ('{ ($.user.id = 2 || $.users[0].email = "a@x") && $.actions[2] = "GET" }', False),
        # && binds tighter than ||.
        ('{ $.level = "INFO" && $.ok IS TRUE || $.latency = 42 }', True),
        ('{ $.latency = 42 || $.level = "INFO" && $.ok IS FALSE }', True),
        ('{ ($.latency = 42 || $.level = "INFO") && $.ok IS FALSE }', False),
        ("{ ((($.latency = 42))) }", True),
    ],
)
def test_json_and_or_parentheses(pattern: str, expected: bool) -> None:
    assert matches(pattern, EVENT) is expected


def test_json_pattern_on_a_non_json_message_does_not_match() -> None:
    for message in ["ERROR plain text", '[INFO]\t2024\tid\t{"level": "ERROR"}', "{broken", ""]:
        assert not matches('{ $.level = "ERROR" }', message)
        assert not matches("{ $.level NOT EXISTS }", message)


def test_json_message_with_a_trailing_newline_still_matches() -> None:
    assert matches('{ $.level = "ERROR" }', '{"level": "ERROR"}\n')


# -- space-delimited patterns ---------------------------------------------------------

APACHE = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 404 1534'


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("[ip, user, username, timestamp, request, status_code, bytes]", True),
        ("[ip, user, username, timestamp, request, status_code]", False),
        ("[ip, user, username, timestamp, request, status_code = 404, bytes]", True),
        ("[ip, user, username, timestamp, request, status_code = 4*, bytes > 1000]", True),
        ("[ip, user, username, timestamp, request, status_code = 5*, bytes]", False),
        ("[ip, user, username, timestamp, request = *.gif*, status_code, bytes]", True),
        ('[ip, user, username, timestamp, request = "GET /apache_pb.gif HTTP/1.0", ...]', True),
        ("[ip = 127.0.0.*, ...]", True),
        ("[..., status_code = 404, bytes]", True),
        ("[..., status_code = 200, bytes]", False),
        ("[ip, ..., bytes >= 1534]", True),
        ("[ip, ..., bytes < 1534]", False),
        ("[ip, user, username, timestamp = 10/Oct/2000*, ...]", True),
        ("[..., status_code = 400 || status_code = 404, bytes]", True),
        ("[..., status_code >= 400 && status_code < 404, bytes]", False),
        ("[ip, user != -, ...]", False),
        ("[ip, user = -, username = frank, ...]", True),
    ],
)
def test_space_delimited(pattern: str, expected: bool) -> None:
    assert matches(pattern, APACHE) is expected
    assert compile_pattern(pattern).kind == "space"


# -- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ('"unclosed', "unclosed double quote"),
        ("?", "must be followed by a term"),
        ("ERROR - DEBUG", "must be followed by a term"),
        ('ab"cd', "quote inside a term"),
        ("%(%", "bad regex"),
        ("%abc", "unclosed %regex%"),
        ("{ $.a = 1", "must end with '}'"),
        ("{ }", "empty JSON pattern"),
        ("{ $.a = }", "expected a value after ="),
        ("{ $.a > big }", "> needs a number"),
        ("{ level = 1 }", "expected a property selector"),
        ("{ $.a = 1 $.b = 2 }", "join conditions with && or ||"),
        ("{ $.a = 1 & $.b = 2 }", "did you mean &&"),
        ("{ ($.a = 1 }", "expected ')'"),
        ("{ $.a IS MAYBE }", "expected NULL, TRUE or FALSE"),
        ("{ $.a NOT THERE }", "expected EXISTS"),
        ("{ $.a }", "expected an operator"),
        ("[a, b", "must end with ']'"),
        ("[a, , b]", "empty field"),
        ("[a, a]", "used twice"),
        ("[a, b = 1 && c = 2]", "not a field of the pattern"),
        ("[a, 1b]", "not a field name"),
    ],
)
def test_bad_syntax_is_a_validation_error_that_says_why(pattern: str, why: str) -> None:
    with pytest.raises(ValidationError) as info:
        compile_pattern(pattern)
    assert why in str(info.value)
    assert repr(pattern) in str(info.value)


# -- properties ------------------------------------------------------------------------

WORD_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs", "Zs", "Zl", "Zp", "Cc"))
terms = st.text(WORD_CHARS, min_size=1, max_size=6).filter(
    lambda t: t[0] not in '?-"%{[' and '"' not in t and not any(c.isspace() for c in t)
)
messages = st.text(max_size=40)


@given(terms, messages)
def test_single_term_matches_exactly_the_messages_that_contain_it(term: str, message: str) -> None:
    assert matches(term, message) is (term in message)
    assert matches(term, message + term + message)


@given(terms, messages)
def test_minus_term_negates_the_term(term: str, message: str) -> None:
    assert matches(f"-{term}", message) is (not matches(term, message))


@given(st.lists(terms, min_size=1, max_size=4), messages)
def test_question_terms_are_any_and_plain_terms_are_all(words: list[str], message: str) -> None:
    assert matches(" ".join(f"?{w}" for w in words), message) is any(w in message for w in words)
    assert matches(" ".join(words), message) is all(w in message for w in words)


@given(st.text(max_size=12), messages)
def test_quoted_phrase_is_a_substring(phrase: str, message: str) -> None:
    quoted = '"' + phrase.replace("\\", "\\\\").replace('"', '\\"') + '"'
    expected = phrase in message or not phrase.strip()
    assert matches(quoted, message) is expected


OPS = {"=": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


@given(st.sampled_from(sorted(OPS)), st.integers(-(10**6), 10**6), st.integers(-(10**6), 10**6))
def test_json_numeric_comparisons_agree_with_python(op: str, field: int, bound: int) -> None:
    assert matches(f"{{ $.n {op} {bound} }}", json.dumps({"n": field})) is OPS[op](field, bound)


plain_values = st.text(st.characters(codec="ascii", exclude_characters='*"\\'), max_size=8)


@given(plain_values, plain_values)
def test_json_string_equality_is_exact_and_star_is_a_prefix_wildcard(value: str, actual: str) -> None:
    message = json.dumps({"s": actual})
    quoted = f'"{value}"'
    assert matches(f"{{ $.s = {quoted} }}", message) is (actual == value)
    assert matches(f"{{ $.s != {quoted} }}", message) is (actual != value)
    assert matches(f'{{ $.s = "{value}*" }}', message) is actual.startswith(value)


@given(st.text(max_size=30))
def test_json_patterns_never_match_non_json(message: str) -> None:
    try:
        json.loads(message)
    except ValueError:
        assert not matches("{ $.a NOT EXISTS }", message)
        assert not matches("{ $ NOT EXISTS || $.a IS NULL || $.a != 1 }", message)


@given(st.text(max_size=40) | st.text('{}[]()$.=!<>&|"%*?-, ab1\\', max_size=30))
def test_compile_either_works_or_raises_validation_error(text: str) -> None:
    try:
        pattern = compile_pattern(text)
    except ValidationError:
        return
    pattern.matches(text)
    pattern.matches('{"a": [1, {"b": null}]}')
