"""The %%dsbx cell magic in a real IPython shell: the result bound with --as and shown with its summary;
a refusal shown with the rule and column, never a stale result left under the name."""
from __future__ import annotations

import unittest

from support import BY_DISTRICT, live

import dsbx


@live
class CellMagicTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        from IPython.core.interactiveshell import InteractiveShell

        cls.shell = InteractiveShell.instance()
        cls.shell.run_line_magic("load_ext", "dsbx")
        dsbx.connect()

    def run_magic(self, line, sql):
        from IPython.utils.capture import capture_output

        with capture_output() as captured:
            self.shell.run_cell_magic("dsbx", line, sql)
        return captured

    def test_runs_the_cell_binds_the_dataframe_and_prints_the_disclosure_summary(self):
        out = self.run_magic('--purpose "magic test" --as by_district', BY_DISTRICT)
        df = self.shell.user_ns["by_district"]
        self.assertEqual(list(df.columns), ["district", "n"])
        self.assertIn(df.attrs["dsbx"]["summary"], out.stdout)
        self.assertEqual(len(out.outputs), 1)

    def test_a_refusal_is_shown_with_rule_and_column_and_unbinds_the_name(self):
        self.shell.user_ns["refused"] = "stale"
        out = self.run_magic('--purpose "magic test" --as refused', "SELECT phone FROM population.residents")
        self.assertNotIn("refused", self.shell.user_ns)
        html = out.outputs[0].data["text/html"]
        self.assertIn("POLICY_DENIED", html)
        self.assertIn("population.residents.phone", html)

    def test_rows_mode_and_bad_arguments(self):
        self.run_magic('--purpose "magic test" --mode rows --as masked', "SELECT mask(phone) AS p FROM population.residents LIMIT 5")
        self.assertIn("masked", self.shell.user_ns)
        from IPython.core.error import UsageError

        with self.assertRaises(UsageError):
            self.shell.run_cell_magic("dsbx", "--mode rows", BY_DISTRICT)  # --purpose is required


if __name__ == "__main__":
    unittest.main()
