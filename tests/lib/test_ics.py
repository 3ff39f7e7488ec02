from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from hireloop.lib.ics import Attendee, Invite, render

STAMP = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
REQUIRED = [
    "UID",
    "SEQUENCE",
    "DTSTAMP",
    "DTSTART",
    "DTEND",
    "SUMMARY",
    "DESCRIPTION",
    "LOCATION",
    "ORGANIZER",
]


def invite(**changes: object) -> Invite:
    base = Invite(
        uid="interview-42@hireloop",
        sequence=0,
        start=datetime(2025, 3, 10, 14, 30, tzinfo=UTC),
        minutes=45,
        summary="System design interview",
        description="Bring a laptop.",
        location="Room 3",
        organizer=Attendee("Rita Recruiter", "rita@acme.test"),
        attendees=(
            Attendee("Ivan Interviewer", "ivan@acme.test"),
            Attendee("Jane Doe", "jane@x.test"),
        ),
        stamp=STAMP,
    )
    return replace(base, **changes)


def unfold(data: bytes) -> list[str]:
    assert data.endswith(b"\r\n")
    bare = data.replace(b"\r\n", b"")
    assert b"\r" not in bare
    assert b"\n" not in bare
    return data.replace(b"\r\n ", b"").decode().split("\r\n")[:-1]


def split(line: str) -> tuple[str, str, str]:
    """Content line -> (name, params, value); the value starts at the first ':' outside quotes."""
    quoted = False
    for i, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            head, value = line[:i], line[i + 1 :]
            name, _, params = head.partition(";")
            return name, params, value
    raise AssertionError(f"no value in {line!r}")


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def event(data: bytes) -> list[tuple[str, str, str]]:
    lines = unfold(data)
    start, end = lines.index("BEGIN:VEVENT"), lines.index("END:VEVENT")
    return [split(line) for line in lines[start + 1 : end]]


def values(data: bytes, name: str) -> list[str]:
    return [value for prop, _, value in event(data) if prop == name]


def test_every_required_property_appears_exactly_once() -> None:
    data = render(invite())
    lines = unfold(data)
    assert lines[:5] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Hireloop//Interviews//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:REQUEST",
    ]
    assert lines[-1] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == 1
    names = [name for name, _, _ in event(data)]
    for name in REQUIRED:
        assert names.count(name) == 1, name
    assert "STATUS" not in names
    assert "URL" not in names
    attendees = [(params, value) for name, params, value in event(data) if name == "ATTENDEE"]
    assert attendees == [
        (
            "CN=Ivan Interviewer;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE",
            "mailto:ivan@acme.test",
        ),
        ("CN=Jane Doe;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE", "mailto:jane@x.test"),
    ]
    assert ("ORGANIZER", "CN=Rita Recruiter", "mailto:rita@acme.test") in event(data)


def test_times_are_converted_to_utc() -> None:
    berlin = datetime(2025, 7, 1, 9, 15, tzinfo=ZoneInfo("Europe/Berlin"))  # CEST, UTC+2
    data = render(
        invite(
            start=berlin,
            minutes=90,
            stamp=datetime(2025, 6, 30, 23, 0, 5, tzinfo=ZoneInfo("America/New_York")),
        )
    )
    assert values(data, "DTSTART") == ["20250701T071500Z"]
    assert values(data, "DTEND") == ["20250701T084500Z"]
    assert values(data, "DTSTAMP") == ["20250701T030005Z"]


def test_text_escaping_round_trips() -> None:
    text = 'Back\\slash; semi, comma\r\nwindows\rmac\nunix "quotes" and: colon'
    data = render(invite(summary=text, description=text, location=text))
    raw = values(data, "SUMMARY")[0]
    assert raw == 'Back\\\\slash\\; semi\\, comma\\nwindows\\nmac\\nunix "quotes" and: colon'
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    for name in ("SUMMARY", "DESCRIPTION", "LOCATION"):
        assert unescape(values(data, name)[0]) == expected


