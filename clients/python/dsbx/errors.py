"""The errors the dsbx client raises: one class per API error code, grouped in families."""
from __future__ import annotations

import html
from typing import Any, Dict, List, Optional, Type


class DsbxError(Exception):
    """A call the service refused or could not answer.

    ``code`` is the API's error code (``POLICY_DENIED``, ``BUDGET_EXHAUSTED``...) or one of the client's
    own (``UNREACHABLE``, ``BAD_RESPONSE``); ``violations`` lists the rules a query broke, each naming
    its column or function; ``lineage_id`` is the lineage record of the refused attempt.
    """

    code: str = "ERROR"

    def __init__(self, message: str, *, code: Optional[str] = None, status: int = 0,
                 details: Optional[Dict[str, Any]] = None, lineage_id: Optional[str] = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.status = status
        self.details: Dict[str, Any] = dict(details or {})
        self.lineage_id = lineage_id

    @property
    def violations(self) -> List[Dict[str, Any]]:
        v = self.details.get("violations")
        return [x for x in v if isinstance(x, dict)] if isinstance(v, list) else []

    def __str__(self) -> str:
        lines = [f"{self.code}: {self.message}"]
        for v in self.violations:
            where = v.get("column") or (f"{v['function']}()" if v.get("function") else "")
            lines.append("  " + "  ".join(p for p in (str(v.get("rule", "")), where, str(v.get("message", ""))) if p))
        if self.lineage_id:
            lines.append(f"  lineage {self.lineage_id}")
        return "\n".join(lines)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        """IPython's text display (terminal IPython, plain-text notebook outputs): the rules, not just the message."""
        p.text(str(self))

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = "".join(
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td></tr>".format(
                esc(str(v.get("rule", ""))),
                esc(str(v.get("column") or (str(v.get("function")) + "()" if v.get("function") else ""))),
                esc(str(v.get("message", ""))),
            )
            for v in self.violations
        )
        table = (
            "<table><thead><tr><th>rule</th><th>column or function</th><th>why</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>" if rows else ""
        )
        lineage = f"<div><small>lineage {esc(self.lineage_id)}</small></div>" if self.lineage_id else ""
        return (f'<div class="dsbx-error"><strong>{esc(self.code)}</strong>: {esc(self.message)}'
                f"{table}{lineage}</div>")


class QueryRefused(DsbxError):
    """The request or query was refused as written: change it and send it again."""


class AccessDenied(DsbxError):
    """The license does not allow it: token, role, dataset not licensed or suspended."""


class LimitReached(DsbxError):
    """A limit was reached: ε budget, request rate, time or memory."""


class ServiceError(DsbxError):
    """The service failed, could not be reached, or answered something the client does not understand."""


def _define(name: str, code: str, base: Type[DsbxError], doc: str) -> Type[DsbxError]:
    return type(name, (base,), {"code": code, "__doc__": doc, "__module__": __name__})


BadRequest = _define("BadRequest", "BAD_REQUEST", QueryRefused, "The request body was not valid.")
PayloadTooLarge = _define("PayloadTooLarge", "PAYLOAD_TOO_LARGE", QueryRefused, "The request was too large.")
SqlSyntax = _define("SqlSyntax", "SQL_SYNTAX", QueryRefused, "The SQL does not parse.")
SqlUnsupported = _define("SqlUnsupported", "SQL_UNSUPPORTED", QueryRefused, "The SQL uses a construct outside the accepted subset.")
SqlAmbiguous = _define("SqlAmbiguous", "SQL_AMBIGUOUS", QueryRefused, "The two SQL readers disagree on what the query reads.")
PolicyDenied = _define("PolicyDenied", "POLICY_DENIED", QueryRefused, "The query breaks the grading policy; see violations.")
NotFound = _define("NotFound", "NOT_FOUND", QueryRefused, "No such dataset, record or route.")
Conflict = _define("Conflict", "CONFLICT", QueryRefused, "The request conflicts with the current state.")
Unauthenticated = _define("Unauthenticated", "UNAUTHENTICATED", AccessDenied, "The token is missing, invalid, expired or revoked.")
Forbidden = _define("Forbidden", "FORBIDDEN", AccessDenied, "The license's roles do not allow this call.")
NotLicensed = _define("NotLicensed", "NOT_LICENSED", AccessDenied, "The license does not cover a dataset the query reads.")
DatasetSuspended = _define("DatasetSuspended", "DATASET_SUSPENDED", AccessDenied, "A dataset the query reads is suspended.")
BudgetExhausted = _define("BudgetExhausted", "BUDGET_EXHAUSTED", LimitReached, "The query would spend more ε than is left.")
RateLimited = _define("RateLimited", "RATE_LIMITED", LimitReached, "Too many requests; wait and retry.")
QueryTimeout = _define("QueryTimeout", "QUERY_TIMEOUT", LimitReached, "The query ran out of time.")
ResourceLimit = _define("ResourceLimit", "RESOURCE_LIMIT", LimitReached, "The query needed more memory or disk than allowed.")
Internal = _define("Internal", "INTERNAL", ServiceError, "The service failed.")
Unavailable = _define("Unavailable", "UNAVAILABLE", ServiceError, "The service is not ready.")
Unreachable = _define("Unreachable", "UNREACHABLE", ServiceError, "The service could not be reached or did not answer in time.")
BadResponse = _define("BadResponse", "BAD_RESPONSE", ServiceError, "The answer was not the API's shape.")

ERROR_CLASSES: Dict[str, Type[DsbxError]] = {
    cls.code: cls
    for cls in (BadRequest, PayloadTooLarge, SqlSyntax, SqlUnsupported, SqlAmbiguous, PolicyDenied, NotFound, Conflict,
                Unauthenticated, Forbidden, NotLicensed, DatasetSuspended, BudgetExhausted, RateLimited, QueryTimeout,
                ResourceLimit, Internal, Unavailable, Unreachable, BadResponse)
}


def error_for(code: str, message: str, *, status: int = 0, details: Optional[Dict[str, Any]] = None,
              lineage_id: Optional[str] = None) -> DsbxError:
    """The error of the class named after ``code``; an unknown code still raises, as a plain DsbxError."""
    cls = ERROR_CLASSES.get(code, DsbxError)
    return cls(message, code=code, status=status, details=details, lineage_id=lineage_id)
