"""One line saying what protections shaped a result, shown under every result in a notebook."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping


def _plural(n: int, one: str, many: str = "") -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _g(x: Any) -> str:
    return f"{x:.3g}" if _number(x) else str(x)


def _noise_parts(noise: Any) -> List[str]:
    """Per noisy column its 95% half-width (an average as its noisy sum over its noisy count), τ, repeats."""
    if not isinstance(noise, dict):
        return []
    described = []
    for c in noise.get("columns") or []:
        m, s, n = c.get("noise"), c.get("sum"), c.get("count")
        if isinstance(m, dict):
            described.append(f"{c.get('name')} ±{_g(m.get('halfWidth95'))}")
        elif isinstance(s, dict) and isinstance(n, dict):
            described.append(f"{c.get('name')} = (sum ±{_g(s.get('halfWidth95'))}) / (count ±{_g(n.get('halfWidth95'))})")
        else:
            described.append(str(c.get("name")))
    parts = [f"{noise.get('mechanism', 'noise')} ε={_g(noise.get('epsilon'))}, 95%: {', '.join(described)}"]
    threshold = noise.get("threshold")
    if isinstance(threshold, dict):
        parts.append(f"groups kept when noisy people ≥ {_g(threshold.get('tau'))}")
    if noise.get("repeated"):
        parts.append("repeat: the recorded answer, no ε charged")
    return parts


def _budget_parts(budget: Any) -> List[str]:
    if not isinstance(budget, list):
        return []
    return [
        f"{b.get('dataset')}: ε {_g(b.get('charged'))} charged, {_g(b.get('remaining'))} of {_g(b.get('allocation'))} left"
        for b in budget if isinstance(b, dict)
    ]


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
