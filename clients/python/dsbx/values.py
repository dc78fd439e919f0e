"""Typed Python values from the JSON cells of a result, by the column's DuckDB type.

JSON carries dates as text, and integers beyond 2^53 and exact decimals in ways a plain ``json.loads``
would round; the body is therefore parsed with ``parse_float=Decimal`` and each column is converted here.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, Callable, Dict

INTEGER_TYPES = {
    "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
    "UHUGEINT", "INT1", "INT2", "INT4", "INT8", "INT", "LONG", "SHORT",
}
FLOAT_TYPES = {"FLOAT", "DOUBLE", "REAL", "FLOAT4", "FLOAT8"}
_DECIMAL = re.compile(r"^(DECIMAL|NUMERIC)(\(\d+,\s*\d+\))?$")


def type_family(sql_type: str) -> str:
    """One of integer, float, decimal, date, timestamp, timestamptz, time, boolean, text, other."""
    t = sql_type.strip().upper()
    if t in INTEGER_TYPES:
        return "integer"
    if t in FLOAT_TYPES:
        return "float"
    if _DECIMAL.match(t):
        return "decimal"
    if t == "DATE":
        return "date"
    if t in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
        return "timestamptz"
    if t.startswith("TIMESTAMP"):
        return "timestamp"
    if t == "TIME":
        return "time"
    if t in ("BOOLEAN", "BOOL"):
        return "boolean"
    if t in ("VARCHAR", "TEXT", "STRING", "UUID") or t.startswith("VARCHAR"):
        return "text"
    return "other"


def _integer(v: Any) -> Any:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    if isinstance(v, Decimal) and v == v.to_integral_value():
        return int(v)
    if isinstance(v, str) and re.fullmatch(r"-?\d+", v):
        return int(v)  # integers beyond 2^53 travel as decimal strings
    return v


def _float(v: Any) -> Any:
    return float(v) if isinstance(v, (int, Decimal)) and not isinstance(v, bool) else v


def _decimal(v: Any) -> Any:
    if isinstance(v, (int, str)) and not isinstance(v, bool):
        try:
            return Decimal(v)
        except ArithmeticError:
            return v
    return v


def _timestamp(v: Any) -> Any:
    if not isinstance(v, str):
        return v
    try:
        return dt.datetime.fromisoformat(v.replace(" ", "T", 1))
    except ValueError:
        return v


def _date(v: Any) -> Any:
    if not isinstance(v, str):
        return v
    try:
        return dt.date.fromisoformat(v)
    except ValueError:
        return _timestamp(v)


def _time(v: Any) -> Any:
    if not isinstance(v, str):
        return v
    try:
        return dt.time.fromisoformat(v)
    except ValueError:
        return v


_CONVERTERS: Dict[str, Callable[[Any], Any]] = {
    "integer": _integer,
    "float": _float,
    "decimal": _decimal,
    "date": _date,
    "timestamp": _timestamp,
    "timestamptz": _timestamp,
    "time": _time,
}


def python_value(sql_type: str, v: Any) -> Any:
    """The cell as a Python value: int, float, Decimal, date, datetime, time, bool or str; None for NULL."""
    if v is None:
        return None
    convert = _CONVERTERS.get(type_family(sql_type))
    return convert(v) if convert else (float(v) if isinstance(v, Decimal) else v)


def plain_json(v: Any) -> Any:
    """Metadata (disclosure, protections) with the Decimals of the exact parse turned back into floats."""
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, dict):
        return {k: plain_json(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain_json(x) for x in v]
    return v
