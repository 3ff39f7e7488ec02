"""The checks of the schema grader, each counted towards one evaluation criterion of the
ecommerce-schema-design task. They read only the common model, so they answer the same
whichever database the DDL was loaded into."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlglot import exp

from ..report import Check, Result
from .model import (
    Column,
    ForeignKey,
    Loaded,
    Schema,
    Statement,
    Table,
    TypeFamily,
    iter_columns,
    parse_expression,
    type_family,
    unique_keys,
)

logger = logging.getLogger(__name__)

NORMALISATION = "Normalisation"
TYPES = "Appropriate use of data types and constraints"
OPTIMISATION = "Optimisation"
COMPLETENESS = "Completeness"
CLARITY_NOTE = (
    "Clarity of the diagram and the explanation is not graded automatically: the reviewer "
    "judges the candidate's own diagram and write-up."
)


@dataclass(frozen=True)
class Spec:
    id: str
    criterion: str
    title: str
    max_points: float


SPECS: dict[str, Spec] = {
    spec.id: spec
    for spec in (
        Spec("schema.ddl_only", COMPLETENESS, "Only schema DDL is submitted", 4),
        Spec("schema.loads", COMPLETENESS, "Every statement loads into a database", 4),
        Spec(
            "schema.entities",
            COMPLETENESS,
            "Users, products, categories, orders and order lines exist",
            8,
        ),
        Spec(
            "schema.product_categories",
            COMPLETENESS,
            "Products belong to several categories through a junction table",
            6,
        ),
        Spec("schema.category_tree", COMPLETENESS, "Categories can be nested", 2),
        Spec("schema.addresses", COMPLETENESS, "A user can keep several delivery addresses", 2),
        Spec("schema.historical_price", COMPLETENESS, "Order lines keep the price paid", 6),
        Spec("schema.primary_keys", TYPES, "Every table has a primary key", 5),
        Spec("schema.foreign_keys", TYPES, "Relationships are declared as foreign keys", 8),
        Spec("schema.not_null", TYPES, "Required columns are NOT NULL", 5),
        Spec("schema.unique_email", TYPES, "A user's email is unique", 4),
        Spec("schema.money_types", TYPES, "Money is stored in exact types", 8),
        Spec("schema.quantity_check", TYPES, "A CHECK keeps quantities above zero", 4),
        Spec("schema.price_check", TYPES, "A CHECK keeps prices from going negative", 1),
        Spec("schema.order_status", TYPES, "Order status is limited to known values", 4),
        Spec("schema.timestamps", TYPES, "Rows record when they were created and updated", 3),
        Spec("schema.fk_indexes", OPTIMISATION, "Every foreign key is indexed", 8),
        Spec("schema.order_date_index", OPTIMISATION, "Orders can be found by date", 3),
        Spec("schema.index_discipline", OPTIMISATION, "Indexes are chosen, not sprayed", 3),
        Spec("schema.repeating_groups", NORMALISATION, "No repeating groups of columns", 4),
        Spec("schema.list_columns", NORMALISATION, "No lists packed into one column", 5),
        Spec("schema.line_copies", NORMALISATION, "Order lines do not copy product details", 3),
    )
}
GATES = ("schema.ddl_only", "schema.loads")


def make(check_id: str, points: float, evidence: str | Iterable[str]) -> Check:
    """A Check from its spec; the result follows from the points."""
    spec = SPECS[check_id]
    points = round(min(max(points, 0.0), spec.max_points), 2)
    result: Result
    if points >= spec.max_points:
        result = "pass"
    elif points <= 0:
        result = "fail"
    else:
        result = "partial"
    text = evidence if isinstance(evidence, str) else "\n".join(evidence)
    return Check(spec.id, spec.criterion, spec.title, result, points, spec.max_points, text)


# ------------------------------------------------------------------------------ gates


def gate_checks(
    statements: Sequence[Statement], problem: str | None, loaded: Loaded | None
) -> list[Check]:
    refused = [s for s in statements if s.action == "refuse"]
    skipped = [s for s in statements if s.action == "skip"]
    loadable = [s for s in statements if s.action == "load"]
    lines = [f"Refused: {problem}."] if problem else []
    lines += [f"Refused {s.label}: {s.reason}." for s in refused]
    if problem is None and not refused and not loadable:
        lines.append("No statement creates a table, index, type or constraint.")
    accepted = not lines
    if accepted:
        lines.append(f"All {len(loadable)} statements that build the schema are DDL.")
    lines += [f"Ignored {s.label}: {s.reason}." for s in skipped]
    ddl = make("schema.ddl_only", SPECS["schema.ddl_only"].max_points if accepted else 0, lines)

    spec = SPECS["schema.loads"]
    if loaded is None:
        return [ddl, make(spec.id, 0, "Not loaded: the DDL was refused.")]
    if not loaded.schema.tables:
        evidence = ["No table was created.", *loaded.errors]
        return [ddl, make(spec.id, 0, evidence)]
    share = max(0.0, 1 - len(loaded.errors) / max(len(loadable), 1))
    evidence = list(loaded.errors) or [
        f"{loaded.executed} statements ran on {_backend(loaded.schema)} without an error."
    ]
    evidence += loaded.notes
    return [ddl, make(spec.id, spec.max_points * share, evidence)]


def _backend(schema: Schema) -> str:
    return "PostgreSQL" if schema.backend == "postgres" else "SQLite"


def not_run(reason: str) -> list[Check]:
    return [make(i, 0, f"Not run: {reason}.") for i in SPECS if i not in GATES]


# ------------------------------------------------------------------------------ roles


@dataclass(frozen=True)
class Roles:
    """Which table plays each part of the scenario; names vary, so matching is lenient."""

    users: Table | None
    products: Table | None
    categories: Table | None
    orders: Table | None
    lines: Table | None

    def named(self) -> list[tuple[str, Table | None]]:
        return [
            ("users", self.users),
            ("products", self.products),
            ("categories", self.categories),
            ("orders", self.orders),
            ("order lines", self.lines),
        ]


_PREFIX = re.compile(r"^(?:tbl|tb|t|shop|app|store|ecom|core)_")
_USERS = ("user", "customer", "account", "member", "client", "shopper", "buyer", "app_user")
_PRODUCTS = ("product", "item", "article", "catalog_item", "catalogue_item")
_ORDERS = ("order", "customer_order", "shop_order", "sales_order", "purchase", "purchase_order")
_LINES = (
    "order_item",
    "order_line",
    "order_product",
    "line_item",
    "order_line_item",
    "order_detail",
    "order_entry",
    "order_position",
    "purchase_item",
    "purchase_line",
    "orderitem",
    "orderline",
    "orderproduct",
)


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "uses")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us")) and len(word) > 3:
        return word[:-1]
    return word


def base_name(name: str) -> str:
    """ "tbl_OrderItems" -> "order_item": snake case, no prefix, last word singular."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower().strip('"')
    snake = _PREFIX.sub("", snake)
    head, _, last = snake.rpartition("_")
    return f"{head}_{singular(last)}" if head else singular(last)


