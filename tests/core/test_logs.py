"""Log groups, streams and the tail, against the session's real LocalStack."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from localstack_tui.core.errors import NotFoundError, ValidationError
from localstack_tui.core.log_filter import compile_pattern
from localstack_tui.core.logs import (
    LogEvent,
    LogTail,
    classify,
    follow,
    function_log_group,
    list_log_groups,
    list_log_streams,
    next_interval,
    parse_since,
)
from tests.embedded.lambda_helpers import create_function, unique, wait_until

Aws = Callable[[str], Any]
REQUEST = "9ceaba8e-5fa3-4c33-9df8-0d1d386adf5a"


def now_ms() -> int:
    return int(time.time() * 1000)


def make_group(aws: Aws, *streams: str) -> str:
    group = f"/lstui-test/{unique('g')}"
    aws("logs").create_log_group(logGroupName=group)
    for stream in streams:
        aws("logs").create_log_stream(logGroupName=group, logStreamName=stream)
    return group


def put(aws: Aws, group: str, stream: str, *events: tuple[int, str]) -> None:
    aws("logs").put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": stamp, "message": message} for stamp, message in events],
    )


def messages(events: list[LogEvent]) -> list[str]:
    return [event.message for event in events]


# -- pure helpers ------------------------------------------------------------------------


def test_function_log_group() -> None:
    assert function_log_group("orders") == "/aws/lambda/orders"


@pytest.mark.parametrize(
    ("line", "request_id", "kind"),
    [
        (f"START RequestId: {REQUEST} Version: $LATEST", REQUEST, "start"),
        (f"END RequestId: {REQUEST}", REQUEST, "end"),
        (f"REPORT RequestId: {REQUEST}\tDuration: 2.27 ms\tBilled Duration: 3 ms", REQUEST, "report"),
        (f"[INFO]\t2026-11-28T04:22:11.979Z\t{REQUEST}\tinfo line", REQUEST, "line"),
        (f"[ERROR]\t2026-11-28T04:22:11.979Z\t{REQUEST}\terr line", REQUEST, "error"),
        ("[ERROR] RuntimeError: boom\nTraceback (most recent call last):\n  File x", None, "error"),
        (f"2026-11-28T04:22:11.979Z\t{REQUEST}\tINFO\tnode says hi", REQUEST, "line"),
        (f"2026-11-28T04:22:11.979Z\t{REQUEST}\tERROR\tInvoke Error", REQUEST, "error"),
        ("2026-11-28T04:22:14.000Z Task timed out after 3.00 seconds", None, "error"),
        (f"2026-11-28T04:25:38Z {REQUEST} Task timed out after 1.00 seconds", REQUEST, "error"),
        ('{"errorMessage": "boom", "errorType": "RuntimeError", "stackTrace": []}', None, "error"),
        (f"RequestId: {REQUEST} Error: Runtime exited with error: exit status 1", REQUEST, "error"),
        ("hello {'i': 0}", None, "line"),
        ("[INFO]\tnot\ta request id\tx", None, "line"),
        ("", None, "line"),
    ],
)
def test_classify_lambda_lines(line: str, request_id: str | None, kind: str) -> None:
    assert classify(line) == (request_id, kind)


def test_next_interval_is_short_while_events_flow_and_backs_off_when_idle() -> None:
    assert next_interval(0.25, True) == 0.1
    intervals = [0.1]
    for _ in range(6):
        intervals.append(next_interval(intervals[-1], False))
    assert intervals == [0.1, 0.2, 0.25, 0.25, 0.25, 0.25, 0.25]
    assert next_interval(0.0, False) == 0.2
    assert next_interval(1.0, False, fastest=0.5, slowest=1.5) == 1.5


def test_parse_since() -> None:
    now = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_since("30s", now) == now - timedelta(seconds=30)
    assert parse_since("10m", now) == now - timedelta(minutes=10)
    assert parse_since("2h", now) == now - timedelta(hours=2)
    assert parse_since(" 1d ", now) == now - timedelta(days=1)
    assert parse_since("1w", now) == now - timedelta(weeks=1)
    assert parse_since("1h30m", now) == now - timedelta(minutes=90)
    assert parse_since("5M", now) == now - timedelta(minutes=5)
    assert parse_since("2026-04-30T10:00:00Z") == datetime(2026, 4, 30, 10, tzinfo=UTC)
    assert parse_since("2026-04-30T10:00:00+02:00") == datetime(2026, 4, 30, 8, tzinfo=UTC)
    assert parse_since("2026-04-30T10:00") == datetime(2026, 4, 30, 10, tzinfo=UTC)
    assert parse_since("2026-04-30") == datetime(2026, 4, 30, tzinfo=UTC)
    assert abs(parse_since("10m") - (datetime.now(UTC) - timedelta(minutes=10))) < timedelta(seconds=5)


@pytest.mark.parametrize("text", ["", "10", "ten minutes", "10x", "m", "-5m", "2026-13-01", "10m ago"])
def test_parse_since_refuses_what_it_cannot_read(text: str) -> None:
    with pytest.raises(ValidationError, match="cannot read"):
        parse_since(text)


# -- groups and streams ------------------------------------------------------------------


def test_list_log_groups_with_prefix(aws: Aws, clients: Any) -> None:
    prefix = f"/lstui-test/{unique('list')}"
    for name in ("b", "a", "c/deeper"):
        aws("logs").create_log_group(logGroupName=f"{prefix}/{name}")
    groups = list_log_groups(clients, prefix=prefix)
    assert [group.name for group in groups] == [f"{prefix}/a", f"{prefix}/b", f"{prefix}/c/deeper"]
    assert all(group.arn.endswith(f":log-group:{group.name}") for group in groups)
    assert all(group.created is not None and group.created.tzinfo is UTC for group in groups)
    everything = {group.name for group in list_log_groups(clients)}
    assert {group.name for group in groups} <= everything


def test_list_log_streams_newest_first(aws: Aws, clients: Any) -> None:
    group = make_group(aws, "old", "new", "middle", "empty")
    base = now_ms() - 60_000
    put(aws, group, "old", (base, "o"))
    put(aws, group, "new", (base + 2000, "n"))
    put(aws, group, "middle", (base + 1000, "m"))
    streams = list_log_streams(clients, group)
    assert [stream.name for stream in streams] == ["new", "middle", "old", "empty"]
    assert streams[0].last_event == datetime.fromtimestamp((base + 2000) / 1000, UTC)
    assert streams[-1].last_event is None and streams[-1].created is not None
    assert [stream.name for stream in list_log_streams(clients, group, limit=2)] == ["new", "middle"]


def test_list_log_streams_of_a_missing_group_is_not_found(clients: Any) -> None:
    with pytest.raises(NotFoundError, match="cannot list the log streams of /lstui-test/nope"):
        list_log_streams(clients, "/lstui-test/nope")


# -- the tail ------------------------------------------------------------------------------


def test_missing_group_gives_no_events_then_events_once_it_exists(aws: Aws, clients: Any) -> None:
    group = f"/lstui-test/{unique('later')}"
    tail = LogTail(group)
    assert tail.poll(clients) == []
    assert tail.poll(clients) == []
    aws("logs").create_log_group(logGroupName=group)
    assert tail.poll(clients) == []
    aws("logs").create_log_stream(logGroupName=group, logStreamName="s")
    put(aws, group, "s", (now_ms(), "first\n"))
    assert messages(tail.poll(clients)) == ["first"]


def test_event_fields(aws: Aws, clients: Any) -> None:
    group = make_group(aws, "s")
    stamp = now_ms() - 5000
    put(aws, group, "s", (stamp, f"START RequestId: {REQUEST} Version: $LATEST\n"), (stamp + 1, "plain\n"))
    start, plain = LogTail(group).poll(clients)
    assert start.timestamp == datetime.fromtimestamp(stamp / 1000, UTC)
    assert start.timestamp_ms == stamp
    assert start.ingestion_time is not None and start.ingestion_time >= start.timestamp
    assert start.stream == "s"
    assert start.message == f"START RequestId: {REQUEST} Version: $LATEST"
    assert start.event_id
    assert (start.request_id, start.kind) == (REQUEST, "start")
    # A plain line inherits the invocation running in its stream.
    assert (plain.message, plain.request_id, plain.kind) == ("plain", REQUEST, "line")


def test_equal_timestamps_across_streams_are_neither_doubled_nor_skipped(aws: Aws, clients: Any) -> None:
    group = make_group(aws, "a", "b", "c")
    stamp = now_ms() - 10_000
    put(aws, group, "a", (stamp - 1, "a0"), (stamp, "a1"), (stamp, "a2"))
    put(aws, group, "b", (stamp, "b1"))
    tail = LogTail(group)
    first = tail.poll(clients)
    assert messages(first) == ["a0", "a1", "a2", "b1"]
    assert tail.cursor == datetime.fromtimestamp(stamp / 1000, UTC)
    assert tail.poll(clients) == []

    # Late arrivals at the cursor's millisecond, in a new stream and in an old one.
    put(aws, group, "c", (stamp, "c1"), (stamp, "c2"))
    put(aws, group, "a", (stamp, "a3"))
    second = tail.poll(clients)
    assert sorted(messages(second)) == ["a3", "c1", "c2"]
    assert tail.poll(clients) == []

    put(aws, group, "b", (stamp, "b2"), (stamp + 1, "b3"))
    put(aws, group, "c", (stamp + 1, "c3"))
    assert sorted(messages(tail.poll(clients))) == ["b2", "b3", "c3"]
    # The cursor moved on: only the events at the new millisecond are remembered.
    put(aws, group, "a", (stamp + 1, "a4"))
    assert messages(tail.poll(clients)) == ["a4"]
    assert tail.poll(clients) == []


def test_events_come_oldest_first_across_streams(aws: Aws, clients: Any) -> None:
    group = make_group(aws, "z", "y")
    base = now_ms() - 10_000
    put(aws, group, "z", (base, "z0"), (base + 2, "z2"), (base + 4, "z4"))
    put(aws, group, "y", (base + 1, "y1"), (base + 3, "y3"))
    assert messages(LogTail(group).poll(clients)) == ["z0", "y1", "z2", "y3", "z4"]


def test_since_skips_older_events(aws: Aws, clients: Any) -> None:
    group = make_group(aws, "s")
    base = now_ms() - 60_000
    put(aws, group, "s", (base, "old"), (base + 30_000, "recent"))
    since = datetime.fromtimestamp((base + 1) / 1000, UTC)
    tail = LogTail(group, since=since)
    assert messages(tail.poll(clients)) == ["recent"]
    assert messages(LogTail(group, since=datetime.fromtimestamp(base / 1000, UTC)).poll(clients)) == [
        "old",
        "recent",
    ]


def test_an_event_older_than_the_cursor_needs_overlap(aws: Aws, clients: Any) -> None:
    group = make_group(aws, "a", "b")
    stamp = now_ms() - 10_000
    put(aws, group, "a", (stamp, "a0"))
    exact, overlapping = LogTail(group), LogTail(group, overlap=timedelta(seconds=1))
    assert messages(exact.poll(clients)) == ["a0"]
    assert messages(overlapping.poll(clients)) == ["a0"]
    put(aws, group, "b", (stamp - 500, "late"))
    assert exact.poll(clients) == []
    assert messages(overlapping.poll(clients)) == ["late"]
    assert overlapping.poll(clients) == []


def test_pattern_is_applied_by_lstui(aws: Aws, clients: Any) -> None:
    group = make_group(aws, "s")
    stamp = now_ms() - 10_000
    lines = ["ERROR boom", "INFO fine", '{"level": "ERROR", "ms": 120}', '{"level": "INFO", "ms": 900}']
    put(aws, group, "s", *((stamp + i, line) for i, line in enumerate(lines)))
    # LocalStack's community provider ignores filterPattern: every event comes back.
    raw = aws("logs").filter_log_events(logGroupName=group, filterPattern="ERROR")["events"]
    assert len(raw) == len(lines)

    assert messages(LogTail(group, pattern="ERROR").poll(clients)) == ["ERROR boom", '{"level": "ERROR", "ms": 120}']
    assert messages(LogTail(group, pattern="?fine ?boom").poll(clients)) == ["ERROR boom", "INFO fine"]
    assert messages(LogTail(group, pattern=compile_pattern("{ $.ms > 500 }")).poll(clients)) == [
        '{"level": "INFO", "ms": 900}'
    ]
    with pytest.raises(ValidationError):
        LogTail(group, pattern="{ $.ms > }")

    # Events the pattern hides still move the cursor: they never come back.
    tail = LogTail(group, pattern="WARN")
    assert tail.poll(clients) == []
    assert tail.received == len(lines)
    put(aws, group, "s", (stamp + 10, "WARN slow"), (stamp + 11, "INFO again"))
    assert messages(tail.poll(clients)) == ["WARN slow"]
    assert tail.poll(clients) == []


def test_stream_selection(aws: Aws, clients: Any) -> None:
    group = make_group(aws, "a", "b")
    stamp = now_ms() - 10_000
    put(aws, group, "a", (stamp, "from a"))
    put(aws, group, "b", (stamp, "from b"))
    assert messages(LogTail(group, streams=["b"]).poll(clients)) == ["from b"]


def test_more_than_a_page_comes_back_whole_and_once(aws: Aws, clients: Any) -> None:
    streams = ["s1", "s2", "s3"]
    group = make_group(aws, *streams)
    stamp = now_ms() - 30_000
    per_stream = 4000  # 12,000 events: LocalStack pages FilterLogEvents at 10,000.
    for stream in streams:
        batch = [(stamp + i // 1000, f"{stream}-{i}") for i in range(per_stream)]
        put(aws, group, stream, *batch)
    first_page = aws("logs").filter_log_events(logGroupName=group)
    assert len(first_page["events"]) == 10_000 and first_page.get("nextToken")

    tail = LogTail(group)
    events = tail.poll(clients)
    assert len(events) == 12_000
    assert len({event.event_id for event in events}) == 12_000
    assert Counter(event.stream for event in events) == dict.fromkeys(streams, per_stream)
    assert [event.timestamp_ms for event in events] == sorted(event.timestamp_ms for event in events)
    for stream in streams:  # each stream keeps its own order
        assert [e.message for e in events if e.stream == stream] == [f"{stream}-{i}" for i in range(per_stream)]
    assert tail.poll(clients) == []

    last = stamp + (per_stream - 1) // 1000
    put(aws, group, "s2", *((last, f"late-{i}") for i in range(3)))
    assert messages(tail.poll(clients)) == ["late-0", "late-1", "late-2"]
    assert tail.poll(clients) == []


def test_follow_yields_new_events_until_stopped(aws: Aws, clients: Any) -> None:
    group = make_group(aws, "s")
    stop = threading.Event()
    pauses: list[float] = []
    seen: list[str] = []
    stamp = now_ms() - 10_000
    put(aws, group, "s", (stamp, "one"))

    def pause(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 2:
            put(aws, group, "s", (stamp + 1, "two"), (stamp + 1, "three"))
        if len(pauses) == 6:
            stop.set()

    for event in follow(clients, group, stop=stop, sleep=pause):
        seen.append(event.message)
    assert seen == ["one", "two", "three"]
    # Fast while events flow, backing off when idle.
    assert pauses == [0.1, 0.2, 0.1, 0.2, 0.25, 0.25]


def test_follow_with_since_and_pattern_wakes_on_stop(aws: Aws, clients: Any) -> None:
    group = make_group(aws, "s")
    stamp = now_ms() - 10_000
    put(aws, group, "s", (stamp - 60_000, "ERROR too old"), (stamp, "ERROR kept"), (stamp + 1, "INFO skipped"))
    stop = threading.Event()
    since = datetime.fromtimestamp((stamp - 1000) / 1000, UTC)
    seen: list[str] = []
    started = time.monotonic()
    for event in follow(clients, group, since=since, pattern="ERROR", stop=stop):
        seen.append(event.message)
        threading.Timer(0.3, stop.set).start()
    assert seen == ["ERROR kept"]
    assert time.monotonic() - started < 3


# -- end to end with a real Lambda ------------------------------------------------------

PRINTER = """
import logging

