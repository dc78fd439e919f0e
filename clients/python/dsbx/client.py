"""Client: the researchers' connection to the dsbx sandbox over HTTP, standard library only."""
from __future__ import annotations

import json
import os
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal
from typing import Any, Dict, List, Optional

from .errors import BadResponse, DsbxError, Unreachable, error_for
from .result import Rows, result_frame, result_rows, table_frame
from .values import plain_json

DEFAULT_URL = "http://127.0.0.1:8787"
_JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """The API never redirects; following one would carry the token to wherever it points."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001 - urllib's signature
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _pandas(use_pandas: Optional[bool]) -> Any:
    if use_pandas is False:
        return None
    try:
        import pandas  # noqa: PLC0415 - optional dependency, looked up when a client is made
    except ImportError:
        if use_pandas:
            raise
        return None
    return pandas


class Client:
    """A connection to a dsbx service.

    ``url`` and ``token`` default to the ``DSBX_URL`` and ``DSBX_TOKEN`` environment variables (the URL
    to ``http://127.0.0.1:8787``). Results are pandas DataFrames when pandas is installed (or
    ``use_pandas=True``), else lists of dicts; either way the disclosure report is on ``.attrs["dsbx"]``.
    The token is sent only in the Authorization header and never shown.
    """

    def __init__(self, url: Optional[str] = None, token: Optional[str] = None, *, timeout: float = 120.0,
                 use_pandas: Optional[bool] = None) -> None:
        url = (url or os.environ.get("DSBX_URL") or DEFAULT_URL).strip()
        token = (token or os.environ.get("DSBX_TOKEN") or "").strip()
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment or "@" in parts.netloc:
            raise ValueError("dsbx: url must be an http(s) URL without query, fragment or credentials")
        if not token:
            raise ValueError("dsbx: no token; pass token=... or set DSBX_TOKEN")
        if not _JWT.match(token):
            raise ValueError("dsbx: the token is not a JWT")
        self.url = url.rstrip("/")
        self.__token = token
        self.timeout = timeout
        self.pandas = _pandas(use_pandas)

    def __repr__(self) -> str:
        return f"dsbx.Client({self.url!r})"

    # -- queries -------------------------------------------------------------------------------------------

    def query(self, sql: str, purpose: str, mode: str = "aggregate", application: Optional[str] = None,
              epsilon: Optional[float] = None, *, max_groups: Optional[int] = None, max_rows: Optional[int] = None) -> Any:
        """Runs one SELECT under the grading policy and returns the protected result.

        ``purpose`` is recorded with the query in the lineage log. ``mode="rows"`` asks for desensitized
        rows instead of aggregates. ``epsilon`` is the ε to spend on a dataset under differential privacy;
        ``max_groups`` and ``max_rows`` bound how many groups (and rows per group) one person contributes:
        larger bounds keep more of each person's data and add proportionally more noise.
        Raises a DsbxError subclass named after the API's code (PolicyDenied, BudgetExhausted, ...).
        """
        body = self._post("/v1/query", self._request(sql, purpose, mode, application, epsilon, max_groups, max_rows))
        if not isinstance(body.get("columns"), list) or not isinstance(body.get("rows"), list):
            raise BadResponse("the service answered in an unexpected shape")
        return result_frame(self.pandas, body) if self.pandas is not None else result_rows(body)

    def explain(self, sql: str, purpose: str, mode: str = "aggregate", application: Optional[str] = None,
                epsilon: Optional[float] = None, *, max_groups: Optional[int] = None,
                max_rows: Optional[int] = None) -> Dict[str, Any]:
        """The decision, the protections and (under differential privacy) the ε cost and expected error,
        without running the query. The attempt is still recorded."""
        req = self._request(sql, purpose, mode, application, epsilon, max_groups, max_rows)
        return plain_json(self._post("/v1/query/explain", req))

    # -- metadata ------------------------------------------------------------------------------------------

    def datasets(self) -> List[Dict[str, Any]]:
        """The catalog as the API gives it: datasets with provider, share and open types, status, profile."""
        return plain_json(self._get("/v1/catalog"))["datasets"]

    def catalog(self, dataset: Optional[str] = None) -> Any:
        """One row per column: dataset, table, column, title, type, grading level, kind, bounds, masks, and
        the dataset's protection profile and status. Metadata only, never data."""
        if dataset is None:
            datasets = self.datasets()
        else:
            datasets = [plain_json(self._get("/v1/catalog/" + urllib.parse.quote(dataset, safe="")))]
        records = [
            {
                "dataset": d["id"], "table": t["name"], "column": c["name"], "title": c["title"]["zh"],
                "title_en": c["title"]["en"], "type": c["type"], "level": c["level"], "kind": c["kind"],
                "semantic": c["semantic"], "bounds": tuple(c["bounds"]) if c.get("bounds") else None,
                "mask": c.get("mask"), "pseudonym": c["pseudonym"], "categorical": c["categorical"],
                "privacy_unit": t["privacyUnit"], "profile": d["profile"], "status": d["status"],
            }
            for d in datasets for t in d["tables"] for c in t["columns"]
        ]
        columns = ["dataset", "table", "column", "title", "title_en", "type", "level", "kind", "semantic", "bounds",
                   "mask", "pseudonym", "categorical", "privacy_unit", "profile", "status"]
        return table_frame(self.pandas, records, columns)

    def budget(self) -> Any:
        """Your ε budget per dataset under differential privacy: allocation, spent, remaining."""
        report = plain_json(self._get("/v1/budget"))
        lists = [v for v in report.values() if isinstance(v, list) and all(isinstance(e, dict) for e in v)] \
            if isinstance(report, dict) else []
        if len(lists) != 1:
            return report
        records = [_flatten(e) for e in lists[0]]
        columns = list(dict.fromkeys(k for r in records for k in r))
        return table_frame(self.pandas, records, columns)

    def history(self, limit: int = 50, decision: Optional[str] = None) -> Any:
        """Your own past queries and explains, newest first: SQL, purpose, decision, codes, rows released."""
        params: Dict[str, str] = {"limit": str(int(limit))}
        if decision is not None:
            params["decision"] = decision
        page = plain_json(self._get("/v1/query/history?" + urllib.parse.urlencode(params)))
        records = [
            {**{k: v for k, v in item.items() if k != "reasons"},
             "rules": ", ".join(str(r.get("rule")) for r in item.get("reasons") or [])}
            for item in page.get("items", [])
        ]
        columns = ["time", "kind", "decision", "code", "rules", "purpose", "mode", "datasets", "rowCount", "sql",
                   "application", "fingerprint", "lineageId"]
        frame = table_frame(self.pandas, records, columns)
        if self.pandas is not None and len(records):
            frame["time"] = self.pandas.to_datetime(frame["time"], utc=True)
        return frame

    # -- transport -----------------------------------------------------------------------------------------

    @staticmethod
    def _request(sql: str, purpose: str, mode: str, application: Optional[str], epsilon: Optional[float],
                 max_groups: Optional[int], max_rows: Optional[int]) -> Dict[str, Any]:
        req: Dict[str, Any] = {"sql": sql, "purpose": purpose, "mode": mode}
        if application is not None:
            req["application"] = application
        dp = {k: v for k, v in (("epsilon", epsilon), ("maxGroups", max_groups), ("maxRows", max_rows)) if v is not None}
        if dp:
            req["dp"] = dp
        return req

    def _get(self, path: str) -> Any:
        return self._call("GET", path, None)

    def _post(self, path: str, payload: Dict[str, Any]) -> Any:
        return self._call("POST", path, json.dumps(payload, ensure_ascii=False).encode("utf-8"))

    def _call(self, method: str, path: str, data: Optional[bytes]) -> Any:
        headers = {"Authorization": f"Bearer {self.__token}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with _OPENER.open(req, timeout=self.timeout) as res:  # http(s) only: checked in __init__
                status, raw = res.status, res.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError):
            raise Unreachable("the service could not be reached or did not answer in time") from None
        try:
            body = json.loads(raw.decode("utf-8"), parse_float=Decimal)
        except (UnicodeDecodeError, ValueError):
            raise BadResponse("the service answered with something other than JSON", status=status) from None
        if 200 <= status < 300:
            if not isinstance(body, dict):
                raise BadResponse("the service answered in an unexpected shape", status=status)
            return body
        err = body.get("error") if isinstance(body, dict) else None
        if not isinstance(err, dict) or not isinstance(err.get("code"), str):
            raise BadResponse("the service answered an error in an unexpected shape", status=status)
        details = plain_json(err.get("details")) if isinstance(err.get("details"), dict) else None
        raise error_for(err["code"], str(err.get("message", "")), status=status, details=details,
                        lineage_id=err.get("lineageId") if isinstance(err.get("lineageId"), str) else None)


def _flatten(entry: Dict[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for k, v in entry.items():
        if isinstance(v, dict):
            out.update({f"{k}.{k2}": v2 for k2, v2 in v.items()})
        else:
            out[k] = v
    return out


__all__ = ["Client", "DEFAULT_URL", "DsbxError", "Rows"]
