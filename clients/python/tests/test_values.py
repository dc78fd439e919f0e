"""Cell conversion by DuckDB type: exact integers and decimals, dates and timestamps, NULLs."""
from __future__ import annotations

import datetime as dt
import unittest
from decimal import Decimal

import support  # noqa: F401 - puts the package on sys.path

from dsbx.values import python_value, type_family


class TypeFamilyTest(unittest.TestCase):
    def test_names_the_family_of_each_duckdb_type(self):
        cases = {
            "BIGINT": "integer", "HUGEINT": "integer", "INTEGER": "integer", "DOUBLE": "float",
            "DECIMAL(38,2)": "decimal", "DECIMAL(12, 2)": "decimal", "DATE": "date", "TIMESTAMP": "timestamp",
            "TIMESTAMP WITH TIME ZONE": "timestamptz", "BOOLEAN": "boolean", "VARCHAR": "text", "INTERVAL": "other",
        }
        for sql_type, family in cases.items():
            with self.subTest(sql_type=sql_type):
                self.assertEqual(type_family(sql_type), family)


class PythonValueTest(unittest.TestCase):
    def test_keeps_integers_beyond_2_53_exact_when_they_travel_as_strings(self):
        self.assertEqual(python_value("HUGEINT", "123456789012345678901234567890"), 123456789012345678901234567890)

    def test_keeps_decimals_exact(self):
        self.assertEqual(python_value("DECIMAL(38,2)", Decimal("87350.67")), Decimal("87350.67"))

    def test_reads_dates_and_timestamps(self):
        self.assertEqual(python_value("DATE", "2024-02-29"), dt.date(2024, 2, 29))
        self.assertEqual(python_value("TIMESTAMP", "1985-11-01 00:00:00"), dt.datetime(1985, 11, 1))

    def test_turns_doubles_into_floats(self):
        self.assertIsInstance(python_value("DOUBLE", Decimal("2911.689")), float)

    def test_keeps_null_as_none_whatever_the_type(self):
        for t in ("BIGINT", "DATE", "VARCHAR", "DECIMAL(12,2)"):
            self.assertIsNone(python_value(t, None))

    def test_leaves_a_value_it_cannot_read_as_it_came(self):
        self.assertEqual(python_value("DATE", "not a date"), "not a date")


if __name__ == "__main__":
    unittest.main()
