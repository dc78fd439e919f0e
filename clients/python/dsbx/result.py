"""A query's answer as a pandas DataFrame (when pandas is installed) or as a list of dicts, each carrying
its disclosure report: ``df.attrs["dsbx"]`` or ``rows.attrs["dsbx"]``."""
from __future__ import annotations

import html
from typing import Any, Dict, List, Optional, Sequence

from .summary import disclosure_summary
from .values import plain_json, python_value, type_family


def _intervals(noise: Any) -> Dict[str, Optional[float]]:
    """The 95% half-width of each noisy column (None for an average: its error depends on the count)."""
    if not isinstance(noise, dict):
        return {}
    out: Dict[str, Optional[float]] = {}
    for c in noise.get("columns") or []:
        m = c.get("noise")
        out[str(c.get("name"))] = m.get("halfWidth95") if isinstance(m, dict) else None
    return out


def disclosure_report(body: Dict[str, Any]) -> Dict[str, Any]:
    """What was protected and how: threshold, suppressed groups and rows, noise and its 95% intervals
    (``intervals``: half-width per noisy column, so the exact value lies in v ± h with 95% probability),
    ε budget, the protection of each column, and the ids to cite (``lineage_id``: the record reviewers see)."""
    d = plain_json(body.get("disclosure") or {})
    return {
        "query_id": body.get("queryId"),
        "lineage_id": body.get("lineageId"),
        "row_count": d.get("rowCount"),
        "threshold": d.get("threshold"),
        "rounding": d.get("rounding"),
        "suppressed_groups": d.get("suppressedGroups"),
        "suppressed_rows": d.get("suppressedRows"),
        "k_anonymity": d.get("kAnonymity"),
        "truncated": d.get("truncated"),
        "noise": d.get("noise"),
        "intervals": _intervals(d.get("noise")),
        "budget": d.get("budget"),
        "columns": {c["name"]: {"type": c["type"], "protection": plain_json(c.get("protection"))} for c in body["columns"]},
        "summary": disclosure_summary(d, str(body.get("lineageId"))),
        "disclosure": d,
    }


def unique_names(names: Sequence[str]) -> List[str]:
    """Repeated column names get a suffix (``n``, ``n_2``) so no value overwrites another in a dict."""
    seen: set = set()
    out = []
    for name in names:
        candidate, i = name, 2
        while candidate in seen:
            candidate, i = f"{name}_{i}", i + 1
        seen.add(candidate)
        out.append(candidate)
    return out


class Rows(list):
    """The result without pandas: a list of dicts (one per row) with ``columns`` and ``attrs["dsbx"]``."""

    def __init__(self, records: List[Dict[str, Any]], columns: List[str], report: Optional[Dict[str, Any]] = None):
        super().__init__(records)
        self.columns = columns
        self.attrs: Dict[str, Any] = {"dsbx": report} if report is not None else {}

    def _repr_html_(self, max_rows: int = 60) -> str:
        esc = html.escape
        head = "".join(f"<th>{esc(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{'' if r.get(c) is None else esc(str(r.get(c)))}</td>" for c in self.columns) + "</tr>"
            for r in self[:max_rows]
        )
        more = f"<div><small>… {len(self) - max_rows} more rows</small></div>" if len(self) > max_rows else ""
        report = self.attrs.get("dsbx")
        summary = f"<div><small>{esc(report['summary'])}</small></div>" if report else ""
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}{summary}"


def _series(pd: Any, family: str, values: List[Any]) -> Any:
    if family == "integer":
        if all(v is None or (isinstance(v, int) and -(2 ** 63) <= v < 2 ** 63) for v in values):
            return pd.array(values, dtype="Int64")
        return pd.array(values, dtype=object)  # beyond int64: keep exact Python ints
    if family in ("float", "decimal"):
        # DECIMAL becomes float64, as DuckDB's own DataFrame conversion does; the list form keeps Decimal.
        return pd.array([None if v is None else float(v) for v in values], dtype="float64")
    if family in ("date", "timestamp", "timestamptz"):
        try:
            return pd.to_datetime(pd.Series(values, dtype=object), utc=family == "timestamptz").array
        except (ValueError, OverflowError, TypeError):
            return pd.array(values, dtype=object)  # outside datetime64[ns]'s years: keep Python dates
    if family == "boolean":
        return pd.array(values, dtype="boolean")
    return pd.array(values, dtype=object)


def result_frame(pd: Any, body: Dict[str, Any]) -> Any:
    columns = body["columns"]
    names = [c["name"] for c in columns]
    data = {}
    for i, col in enumerate(columns):
        values = [python_value(col["type"], row[i]) for row in body["rows"]]
        data[i] = _series(pd, type_family(col["type"]), values)
    df = pd.DataFrame(data, columns=list(range(len(columns))))
    df.columns = names
    df.attrs["dsbx"] = disclosure_report(body)
    return df


def result_rows(body: Dict[str, Any]) -> Rows:
    columns = body["columns"]
    names = unique_names([c["name"] for c in columns])
    records = [
        {name: python_value(col["type"], row[i]) for i, (name, col) in enumerate(zip(names, columns))}
        for row in body["rows"]
    ]
    return Rows(records, names, disclosure_report(body))


def table_frame(pd: Any, records: List[Dict[str, Any]], columns: List[str]) -> Any:
    """Metadata tables (catalog, history, budget): a DataFrame when pandas is present, else Rows."""
    if pd is None:
        return Rows(records, columns)
    return pd.DataFrame.from_records(records, columns=columns)