def references(table: Table, target: Table | None) -> list[ForeignKey]:
    if target is None:
        return []
    return [fk for fk in table.foreign_keys if fk.ref_table.lower() == target.name.lower()]


def _targets(table: Table) -> set[str]:
    return {fk.ref_table.lower() for fk in table.foreign_keys} - {table.name.lower()}


def find_roles(schema: Schema) -> Roles:
    tables = schema.tables

    def pick(names: Sequence[str], taken: Iterable[Table | None] = ()) -> Table | None:
        excluded = {id(t) for t in taken if t is not None}
        for wanted in names:
            for table in tables:
                if id(table) not in excluded and base_name(table.name) == wanted:
                    return table
        return None

    lines = pick(_LINES)
    users = pick(_USERS, [lines])
    products = pick(_PRODUCTS, [lines, users])
    orders = pick(_ORDERS, [lines, users, products])
    categories = pick(("category",)) or next(
        (t for t in tables if base_name(t.name).endswith("category") and len(_targets(t)) < 2),
        None,
    )
    if lines is None and orders is not None and products is not None:
        lines = next(
            (
                t
                for t in tables
                if t not in (orders, products) and references(t, orders) and references(t, products)
            ),
            None,
        )
    return Roles(users, products, categories, orders, lines)


# ---------------------------------------------------------------------------- helpers


def where(table: Table, column: str | Column) -> str:
    found = column if isinstance(column, Column) else table.column(column)
    name = found.name if found else str(column)
    line = found.line if found and found.line else table.line
    return f"{table.name}.{name}" + (f" (line {line})" if line else "")


def table_at(table: Table) -> str:
    return table.name + (f" (line {table.line})" if table.line else "")


