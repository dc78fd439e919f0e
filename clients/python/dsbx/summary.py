"""One line saying what protections shaped a result, shown under every result in a notebook."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping


def _plural(n: int, one: str, many: str = "") -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _noise_parts(noise: Any) -> List[str]:
    if isinstance(noise, dict):
        entries = [dict(v, column=k) if isinstance(v, dict) else {"column": k} for k, v in noise.items()]
    elif isinstance(noise, list):
        entries = [e for e in noise if isinstance(e, dict)]
    else:
        return []
    if not entries:
        return []
    described = []
    for e in entries:
        half = next((e[k] for k in ("halfWidth95", "interval95HalfWidth", "ci95") if _number(e.get(k))), None)
        column = str(e.get("column", "?"))
        described.append(f"{column} ±{half:.3g}" if half is not None else column)
    mechanism = next((e["mechanism"] for e in entries if isinstance(e.get("mechanism"), str)), "noise")
    return [f"{mechanism} (95%): {', '.join(described)}"]


def _budget_parts(budget: Any) -> List[str]:
    if not isinstance(budget, dict):
        return []
    parts = []
    charged = next((budget[k] for k in ("epsilonCharged", "charged") if _number(budget.get(k))), None)
    left = next((budget[k] for k in ("remaining", "epsilonRemaining") if _number(budget.get(k))), None)
    if charged is not None:
        parts.append(f"ε {charged:g} charged")
    if left is not None:
        parts.append(f"ε {left:g} left")
    return parts


def disclosure_summary(disclosure: Mapping[str, Any], lineage_id: str) -> str:
    """E.g. ``12 rows · ≥10 people per group, counts rounded to 5 · 3 groups suppressed · lineage …``."""
    d: Dict[str, Any] = dict(disclosure)
    parts = [_plural(int(d.get("rowCount") or 0), "row")]
    threshold = d.get("threshold")
    if isinstance(threshold, dict):
        parts.append(f"≥{threshold.get('k')} people per group, counts rounded to {threshold.get('rounding')}")
    elif d.get("rounding") is not None:
        parts.append(f"counts rounded to {d['rounding']}")
    if d.get("kAnonymity") is not None:
        parts.append(f"{d['kAnonymity']}-anonymous")
    if d.get("suppressedGroups"):
        parts.append(f"{_plural(int(d['suppressedGroups']), 'group')} suppressed")
    if d.get("suppressedRows"):
        parts.append(f"{_plural(int(d['suppressedRows']), 'row')} suppressed")
    if d.get("truncated"):
        parts.append("truncated at the row cap")
    parts += _noise_parts(d.get("noise"))
    parts += _budget_parts(d.get("budget"))
    parts.append(f"lineage {lineage_id}")
    return " · ".join(parts)
