"""dsbx: the notebook client of the dsbx public-data sandbox ("data usable but not visible").

    import dsbx
    client = dsbx.Client()          # DSBX_URL and DSBX_TOKEN from the environment
    df = client.query("SELECT district, count(*) AS n FROM population.residents GROUP BY district",
                      purpose="district planning")
    df.attrs["dsbx"]["summary"]    # what was protected, and the lineage record to cite

In IPython or Jupyter: ``%load_ext dsbx`` and then ``%%dsbx --purpose "..."`` cells.
"""
from .client import DEFAULT_URL, Client
from .errors import (
    ERROR_CLASSES, AccessDenied, BadRequest, BadResponse, BudgetExhausted, Conflict, DatasetSuspended, DsbxError,
    Forbidden, Internal, LimitReached, NotFound, NotLicensed, PayloadTooLarge, PolicyDenied, QueryRefused,
    QueryTimeout, RateLimited, ResourceLimit, ServiceError, SqlAmbiguous, SqlSyntax, SqlUnsupported,
    Unauthenticated, Unavailable, Unreachable,
)
from .magic import connect, load_ipython_extension
from .result import Rows

__version__ = "0.1.0"

__all__ = [
    "Client", "DEFAULT_URL", "Rows", "connect", "load_ipython_extension", "ERROR_CLASSES", "DsbxError",
    "QueryRefused", "AccessDenied", "LimitReached", "ServiceError", "BadRequest", "PayloadTooLarge", "SqlSyntax",
    "SqlUnsupported", "SqlAmbiguous", "PolicyDenied", "NotFound", "Conflict", "Unauthenticated", "Forbidden",
    "NotLicensed", "DatasetSuspended", "BudgetExhausted", "RateLimited", "QueryTimeout", "ResourceLimit",
    "Internal", "Unavailable", "Unreachable", "BadResponse",
]
