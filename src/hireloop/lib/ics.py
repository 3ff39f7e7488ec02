"""Interview calendar invites (RFC 5545 iCalendar, RFC 5546 REQUEST/CANCEL)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

PRODID = "-//Hireloop//Interviews//EN"
_FOLD_AT = 75  # octets per physical line, excluding CRLF (RFC 5545 3.1)
# TEXT and quoted parameters may not carry control characters other than HTAB (TSAFE/QSAFE-CHAR).
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str


@dataclass(frozen=True)
class Invite:
    uid: str  # stable per interview so clients update the same event, e.g. "interview-42@hireloop"
    sequence: int  # must grow on every reschedule or cancel, or clients ignore the change
    start: datetime  # timezone-aware
    minutes: int
    summary: str
    description: str
    location: str  # room or meeting link; "" leaves LOCATION out
    organizer: Attendee
    attendees: tuple[Attendee, ...]
    cancelled: bool = False
    stamp: datetime | None = None  # DTSTAMP; injectable so output is reproducible in tests


def render(invite: Invite) -> bytes:
    if invite.minutes < 1:
        raise ValueError("An interview must last at least one minute.")
    if invite.sequence < 0:
        raise ValueError("SEQUENCE cannot be negative.")
    stamp = invite.stamp or datetime.now(UTC)
    end = invite.start + timedelta(minutes=invite.minutes)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if invite.cancelled else 'REQUEST'}",
        "BEGIN:VEVENT",
        f"UID:{_text(invite.uid)}",
        f"SEQUENCE:{invite.sequence}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(invite.start)}",
        f"DTEND:{_utc(end)}",
        f"SUMMARY:{_text(invite.summary)}",
        f"DESCRIPTION:{_text(invite.description)}",
    ]
    if invite.location:
        lines.append(f"LOCATION:{_text(invite.location)}")
        if _is_link(invite.location):
            lines.append(f"URL:{invite.location}")
    if invite.cancelled:
        lines.append("STATUS:CANCELLED")
    lines.append(f"ORGANIZER{_cn(invite.organizer)}:{_mailto(invite.organizer)}")
    lines.extend(
        f"ATTENDEE{_cn(a)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:{_mailto(a)}"
        for a in invite.attendees
    )
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return b"".join(_fold(line) for line in lines)


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Invite times must be timezone-aware.")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return _CONTROL.sub("", value)


def _cn(person: Attendee) -> str:
    # DQUOTE cannot be escaped inside a parameter value, so it is dropped rather than quoted.
    name = _CONTROL.sub("", person.name.replace('"', "")).strip()
    if not name:
        return ""
    if any(c in name for c in ":;,"):
        name = f'"{name}"'
    return f";CN={name}"


def _mailto(person: Attendee) -> str:
    # The address is written unescaped, so whitespace here could smuggle in extra properties.
    if not person.email or any(c.isspace() or not c.isprintable() for c in person.email):
        raise ValueError(f"Invalid e-mail address for {person.name!r}.")
    return f"mailto:{person.email}"


def _is_link(location: str) -> bool:
    # A location like "https://meet.example/x (passcode 1234)" is prose, not a URI.
    if any(c.isspace() or not c.isprintable() for c in location):
        return False
    parts = urlsplit(location)
    return parts.scheme.lower() in {"http", "https"} and bool(parts.netloc)


def _fold(line: str) -> bytes:
    out = bytearray()
    width = 0
    for char in line:
        encoded = char.encode()
        if width + len(encoded) > _FOLD_AT:
            out += b"\r\n "
            width = 1
        out += encoded
        width += len(encoded)
    return bytes(out) + b"\r\n"