_MONEY = re.compile(
    r"(?:^|_)(?:price|prices|amount|total|subtotal|cost|costs|tax|vat|discount|balance|fee|fees"
    r"|shipping|revenue|refund|paid|charge|payment)(?:_|$)|_cents$|_minor$|_pence$"
)
_NOT_MONEY = re.compile(
    r"percent|pct|rate|ratio|count|qty|quantity|currency|address|method|carrier|status|name"
    r"|description|note|number|items|_id$|_ids$|_at$|_on$|_date$|_time$|_type$|_code$|_no$|^is_"
    r"|^has_"
)
_NOT_MONEY_TYPES: set[TypeFamily] = {
    "timestamp",
    "timestamptz",
    "date",
    "boolean",
    "enum",
    "json",
    "array",
}
_CENTS = re.compile(r"cents|minor|pence|_cts$|kopecks|paise")


def money_columns(schema: Schema, table: Table) -> list[Column]:
    return [
        c
        for c in table.columns
        if _MONEY.search(c.name.lower())
        and not _NOT_MONEY.search(c.name.lower())
        and type_family(schema, c.type) not in _NOT_MONEY_TYPES
    ]


_CREATED = re.compile(
    r"^(?:created(?:_at|_on|_time|_date|_ts)?|date_created|creation_(?:date|time)|inserted_at"
    r"|registered_at|placed_at|ordered_at|order_date|purchased_at|signed_up_at|joined_at)$"
)
_UPDATED = re.compile(
    r"^(?:updated(?:_at|_on|_time|_ts)?|modified(?:_at|_on)?|last_modified|date_updated"
    r"|changed_at|last_updated)$"
)


def _first(table: Table | None, pattern: re.Pattern[str]) -> Column | None:
    if table is None:
        return None
    return next((c for c in table.columns if pattern.search(c.name.lower())), None)


@lru_cache(maxsize=512)
def _parsed(text: str) -> exp.Expression | None:
    return parse_expression(text)


def _strip(node: exp.Expression | None) -> exp.Expression | None:
    while isinstance(node, exp.Paren | exp.Cast):
        node = node.this
    return node


def _number(node: exp.Expression | None) -> float | None:
    node = _strip(node)
    if isinstance(node, exp.Neg):
        inner = _number(node.this)
        return -inner if inner is not None else None
    if isinstance(node, exp.Literal) and not node.is_string:
        try:
            return float(node.this)
        except ValueError:
            return None
    return None


def _is_column(node: exp.Expression | None, name: str) -> bool:
    node = _strip(node)
    return isinstance(node, exp.Column) and node.name.lower() == name


def _conjuncts(node: exp.Expression | None) -> Iterable[exp.Expression]:
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.And):
        yield from _conjuncts(node.this)
        yield from _conjuncts(node.expression)
    elif node is not None:
        yield node


def lower_bounds(expressions: Iterable[str], column: str) -> list[tuple[float, bool]]:
    """(value, inclusive) for every lower bound the CHECKs put on the column; a bound under
    an OR is not a guarantee and is ignored."""
    bounds = []
    for text in expressions:
        for conjunct in _conjuncts(_parsed(text)):
            condition = _strip(conjunct)
            if isinstance(condition, exp.Between) and _is_column(condition.this, column):
                low = _number(condition.args.get("low"))
                if low is not None:
                    bounds.append((low, True))
            elif isinstance(condition, exp.GT | exp.GTE | exp.LT | exp.LTE):
                left, right = condition.this, condition.expression
                if _is_column(left, column) and isinstance(condition, exp.GT | exp.GTE):
                    value = _number(right)
                    inclusive = isinstance(condition, exp.GTE)
                elif _is_column(right, column) and isinstance(condition, exp.LT | exp.LTE):
                    value = _number(left)
                    inclusive = isinstance(condition, exp.LTE)
                else:
                    continue
                if value is not None:
                    bounds.append((value, inclusive))
    return bounds


def column_checks(schema: Schema, table: Table, column: Column) -> list[tuple[str, str]]:
    """(CHECK expression, name the column goes by in it): the table's and its domain's."""
    found = [(text, column.name.lower()) for text in table.checks]
    domain = schema.domains.get(column.type.lower().strip('"'))
    if domain is not None:
        found += [(text, "value") for text in domain.checks]
    return found


def _bounds(schema: Schema, table: Table, column: Column) -> list[tuple[float, bool]]:
    bounds = []
    for text, name in column_checks(schema, table, column):
        bounds += lower_bounds([text], name)
    return bounds


def _lists_values(schema: Schema, table: Table, column: Column) -> bool:
    """A CHECK naming the column and two or more string literals: IN (...), = ANY (ARRAY[...])
    or a chain of ORs all limit it to known values."""
    for text, name in column_checks(schema, table, column):
        tree = _parsed(text)
        if tree is None:
            continue
        names = {c.name.lower() for c in tree.find_all(exp.Column)}
        strings = [s for s in tree.find_all(exp.Literal) if s.is_string]
        if name in names and len(strings) >= 2:
            return True
    return False


