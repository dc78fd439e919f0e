"""Error classes named after the API's codes, grouped in families, showing the rules a query broke."""
from __future__ import annotations

import unittest

import support  # noqa: F401

import dsbx
from dsbx.errors import error_for


class ErrorClassesTest(unittest.TestCase):
    def test_each_code_has_a_class_named_after_it(self):
        self.assertIs(type(error_for("POLICY_DENIED", "m")), dsbx.PolicyDenied)
        self.assertIs(type(error_for("BUDGET_EXHAUSTED", "m")), dsbx.BudgetExhausted)
        for code, cls in dsbx.ERROR_CLASSES.items():
            with self.subTest(code=code):
                self.assertEqual(cls.__name__.upper(), code.replace("_", ""))
                self.assertEqual(error_for(code, "m").code, code)

    def test_families_let_a_notebook_catch_what_it_can_act_on(self):
        self.assertIsInstance(error_for("SQL_SYNTAX", "m"), dsbx.QueryRefused)
        self.assertIsInstance(error_for("NOT_LICENSED", "m"), dsbx.AccessDenied)
        self.assertIsInstance(error_for("RATE_LIMITED", "m"), dsbx.LimitReached)
        self.assertIsInstance(error_for("INTERNAL", "m"), dsbx.ServiceError)

    def test_an_unknown_code_still_raises_a_dsbx_error_with_that_code(self):
        e = error_for("SOMETHING_NEW", "m")
        self.assertIs(type(e), dsbx.DsbxError)
        self.assertEqual(e.code, "SOMETHING_NEW")

    def test_html_escapes_what_it_shows(self):
        e = error_for("POLICY_DENIED", "<b>", details={"violations": [{"rule": "R", "column": "<script>", "message": "x"}]})
        self.assertNotIn("<script>", e._repr_html_())
        self.assertIn("&lt;script&gt;", e._repr_html_())


if __name__ == "__main__":
    unittest.main()
