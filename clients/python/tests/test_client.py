"""Client against a live service: DataFrames with the right dtypes, the disclosure report, the list form
without pandas, metadata, coded errors naming the broken rule, and a token that is never shown."""
from __future__ import annotations

import datetime as dt
import os
import unittest
from decimal import Decimal

from support import BY_DISTRICT, live

import dsbx

MONTHLY = (
    "SELECT date_trunc('month', i.start_date) AS month, count(*) AS n, sum(i.monthly_base) AS base "
    "FROM social_security.insured i GROUP BY 1"
)


@live
class QueryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = dsbx.Client()

    def test_returns_a_dataframe_with_integer_date_and_decimal_dtypes(self):
        df = self.client.query(MONTHLY, purpose="unit test: dtypes")
        self.assertGreater(len(df), 0)
        self.assertEqual(list(df.columns), ["month", "n", "base"])
        self.assertEqual(str(df["month"].dtype), "datetime64[ns]")
        self.assertEqual(str(df["n"].dtype), "Int64")
        self.assertEqual(str(df["base"].dtype), "float64")
        self.assertTrue((df["n"] % 5 == 0).all())

    def test_carries_the_disclosure_report_on_attrs(self):
        df = self.client.query(BY_DISTRICT, purpose="unit test: attrs")
        report = df.attrs["dsbx"]
        self.assertEqual(report["threshold"], {"k": 10, "rounding": 5})
        self.assertEqual(report["row_count"], len(df))
        self.assertRegex(report["lineage_id"], r"^[0-9a-f-]{36}$")
        self.assertEqual(report["columns"]["n"]["protection"]["kind"], "aggregate")
        self.assertIn(report["lineage_id"], report["summary"])
        self.assertIn("suppressed_groups", report)

    def test_without_pandas_returns_dicts_with_exact_python_values_and_html(self):
        rows = dsbx.Client(use_pandas=False).query(MONTHLY, purpose="unit test: list form")
        self.assertIsInstance(rows, list)
        first = rows[0]
        self.assertEqual(set(first), {"month", "n", "base"})
        self.assertIsInstance(first["month"], dt.datetime)
        self.assertIsInstance(first["n"], int)
        self.assertIsInstance(first["base"], Decimal)
        self.assertIn("<table>", rows._repr_html_())
        self.assertIn(rows.attrs["dsbx"]["lineage_id"], rows._repr_html_())

    def test_a_row_release_is_masked(self):
        df = self.client.query("SELECT mask(id_card) AS id, district FROM population.residents LIMIT 20",
                               purpose="unit test: rows", mode="rows")
        self.assertIsNotNone(df.attrs["dsbx"]["k_anonymity"])
        self.assertGreater(len(df), 0)
        for value in df["id"]:
            self.assertRegex(value, r"^\d{6}\*{8}[\dX*]{4}$")

    def test_explain_gives_the_protections_without_running(self):
        e = self.client.explain(BY_DISTRICT, purpose="unit test: explain")
        self.assertEqual(e["decision"], "allow")
        self.assertEqual(e["protections"]["threshold"], {"k": 10, "rounding": 5})


@live
class RefusalTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = dsbx.Client()

    def test_an_identifier_in_the_output_raises_policy_denied_naming_column_and_rule(self):
        with self.assertRaises(dsbx.PolicyDenied) as ctx:
            self.client.query("SELECT name, count(*) AS n FROM population.residents GROUP BY name", purpose="unit test")
        e = ctx.exception
        self.assertEqual((e.code, e.status), ("POLICY_DENIED", 422))
        self.assertTrue(any(v.get("column") == "population.residents.name" for v in e.violations))
        self.assertRegex(e.lineage_id, r"^[0-9a-f-]{36}$")
        self.assertIn("population.residents.name", e._repr_html_())

    def test_bad_sql_raises_sql_syntax(self):
        with self.assertRaises(dsbx.SqlSyntax):
            self.client.query("SELEC 1", purpose="unit test")

    def test_an_unknown_mode_raises_bad_request(self):
        with self.assertRaises(dsbx.BadRequest):
            self.client.query(BY_DISTRICT, purpose="unit test", mode="everything")

    def test_a_forged_token_raises_unauthenticated_and_the_token_is_never_shown(self):
        header, payload, _ = os.environ["DSBX_TOKEN"].split(".")
        forged = f"{header}.{payload}.{'A' * 86}"
        client = dsbx.Client(token=forged)
        self.assertNotIn(forged, repr(client))
        with self.assertRaises(dsbx.Unauthenticated) as ctx:
            client.catalog()
        self.assertNotIn(payload, str(ctx.exception))

    def test_no_service_raises_unreachable(self):
        with self.assertRaises(dsbx.Unreachable):
            dsbx.Client(url="http://127.0.0.1:9", timeout=5).catalog()

    def test_a_client_without_a_token_is_refused_at_construction(self):
        saved = os.environ.pop("DSBX_TOKEN")
        try:
            with self.assertRaises(ValueError):
                dsbx.Client()
        finally:
            os.environ["DSBX_TOKEN"] = saved


@live
class MetadataTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = dsbx.Client()

    def test_catalog_lists_every_column_with_its_level(self):
        cat = self.client.catalog()
        self.assertEqual(cat["table"].nunique(), 7)
        id_card = cat[(cat["table"] == "residents") & (cat["column"] == "id_card")].iloc[0]
        self.assertEqual((id_card["level"], id_card["kind"]), ("L4", "identifier"))
        self.assertEqual(set(cat[cat["dataset"] == "health"]["profile"]), {"dp"})

    def test_catalog_of_one_dataset(self):
        cat = self.client.catalog("market")
        self.assertEqual(set(cat["dataset"]), {"market"})
        with self.assertRaises(dsbx.NotFound):
            self.client.catalog("nosuch")

    def test_budget_lists_the_epsilon_left_on_each_dp_dataset(self):
        budget = self.client.budget()
        self.assertEqual(list(budget["dataset"]), ["health"])
        line = budget.iloc[0]
        self.assertAlmostEqual(line["spent"] + line["remaining"], line["allocation"])

    def test_history_shows_the_callers_own_attempts_newest_first(self):
        self.client.query(BY_DISTRICT, purpose="unit test: history")
        h = self.client.history(limit=5)
        self.assertLessEqual(len(h), 5)
        self.assertEqual(h.iloc[0]["purpose"], "unit test: history")
        self.assertTrue(h["time"].is_monotonic_decreasing)
        self.assertEqual(str(h["time"].dtype), "datetime64[ns, UTC]")


if __name__ == "__main__":
    unittest.main()
