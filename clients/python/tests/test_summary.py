"""The one-line disclosure summary and the noise intervals of the disclosure report."""
from __future__ import annotations

import unittest

import support  # noqa: F401

from dsbx.result import disclosure_report
from dsbx.summary import disclosure_summary

BASE = {"threshold": None, "suppressedGroups": 0, "suppressedRows": 0, "rounding": None, "kAnonymity": None,
        "truncated": False, "rowCount": 4}
LINEAGE = "01a21bbe-54a3-7302-ab4e-f5baa4bfe22a"


def measurement(half):
    return {"epsilon": 0.5, "sensitivity": 1, "scale": 2, "halfWidth95": half}


DP = dict(BASE, noise={
    "mechanism": "discrete_laplace", "epsilon": 1, "delta": 1e-6, "maxGroups": 1, "maxRows": 5, "repeated": False,
    "threshold": {"tau": 27.4, "noise": measurement(9)},
    "columns": [
        {"name": "claims", "measure": "count", "bounds": None, "noise": measurement(14.98), "sum": None, "count": None},
        {"name": "avg_cost", "measure": "avg", "bounds": [0, 500000], "noise": None, "sum": measurement(123456),
         "count": measurement(15)},
    ],
}, budget=[{"dataset": "health", "allocation": 10, "spent": 3, "remaining": 7, "charged": 1}])


class SummaryTest(unittest.TestCase):
    def test_a_threshold_release_states_k_rounding_and_suppression(self):
        d = dict(BASE, threshold={"k": 10, "rounding": 5}, rounding=5, suppressedGroups=3, rowCount=12)
        self.assertEqual(disclosure_summary(d, LINEAGE),
                         f"12 rows · ≥10 people per group, counts rounded to 5 · 3 groups suppressed · lineage {LINEAGE}")

    def test_a_dp_release_states_half_widths_tau_and_the_epsilon_charged(self):
        self.assertEqual(
            disclosure_summary(DP, LINEAGE),
            "4 rows · discrete_laplace ε=1, 95%: claims ±15, avg_cost = (sum ±1.23e+05) / (count ±15) · "
            f"groups kept when noisy people ≥ 27.4 · health: ε 1 charged, 7 of 10 left · lineage {LINEAGE}",
        )

    def test_the_report_gives_each_noisy_column_its_half_width(self):
        body = {"queryId": "q", "lineageId": LINEAGE, "columns": [], "rows": [], "disclosure": DP}
        self.assertEqual(disclosure_report(body)["intervals"], {"claims": 14.98, "avg_cost": None})


if __name__ == "__main__":
    unittest.main()