def test_control_characters_cannot_inject_properties() -> None:
    data = render(invite(summary="Hi\x00\x1b there", uid="a\nMETHOD:PUBLISH"))
    assert values(data, "SUMMARY") == ["Hi there"]
    assert values(data, "UID") == ["a\\nMETHOD:PUBLISH"]
    with pytest.raises(ValueError):
        render(invite(organizer=Attendee("Eve", "eve@x.test\r\nATTENDEE:mailto:spy@x.test")))


def test_common_name_is_quoted_and_stripped_of_double_quotes() -> None:
    people = (
        Attendee('Doe, Jane "JD"', "jane@x.test"),
        Attendee("Dr. Who: Time; Lord", "who@x.test"),
        Attendee('"Plain"', "plain@x.test"),
    )
    data = render(invite(attendees=people))
    params = [p for n, p, _ in event(data) if n == "ATTENDEE"]
    rest = ";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE"
    assert params == [
        'CN="Doe, Jane JD"' + rest,
        'CN="Dr. Who: Time; Lord"' + rest,
        "CN=Plain" + rest,
    ]
    assert [v for n, _, v in event(data) if n == "ATTENDEE"] == [
        "mailto:jane@x.test",
        "mailto:who@x.test",
        "mailto:plain@x.test",
    ]


def test_long_multibyte_lines_fold_at_75_octets_and_unfold_exactly() -> None:
    description = "Интервью — système 設計 🧑‍💻 " * 40
    data = render(invite(description=description, summary="x" * 300))
    physical = data.split(b"\r\n")[:-1]
    assert any(line.startswith(b" ") for line in physical)
    for line in physical:
        assert len(line) <= 75
        line.decode()  # a split multi-byte character would not decode
    assert unescape(values(data, "DESCRIPTION")[0]) == description
    assert values(data, "SUMMARY") == ["x" * 300]


def test_exactly_75_octets_is_not_folded() -> None:
    data = render(invite(summary="s" * (75 - len("SUMMARY:"))))
    assert b"\r\nSUMMARY:" + b"s" * 67 + b"\r\nDESCRIPTION" in data
    folded = render(invite(summary="s" * 68))
    assert b"\r\nSUMMARY:" + b"s" * 67 + b"\r\n s\r\n" in folded


def test_meeting_links_also_get_a_url() -> None:
    link = "https://meet.example.com/abc-defg-hij?pwd=1,2;3"
    data = render(invite(location=link))
    assert values(data, "URL") == [link]
    assert unescape(values(data, "LOCATION")[0]) == link
    assert values(render(invite(location="https://meet.example.com/x passcode 1")), "URL") == []
    assert values(render(invite(location="ftp://files.example.com")), "URL") == []


def test_empty_location_is_left_out() -> None:
    names = [name for name, _, _ in event(render(invite(location="")))]
    assert "LOCATION" not in names
    assert "URL" not in names


def test_cancellation() -> None:
    data = render(invite(cancelled=True, sequence=3))
    assert "METHOD:CANCEL" in unfold(data)
    assert "METHOD:REQUEST" not in unfold(data)
    assert values(data, "STATUS") == ["CANCELLED"]
    assert values(data, "SEQUENCE") == ["3"]
    assert values(data, "UID") == ["interview-42@hireloop"]
    assert len(values(data, "ATTENDEE")) == 2


def test_output_is_deterministic_with_a_fixed_stamp() -> None:
    assert render(invite()) == render(invite())


def test_stamp_defaults_to_now_in_utc() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    stamp = values(render(invite(stamp=None)), "DTSTAMP")[0]
    after = datetime.now(UTC)
    parsed = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert before <= parsed <= after


@pytest.mark.parametrize(
    "changes",
    [
        {"start": datetime(2025, 3, 10, 14, 30)},
        {"stamp": datetime(2025, 3, 1, 9, 0)},
        {"minutes": 0},
        {"minutes": -30},
        {"sequence": -1},
        {"attendees": (Attendee("No Mail", ""),)},
    ],
)
def test_invalid_invites_are_rejected(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        render(invite(**changes))