logging.getLogger().setLevel(logging.INFO)


def lambda_handler(event, context):
    print(f"hello {event['n']}")
    logging.info("working on %s", event["n"])
    if event.get("fail"):
        raise RuntimeError(f"boom {event['n']}")
    return event["n"]
"""


def test_tail_of_a_real_lambda_returns_each_line_once(aws: Aws, clients: Any) -> None:
    lam = aws("lambda")
    name = create_function(lam, {"lambda_function.py": PRINTER})
    tail = LogTail(function_log_group(name))
    assert tail.poll(clients) == []  # no invocation yet: no group

    collected: list[LogEvent] = []

    def reports() -> int:
        collected.extend(tail.poll(clients))
        return sum(event.kind == "report" for event in collected)

    request_ids: dict[int, str] = {}

    def invoke(n: int, fail: bool = False) -> None:
        response = lam.invoke(FunctionName=name, Payload=json.dumps({"n": n, "fail": fail}).encode())
        assert ("FunctionError" in response) is fail
        request_ids[n] = response["ResponseMetadata"]["RequestId"]

    # One at a time, polling in between...
    for n in range(3):
        invoke(n)
        wait_until(lambda n=n: reports() >= n + 1, what=f"the REPORT of invocation {n}")
    # ...then a burst, concurrently, and a failure.
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(invoke, range(3, 9)))
    invoke(9, fail=True)
    wait_until(lambda: reports() >= 10, timeout=30, what="all REPORT lines")
    for _ in range(3):
        collected.extend(tail.poll(clients))

    assert len({event.event_id for event in collected}) == len(collected)
    by_request: dict[str | None, list[LogEvent]] = {}
    for event in collected:
        by_request.setdefault(event.request_id, []).append(event)
    assert set(by_request) == set(request_ids.values())
    for n, request_id in request_ids.items():
        lines = by_request[request_id]
        kinds = [event.kind for event in lines]
        assert kinds.count("start") == kinds.count("end") == kinds.count("report") == 1
        assert kinds[0] == "start" and kinds[-2:] == ["end", "report"]
        assert [event.message for event in lines].count(f"hello {n}") == 1
        working = [event for event in lines if event.message.endswith(f"working on {n}")]
        assert len(working) == 1 and working[0].message.startswith("[INFO]\t")
        assert len({event.stream for event in lines}) == 1
        if n == 9:
            assert any(event.kind == "error" and "boom 9" in event.message for event in lines)
        else:
            assert "error" not in kinds
    assert tail.poll(clients) == []
