"""Draws the loaded schema as an entity-relationship diagram in plain SVG.

No layout engine and no network: tables stand in columns by how deep they sit in the
foreign-key graph (referenced tables on the left), in a deterministic order, so the same DDL
always gives the same picture. The SVG is inlined into HTML pages, so every name from the
DDL is escaped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from .model import Column, Schema, Table

FONT_SIZE = 12
HEADER_SIZE = 13
# Average advance of sans-serif glyphs at those sizes; generous so text never overflows.
CHAR_WIDTH = 7.0
HEADER_CHAR_WIDTH = 8.2
ROW_HEIGHT = 18
HEADER_HEIGHT = 26
PADDING = 8
MARKER_WIDTH = 38
MIN_WIDTH = 150
GAP_X = 90
GAP_Y = 28
MARGIN = 24
MAX_NAME = 40

LINE_COLOUR = "#64748b"
BORDER_COLOUR = "#334155"
HEADER_FILL = "#e2e8f0"
TYPE_COLOUR = "#64748b"
KEY_COLOUR = "#9a3412"

# Characters XML 1.0 does not allow at all, which escaping cannot fix.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str, limit: int = MAX_NAME) -> str:
    clean = _NOT_XML.sub("?", value)
    if len(clean) > limit:
        clean = clean[: limit - 1] + "\u2026"
    return html.escape(clean, quote=True)


def _clip(value: str, limit: int = MAX_NAME) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "\u2026"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


@dataclass
class _Box:
    table: Table
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    rows: dict[str, float] = field(default_factory=dict)  # column -> y of its middle

    @property
    def height(self) -> float:
        return HEADER_HEIGHT + ROW_HEIGHT * max(len(self.table.columns), 1) + PADDING / 2

    def anchor(self, column: str) -> float:
        return self.rows.get(column.lower(), self.y + HEADER_HEIGHT / 2)


def _markers(table: Table, column: Column) -> str:
    name = column.name.lower()
    marks = []
    if name in {c.lower() for c in table.primary_key}:
        marks.append("PK")
    if any(name in {c.lower() for c in fk.columns} for fk in table.foreign_keys):
        marks.append("FK")
    if not marks and column.unique:
        marks.append("U")
    return " ".join(marks)


def _width(table: Table) -> float:
    header = len(_clip(table.name)) * HEADER_CHAR_WIDTH + 2 * PADDING
    rows = [
        MARKER_WIDTH
        + len(_clip(c.name)) * CHAR_WIDTH
        + 18
        + len(_clip(c.type, 24)) * CHAR_WIDTH
        + 2 * PADDING
        for c in table.columns
    ]
    return max(MIN_WIDTH, header, *rows)


def _ranks(tables: list[Table]) -> dict[str, int]:
    """0 for tables that reference nothing, else one more than their deepest parent; a cycle
    is cut where it is found."""
    by_name = {t.name.lower(): t for t in tables}
    ranks: dict[str, int] = {}
    visiting: set[str] = set()

    def visit(table: Table) -> int:
        key = table.name.lower()
        if key in ranks:
            return ranks[key]
        if key in visiting:
            return -1
        visiting.add(key)
        parents = {fk.ref_table.lower() for fk in table.foreign_keys} - {key}
        deepest = max((visit(by_name[p]) for p in parents if p in by_name), default=-1)
        visiting.discard(key)
        ranks[key] = deepest + 1
        return ranks[key]

    for table in tables:
        visit(table)
    return ranks


def _layout(tables: list[Table]) -> list[_Box]:
    ranks = _ranks(tables)
    columns: dict[int, list[_Box]] = {}
    for table in tables:
        columns.setdefault(ranks[table.name.lower()], []).append(_Box(table, width=_width(table)))
    # Within a column, sit each table near the tables it references (barycentre order).
    position: dict[str, float] = {}
    for rank in sorted(columns):
        boxes = columns[rank]
        order = {id(b): i for i, b in enumerate(boxes)}

        def centre(box: _Box, order: dict[int, int] = order) -> tuple[float, int]:
            parents = [
                position[fk.ref_table.lower()]
                for fk in box.table.foreign_keys
                if fk.ref_table.lower() in position
            ]
            return (sum(parents) / len(parents) if parents else float("inf"), order[id(box)])

        boxes.sort(key=centre)
        for index, box in enumerate(boxes):
            position[box.table.name.lower()] = index
    x = float(MARGIN)
    placed = []
    for rank in sorted(columns):
        y = float(MARGIN)
        boxes = columns[rank]
        for box in boxes:
            box.x, box.y = x, y
            for row, column in enumerate(box.table.columns):
                middle = y + HEADER_HEIGHT + ROW_HEIGHT * row + ROW_HEIGHT / 2
                box.rows.setdefault(column.name.lower(), middle)
            y += box.height + GAP_Y
            placed.append(box)
        x += max(b.width for b in boxes) + GAP_X
    return placed


def _relationships(boxes: list[_Box]) -> list[str]:
    by_name = {b.table.name.lower(): b for b in boxes}
    parts = []
    for child in boxes:
        for fk in child.table.foreign_keys:
            parent = by_name.get(fk.ref_table.lower())
            if parent is None:
                continue
            y1 = child.anchor(fk.columns[0])
            y2 = parent.anchor(fk.ref_columns[0] if fk.ref_columns else "")
            x1: float
            x2: float
            if parent is child:
                x1 = x2 = child.x + child.width
                out1 = out2 = 1
                bend = 36.0
            elif parent.x + parent.width <= child.x:
                x1, x2, out1, out2, bend = child.x, parent.x + parent.width, -1, 1, 40.0
            elif parent.x >= child.x + child.width:
                x1, x2, out1, out2, bend = child.x + child.width, parent.x, 1, -1, 40.0
            else:
                x1, x2, out1, out2, bend = child.x, parent.x, -1, -1, 40.0
            label = _text(
                f"{child.table.name}.{', '.join(fk.columns)} -> "
                f"{parent.table.name}.{', '.join(fk.ref_columns)}",
                limit=160,
            )
            path = (
                f"M{_num(x1)} {_num(y1)} C{_num(x1 + out1 * bend)} {_num(y1)} "
                f"{_num(x2 + out2 * bend)} {_num(y2)} {_num(x2)} {_num(y2)}"
            )
            # Crow's foot (many) at the referencing column, a bar (one) at the referenced key.
            foot = x1 + out1 * 12
            bar = x2 + out2 * 8
            parts.append(
                f"<g><title>{label}</title>"
                f'<path d="{path}"/>'
                f'<path d="M{_num(foot)} {_num(y1)} L{_num(x1)} {_num(y1 - 6)} '
                f"M{_num(foot)} {_num(y1)} L{_num(x1)} {_num(y1)} "
                f'M{_num(foot)} {_num(y1)} L{_num(x1)} {_num(y1 + 6)}"/>'
                f'<path d="M{_num(bar)} {_num(y2 - 6)} L{_num(bar)} {_num(y2 + 6)}"/></g>'
            )
    return parts


def _table(box: _Box) -> str:
    table = box.table
    x, y, width = box.x, box.y, box.width
    parts = [
        f"<g><title>{_text(table.name, limit=200)}</title>",
        f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(width)}" height="{_num(box.height)}" '
        f'rx="4" fill="#ffffff" stroke="{BORDER_COLOUR}"/>',
        f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(width)}" height="{HEADER_HEIGHT}" '
        f'rx="4" fill="{HEADER_FILL}" stroke="{BORDER_COLOUR}"/>',
        f'<text x="{_num(x + PADDING)}" y="{_num(y + HEADER_HEIGHT / 2 + 4.5)}" '
        f'font-size="{HEADER_SIZE}" font-weight="bold">{_text(table.name)}</text>',
    ]
    for column in table.columns:
        middle = box.anchor(column.name)
        baseline = _num(middle + 4)
        marks = _markers(table, column)
        if marks:
            parts.append(
                f'<text x="{_num(x + PADDING)}" y="{baseline}" font-size="10" '
                f'font-weight="bold" fill="{KEY_COLOUR}">{marks}</text>'
            )
        weight = ' font-weight="bold"' if column.not_null else ""
        parts.append(
            f'<text x="{_num(x + PADDING + MARKER_WIDTH)}" y="{baseline}"{weight}>'
            f"{_text(column.name)}</text>"
        )
        parts.append(
            f'<text x="{_num(x + width - PADDING)}" y="{baseline}" text-anchor="end" '
            f'fill="{TYPE_COLOUR}">{_text(column.type, limit=24)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def draw(schema: Schema) -> str:
    """The schema as a self-contained SVG document (a string)."""
    boxes = _layout(schema.tables)
    if boxes:
        width = max(b.x + b.width for b in boxes) + MARGIN + 40
        height = max(b.y + b.height for b in boxes) + MARGIN + 14  # room for the legend
    else:
        width, height = 320, 80
    count = len(schema.tables)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(width)}" height="{_num(height)}" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" font-family="sans-serif" '
        f'font-size="{FONT_SIZE}" role="img" '
        f'aria-label="Entity-relationship diagram of {count} tables">'
        f"<title>Entity-relationship diagram: {count} tables</title>"
        f'<rect width="100%" height="100%" fill="#ffffff"/>'
    )
    if not boxes:
        body = f'<text x="{MARGIN}" y="44">No tables were created.</text>'
    else:
        body = (
            f'<g fill="none" stroke="{LINE_COLOUR}" stroke-width="1.2">'
            + "".join(_relationships(boxes))
            + "</g><g>"
            + "".join(_table(b) for b in boxes)
            + "</g>"
        )
    legend = (
        f'<text x="{MARGIN}" y="{_num(height - 6)}" font-size="10" fill="{TYPE_COLOUR}">'
        "PK primary key, FK foreign key, U unique; bold columns are NOT NULL; "
        "crow's foot = many, bar = one</text>"
        if boxes
        else ""
    )
    return head + body + legend + "</svg>"
