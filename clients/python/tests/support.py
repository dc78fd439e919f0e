"""Shared by the tests: the checkout's dsbx package on sys.path, and a live service from the environment."""
from __future__ import annotations

import os
import sys
import unittest

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..")))

LIVE = bool(os.environ.get("DSBX_URL") and os.environ.get("DSBX_TOKEN"))

#: Tests that need a running service; test/python-client.test.ts starts one and fails on any skip.
live = unittest.skipUnless(LIVE, "needs a live service: set DSBX_URL and DSBX_TOKEN")

BY_DISTRICT = "SELECT district, count(*) AS n FROM population.residents GROUP BY district"