def _covered(table: Table, columns: Sequence[str]) -> bool:
    """Some key or full index starts with exactly these columns, in any order."""
    wanted = {c.lower() for c in columns}
    keys = [*unique_keys(table), *(i.columns for i in table.indexes if not i.partial)]
    return any({c.lower() for c in key[: len(wanted)]} == wanted for key in keys)


# ----------------------------------------------------------------------------- checks


def _entities(schema: Schema, roles: Roles) -> Check:
    named = roles.named()
    found = [f"{label}: {table_at(t)}" for label, t in named if t is not None]
    missing = [label for label, t in named if t is None]
    lines = found + [f"{label}: no table found" for label in missing]
    return make("schema.entities", 8 * len(found) / len(named), lines)


def _product_categories(schema: Schema, roles: Roles) -> Check:
    products, categories = roles.products, roles.categories
    if products is None or categories is None:
        return make("schema.product_categories", 0, "Needs both a products and a categories table.")
    junctions = [
        t
        for t in schema.tables
        if t is not products
        and t is not categories
        and references(t, products)
        and references(t, categories)
    ]
    for junction in junctions:
        pair = {c.lower() for fk in references(junction, products) for c in fk.columns}
        pair |= {c.lower() for fk in references(junction, categories) for c in fk.columns}
        if any({c.lower() for c in key} == pair for key in unique_keys(junction)):
            return make(
                "schema.product_categories",
                6,
                f"{table_at(junction)} links products and categories, one row per pair.",
            )
    if junctions:
        return make(
            "schema.product_categories",
            4,
            f"{table_at(junctions[0])} links them, but no primary key or UNIQUE covers the "
            "pair, so the same product can be filed twice under one category.",
        )
    single = references(products, categories)
    if single:
        return make(
            "schema.product_categories",
            2,
            f"{where(products, single[0].columns[0])} gives each product exactly one category; "
            "the scenario asks for one or more, which needs a junction table.",
        )
    return make("schema.product_categories", 0, "No foreign key links products to categories.")


_PARENT = re.compile(r"^parent(?:_category)?(?:_id)?$")


def _category_tree(schema: Schema, roles: Roles) -> Check:
    categories = roles.categories
    if categories is None:
        return make("schema.category_tree", 0, "There is no categories table.")
    own = references(categories, categories)
    if own:
        return make(
            "schema.category_tree",
            2,
            f"{where(categories, own[0].columns[0])} references {categories.name}.",
        )
    for table in schema.tables:
        if table is not categories and len(references(table, categories)) >= 2:
            return make("schema.category_tree", 2, f"{table_at(table)} relates categories.")
    parent = _first(categories, _PARENT)
    if parent is not None:
        return make(
            "schema.category_tree",
            1,
            f"{where(categories, parent)} has no FOREIGN KEY, so it can point at nothing.",
        )
    return make("schema.category_tree", 0, f"{categories.name} has no parent category column.")


_ADDRESS_COLUMN = re.compile(r"address|street|city|postcode|postal_code|zip")


def _addresses(schema: Schema, roles: Roles) -> Check:
    users = roles.users
    for table in schema.tables:
        if "address" in base_name(table.name) and references(table, users):
            return make("schema.addresses", 2, f"{table_at(table)} belongs to a user.")
    for holder in (users, roles.orders):
        inline = _first(holder, _ADDRESS_COLUMN)
        if holder is not None and inline is not None:
            return make(
                "schema.addresses",
                1,
                f"{where(holder, inline)} holds one address inline; a user needs several, "
                "which takes an addresses table.",
            )
    return make("schema.addresses", 0, "No table or column stores delivery addresses.")


def _historical_price(schema: Schema, roles: Roles) -> Check:
    lines = roles.lines
    if lines is None:
        return make("schema.historical_price", 0, "There is no order lines table.")
    prices = money_columns(schema, lines)
    if prices:
        names = ", ".join(where(lines, c) for c in prices)
        return make("schema.historical_price", 6, f"{names} keeps what was charged.")
    return make(
        "schema.historical_price",
        0,
        f"{lines.name} has no price column, so past orders would follow today's product prices.",
    )


def _primary_keys(schema: Schema, roles: Roles) -> Check:
    if not schema.tables:
        return make("schema.primary_keys", 0, "There are no tables.")
    missing = [t for t in schema.tables if not t.primary_key]
    if not missing:
        return make("schema.primary_keys", 5, f"All {len(schema.tables)} tables have one.")
    share = 1 - len(missing) / len(schema.tables)
    return make(
        "schema.primary_keys", 5 * share, [f"{table_at(t)} has no primary key." for t in missing]
    )


