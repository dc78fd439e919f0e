"""The ``%%dsbx`` cell magic: ``%load_ext dsbx``, then a cell of SQL under
``%%dsbx --purpose "..." [--mode rows] [--as df_name] [--epsilon E] [--max-groups N] [--max-rows N]
[--application ID] [--explain]``.

It shows the result with a one-line disclosure summary. A refusal is shown as a table of the rules broken
and the column or function each concerns, and ``--as`` then unbinds the name, so a stale result from an
earlier run is never mistaken for this cell's answer.
"""
from __future__ import annotations

import argparse
import shlex
from typing import Any, Optional

from .client import Client
from .errors import DsbxError

_default_client: Optional[Client] = None


def connect(url: Optional[str] = None, token: Optional[str] = None, **kwargs: Any) -> Client:
    """Makes the client the magic uses (otherwise one is built from DSBX_URL and DSBX_TOKEN on first use)."""
    global _default_client
    _default_client = Client(url, token, **kwargs)
    return _default_client


def default_client() -> Client:
    global _default_client
    if _default_client is None:
        _default_client = Client()
    return _default_client


class _ArgumentError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would exit the kernel's process
        raise _ArgumentError(message)


def _parser() -> _Parser:
    p = _Parser(prog="%%dsbx", add_help=False)
    p.add_argument("--purpose", required=True)
    p.add_argument("--mode", choices=["aggregate", "rows"], default="aggregate")
    p.add_argument("--as", dest="name")
    p.add_argument("--epsilon", type=float)
    p.add_argument("--max-groups", type=int, dest="max_groups")
    p.add_argument("--max-rows", type=int, dest="max_rows")
    p.add_argument("--application")
    p.add_argument("--explain", action="store_true")
    return p


def run_cell(line: str, cell: str, user_ns: dict, display: Any) -> Any:
    """The magic's work, apart from IPython: returns nothing; shows the result or the refusal."""
    from IPython.core.error import UsageError  # noqa: PLC0415 - only needed inside IPython

    try:
        args = _parser().parse_args(shlex.split(line))
    except (_ArgumentError, ValueError) as e:
        raise UsageError(f"%%dsbx: {e}") from None
    if args.name is not None and not args.name.isidentifier():
        raise UsageError("%%dsbx: --as needs a Python name")
    sql = cell.strip()
    if not sql:
        raise UsageError("%%dsbx: the cell holds no SQL")
    client = default_client()
    try:
        if args.explain:
            result = client.explain(sql, args.purpose, args.mode, args.application, args.epsilon,
                                    max_groups=args.max_groups, max_rows=args.max_rows)
        else:
            result = client.query(sql, args.purpose, args.mode, args.application, args.epsilon,
                                  max_groups=args.max_groups, max_rows=args.max_rows)
    except DsbxError as e:
        if args.name is not None:
            user_ns.pop(args.name, None)
        display(e)
        return None
    if args.name is not None:
        user_ns[args.name] = result
    display(result)
    report = getattr(result, "attrs", {}).get("dsbx")
    if report and client.pandas is not None:  # the list form already shows its summary in its HTML
        print(report["summary"])
    return None


def load_ipython_extension(ipython: Any) -> None:
    from IPython.core.magic import Magics, cell_magic, magics_class  # noqa: PLC0415
    from IPython.display import display  # noqa: PLC0415

    @magics_class
    class DsbxMagics(Magics):
        @cell_magic
        def dsbx(self, line: str, cell: str) -> None:
            """Run the cell's SQL in the dsbx sandbox: %%dsbx --purpose "..." [--mode rows] [--as name]"""
            return run_cell(line, cell, self.shell.user_ns, display)

    ipython.register_magics(DsbxMagics)