def _implied_target(schema: Schema, roles: Roles, table: Table, column: Column) -> Table | None:
    """The table a column named "<thing>_id" points at, when "<thing>" names one."""
    name = column.name.lower()
    if not name.endswith("_id") or len(name) <= 3:
        return None
    stem = singular(name[:-3].rstrip("_"))
    target: Table | None
    for candidate in schema.tables:
        if base_name(candidate.name) == stem:
            target = candidate
            break
    else:
        by_role = {
            _USERS: roles.users,
            _PRODUCTS: roles.products,
            _ORDERS: roles.orders,
            ("category", "parent", "parent_category"): roles.categories,
        }
        target = next((t for names, t in by_role.items() if stem in names), None)
    if target is None or (target is table and name in {c.lower() for c in table.primary_key}):
        return None
    return target


def _foreign_keys(schema: Schema, roles: Roles) -> Check:
    expected: list[tuple[str, bool]] = []
    pairs = set()
    for label, child, parent in (
        ("orders -> users", roles.orders, roles.users),
        ("order lines -> orders", roles.lines, roles.orders),
        ("order lines -> products", roles.lines, roles.products),
    ):
        if child is None or parent is None:
            expected.append((f"{label}: cannot be declared, a table is missing", False))
            continue
        pairs.add((id(child), id(parent)))
        fks = references(child, parent)
        if fks:
            expected.append((f"{where(child, fks[0].columns[0])} -> {parent.name}", True))
        else:
            expected.append((f"{label}: no FOREIGN KEY from {child.name} to {parent.name}", False))
    for table, column in iter_columns(schema):
        target = _implied_target(schema, roles, table, column)
        if target is None or (id(table), id(target)) in pairs:
            continue
        name = column.name.lower()
        if any(name in {c.lower() for c in fk.columns} for fk in table.foreign_keys):
            expected.append((f"{where(table, column)} is a foreign key", True))
        else:
            expected.append(
                (
                    f"{where(table, column)} looks like a reference to {target.name} but is no "
                    "FOREIGN KEY",
                    False,
                )
            )
    done = sum(ok for _, ok in expected)
    lines = [text for text, ok in expected if not ok] + [text for text, ok in expected if ok]
    return make("schema.foreign_keys", 8 * done / len(expected), lines)


_PERSON_NAME = re.compile(r"^(?:name|full_name|first_name|last_name|username|display_name)$")
_TITLE = re.compile(r"^(?:name|title|product_name)$")
_QUANTITY = re.compile(r"^(?:quantity|qty|units|unit_count|item_count|count)$|_quantity$|_qty$")
_EMAIL = re.compile(r"^(?:e_?mail|email_address|mail)$|email")
_STATUS = re.compile(r"^(?:status|state)(?:_id|_code)?$|_status(?:_id)?$")


def _required_columns(schema: Schema, roles: Roles) -> list[tuple[Table, Column]]:
    required: list[tuple[Table, Column]] = []

    def add(table: Table | None, columns: Iterable[Column | None]) -> None:
        if table is not None:
            required.extend((table, c) for c in columns if c is not None)

    users, products, orders, lines = roles.users, roles.products, roles.orders, roles.lines
    add(users, [_first(users, _EMAIL)])
    add(users, [c for c in users.columns if _PERSON_NAME.match(c.name.lower())] if users else [])
    add(products, [_first(products, _TITLE)])
    add(products, money_columns(schema, products)[:1] if products else [])
    for child, parent in ((orders, users), (lines, orders), (lines, products)):
        if child is not None:
            fks = references(child, parent)
            add(child, [child.column(c) for fk in fks for c in fk.columns])
    add(lines, [_first(lines, _QUANTITY)])
    add(lines, money_columns(schema, lines)[:1] if lines else [])
    return required


def _not_null(schema: Schema, roles: Roles) -> Check:
    required = _required_columns(schema, roles)
    if not required:
        return make("schema.not_null", 0, "The core tables are missing, so nothing can be checked.")
    nullable = [(t, c) for t, c in required if not c.not_null]
    if not nullable:
        return make("schema.not_null", 5, f"All {len(required)} required columns are NOT NULL.")
    share = 1 - len(nullable) / len(required)
    return make(
        "schema.not_null",
        5 * share,
        [f"{where(t, c)} accepts NULL." for t, c in nullable],
    )


def _unique_email(schema: Schema, roles: Roles) -> Check:
    users = roles.users
    email = _first(users, _EMAIL)
    if users is None or email is None:
        return make("schema.unique_email", 0, "There is no users table with an email column.")
    name = email.name.lower()
    mentions = re.compile(rf"\b{re.escape(name)}\b", re.I)
    unique = email.unique or any(
        name in {c.lower() for c in key} and len(key) <= 2 for key in users.uniques
    )
    unique = unique or any(
        i.unique and len(i.columns) <= 2 and any(mentions.search(c) for c in i.columns)
        for i in users.indexes
    )
    if unique:
        return make("schema.unique_email", 4, f"{where(users, email)} is unique.")
    return make(
        "schema.unique_email",
        0,
        f"{where(users, email)} is not unique: two accounts can share one address.",
    )


def _money_types(schema: Schema, roles: Roles) -> Check:
    exact, unclear, wrong = [], [], []
    reasons: dict[TypeFamily, str] = {
        "float": "a floating-point type rounds amounts",
        "money": "the money type depends on the server's locale",
        "text": "text cannot be summed or checked",
        "none": "no type is declared",
    }
    for table, column in ((t, c) for t in schema.tables for c in money_columns(schema, t)):
        family = type_family(schema, column.type)
        label = f"{where(table, column)} {column.type or '(no type)'}"
        if family == "decimal" or (family == "integer" and _CENTS.search(column.name.lower())):
            exact.append(label)
        elif family in reasons:
            wrong.append(f"{label}: {reasons[family]}")
        elif family == "integer":
            unclear.append(f"{label}: an integer, but the name does not say cents")
        else:
            unclear.append(f"{label}: not a recognised exact type")
    total = len(exact) + len(unclear) + len(wrong)
    if total == 0:
        return make("schema.money_types", 0, "No price or amount column was found.")
    lines = wrong + unclear + ([f"Exact: {', '.join(exact)}"] if exact else [])
    if wrong:
        return make("schema.money_types", 0, lines)
    return make("schema.money_types", 8 * len(exact) / total, lines)


def _quantity_check(schema: Schema, roles: Roles) -> Check:
    lines = roles.lines
    quantity = _first(lines, _QUANTITY)
    if lines is None or quantity is None:
        return make("schema.quantity_check", 0, "There is no order line quantity column.")
    positive = any(
        (value >= 0 and not inclusive) or value > 0
        for value, inclusive in _bounds(schema, lines, quantity)
    )
    if positive:
        return make("schema.quantity_check", 4, f"{where(lines, quantity)} must be above zero.")
    return make(
        "schema.quantity_check",
        0,
        f"Nothing stops {where(lines, quantity)} from being 0 or negative.",
    )


def _price_check(schema: Schema, roles: Roles) -> Check:
    checked: list[str] = []
    unchecked: list[str] = []
    for table in (roles.products, roles.lines):
        if table is None:
            continue
        for column in money_columns(schema, table):
            bounds = _bounds(schema, table, column)
            (checked if any(v >= 0 for v, _ in bounds) else unchecked).append(where(table, column))
    if checked:
        return make("schema.price_check", 1, f"Kept non-negative: {', '.join(checked)}.")
    if unchecked:
        return make("schema.price_check", 0, f"No CHECK on {', '.join(unchecked)}.")
    return make("schema.price_check", 0, "No product or order line price column was found.")


def _order_status(schema: Schema, roles: Roles) -> Check:
    orders = roles.orders
    status = _first(orders, _STATUS)
    if orders is None or status is None:
        return make("schema.order_status", 0, "Orders have no status column.")
    family = type_family(schema, status.type)
    if family == "enum":
        labels = schema.enums.get(status.type.lower().strip('"'), ())
        listed = f" ({', '.join(labels)})" if labels else ""
        return make("schema.order_status", 4, f"{where(orders, status)} is an enum{listed}.")
    lookup = next(
        (fk for fk in orders.foreign_keys if status.name.lower() in map(str.lower, fk.columns)),
        None,
    )
    if lookup is not None:
        return make(
            "schema.order_status",
            4,
            f"{where(orders, status)} references the lookup table {lookup.ref_table}.",
        )
    if _lists_values(schema, orders, status):
        listed = f"A CHECK lists the values of {where(orders, status)}."
        return make("schema.order_status", 4, listed)
    return make(
        "schema.order_status",
        2,
        f"{where(orders, status)} is {status.type or 'untyped'} with no enum, CHECK or lookup "
        "table, so any typo becomes a new state.",
    )


def _timestamp_quality(schema: Schema, column: Column) -> str:
    """ "" when the type suits a point in time, else what is wrong with it."""
    family = type_family(schema, column.type)
    if family == "timestamptz":
        return ""
    if schema.dialect == "sqlite":
        # SQLite has no date type; a declared timestamp, or text/number with a default, is
        # the idiom.
        if family == "timestamp" or (family in ("text", "integer", "float") and column.default):
            return ""
        return "is not a timestamp type and has no default"
    if family == "timestamp":
        return "is TIMESTAMP without time zone; TIMESTAMPTZ keeps the instant unambiguous"
    if family == "date":
        return "keeps only the date"
    return f"is {column.type or 'untyped'}, not a timestamp"


def _timestamps(schema: Schema, roles: Roles) -> Check:
    orders = roles.orders
    placed = _first(orders, _CREATED)
    if orders is None or placed is None:
        return make(
            "schema.timestamps",
            0,
            "Orders do not record when they were placed, so last month's best sellers cannot "
            "be found.",
        )
    # Five things earn a fifth each: orders, users and products know when they were created,
    # something records updates, and every one of these columns has a fitting type.
    lines: list[str] = []
    stamps: list[tuple[Table, Column]] = [(orders, placed)]
    passed = 1
    for label, table in (("users", roles.users), ("products", roles.products)):
        created = _first(table, _CREATED)
        if table is not None and created is not None:
            passed += 1
            stamps.append((table, created))
        else:
            lines.append(f"{label}: no creation timestamp")
    updated = []
    for table in (roles.users, roles.products, orders):
        column = _first(table, _UPDATED)
        if table is not None and column is not None:
            updated.append((table, column))
    if updated:
        passed += 1
        stamps += updated
    else:
        lines.append("No core table records when it was last updated.")
    weak = []
    for table, column in stamps:
        problem = _timestamp_quality(schema, column)
        if problem:
            weak.append(f"{where(table, column)} {problem}")
    if not weak:
        passed += 1
    lines += weak
    lines.append("Found: " + ", ".join(where(t, c) for t, c in stamps))
    return make("schema.timestamps", 3 * passed / 5, lines)


def _fk_indexes(schema: Schema, roles: Roles) -> Check:
    fks = [(t, fk) for t in schema.tables for fk in t.foreign_keys]
    if not fks:
        return make("schema.fk_indexes", 0, "There are no foreign keys to index.")
    missing = [(t, fk) for t, fk in fks if not _covered(t, fk.columns)]
    if not missing:
        return make("schema.fk_indexes", 8, f"All {len(fks)} foreign keys lead an index or key.")
    lines = [
        f"{where(t, fk.columns[0])}: no index starts with ({', '.join(fk.columns)}); "
        "joins and ON DELETE checks scan the table"
        for t, fk in missing
    ]
    return make("schema.fk_indexes", 8 * (1 - len(missing) / len(fks)), lines)


def _order_date_index(schema: Schema, roles: Roles) -> Check:
    orders = roles.orders
    placed = _first(orders, _CREATED)
    if orders is None or placed is None:
        return make("schema.order_date_index", 0, "Orders have no date column to index.")
    name = placed.name.lower()
    keys = [*unique_keys(orders), *(i.columns for i in orders.indexes)]
    if any(name in {c.lower() for c in key} for key in keys):
        return make("schema.order_date_index", 3, f"An index covers {where(orders, placed)}.")
    return make(
        "schema.order_date_index",
        0,
        f"No index covers {where(orders, placed)}; last month's best sellers scan every order.",
    )


def _index_discipline(schema: Schema, roles: Roles) -> Check:
    if not any(t.indexes for t in schema.tables):
        return make(
            "schema.index_discipline",
            0,
            "Only keys are indexed: the typical queries (a user's orders, the products of a "
            "category) get no index of their own.",
        )
    problems = []
    for table in schema.tables:
        keys = [*unique_keys(table), *(i.columns for i in table.indexes if not i.partial)]
        for index in table.indexes:
            if index.unique or index.partial:
                continue
            columns = tuple(c.lower() for c in index.columns)
            others = [tuple(c.lower() for c in k) for k in keys if k is not index.columns]
            if any(k[: len(columns)] == columns for k in others):
                problems.append(
                    f"{table.name}: {index.name} ({', '.join(index.columns)}) repeats the start "
                    "of another key or index and only adds write cost"
                )
        leading = {i.columns[0].lower() for i in table.indexes if i.columns}
        primary = {c.lower() for c in table.primary_key}
        plain = [c for c in table.columns if c.name.lower() not in primary]
        if len(plain) >= 4 and sum(c.name.lower() in leading for c in plain) >= 0.8 * len(plain):
            problems.append(f"{table.name}: nearly every column has its own index")
    if problems:
        return make("schema.index_discipline", 1.5, problems)
    count = sum(len(t.indexes) for t in schema.tables)
    return make("schema.index_discipline", 3, f"{count} indexes, none redundant.")


_NUMBERED = re.compile(r"^(.*?)_?(\d+)(_[a-z_]+)?$")
_GROUP_EXEMPT = re.compile(r"address|addr|street|line|phone|tel|mobile|fax")


def _repeating_groups(schema: Schema, roles: Roles) -> Check:
    found = []
    for table in schema.tables:
        groups: dict[tuple[str, str], list[Column]] = {}
        for column in table.columns:
            match = _NUMBERED.match(column.name.lower())
            if match and match.group(1):
                stem = match.group(1) + (match.group(3) or "")
                groups.setdefault((stem, column.type.lower()), []).append(column)
        for (stem, _type), columns in groups.items():
            if len(columns) >= 3 and not _GROUP_EXEMPT.search(stem):
                names = ", ".join(c.name for c in columns)
                found.append(
                    f"{where(table, columns[0])}: {names} repeat one attribute; "
                    "rows of a separate table hold any number of them"
                )
    if found:
        return make("schema.repeating_groups", 0, found)
    return make("schema.repeating_groups", 4, "No numbered column groups.")


_LIST_NAME = re.compile(r"_ids$|_list$|_csv$")
_LIST_TEXT = re.compile(
    r"^(?:tags|categories|category_names|keywords|labels|images|image_urls|sizes|colou?rs"
    r"|options|items|products)$"
)


def _list_columns(schema: Schema, roles: Roles) -> Check:
    found = []
    for table, column in iter_columns(schema):
        name = column.name.lower()
        family = type_family(schema, column.type)
        if _LIST_NAME.search(name) or (_LIST_TEXT.match(name) and family == "text"):
            found.append(
                f"{where(table, column)} {column.type}: a list in one column cannot be "
                "joined, indexed or constrained; use a junction table"
            )
    if found:
        return make("schema.list_columns", 0, found)
    return make("schema.list_columns", 5, "No column holds a list of values.")


_COPIED = re.compile(r"^(?:product_)?(?:name|title|description|desc)$")


def _line_copies(schema: Schema, roles: Roles) -> Check:
    lines = roles.lines
    if lines is None:
        return make("schema.line_copies", 0, "There is no order lines table.")
    copies = [c for c in lines.columns if _COPIED.match(c.name.lower())]
    unexplained = [c for c in copies if not c.note]
    if not unexplained:
        reasons = [f"{where(lines, c)}: {c.note}" for c in copies]
        return make("schema.line_copies", 3, reasons or "Order lines refer to products only.")
    return make(
        "schema.line_copies",
        1.5,
        [
            f"{where(lines, c)} copies a product detail; as a deliberate snapshot say why "
            "(COMMENT ON COLUMN or a comment on its line)"
            for c in unexplained
        ],
    )


_CHECKS: tuple[tuple[str, Callable[[Schema, Roles], Check]], ...] = (
    ("schema.entities", _entities),
    ("schema.product_categories", _product_categories),
    ("schema.category_tree", _category_tree),
    ("schema.addresses", _addresses),
    ("schema.historical_price", _historical_price),
    ("schema.primary_keys", _primary_keys),
    ("schema.foreign_keys", _foreign_keys),
    ("schema.not_null", _not_null),
    ("schema.unique_email", _unique_email),
    ("schema.money_types", _money_types),
    ("schema.quantity_check", _quantity_check),
    ("schema.price_check", _price_check),
    ("schema.order_status", _order_status),
    ("schema.timestamps", _timestamps),
    ("schema.fk_indexes", _fk_indexes),
    ("schema.order_date_index", _order_date_index),
    ("schema.index_discipline", _index_discipline),
    ("schema.repeating_groups", _repeating_groups),
    ("schema.list_columns", _list_columns),
    ("schema.line_copies", _line_copies),
)


def schema_checks(schema: Schema) -> list[Check]:
    roles = find_roles(schema)
    results = []
    for check_id, run in _CHECKS:
        try:
            results.append(run(schema, roles))
        except Exception as exc:  # an odd schema must not crash the grader
            logger.exception("schema check %s failed", check_id)
            results.append(
                make(
                    check_id,
                    0,
                    f"The grader could not evaluate this check ({type(exc).__name__}); "
                    "a reviewer should look at it by hand.",
                )
            )
    return results
