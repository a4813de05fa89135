"""The four source systems (TTHC, iOffice, LRIS, NDXP/LGSP) on loopback, serving a
deterministic synthetic province. Imports nothing of chiso's other layers."""

from simulator.faults import FaultPlan, http_date_in
from simulator.province import (
    DEFAULT_NOW,
    DEFAULT_SEED,
    DEFAULT_YEARS,
    ENTITIES,
    Province,
    generate_province,
)
from simulator.server import (
    DEFAULT_PORT,
    Credentials,
    RequestRecord,
    SimulatorHandle,
    serve_forever,
    start_simulator,
)

__all__ = [
    "DEFAULT_NOW",
    "DEFAULT_PORT",
    "DEFAULT_SEED",
    "DEFAULT_YEARS",
    "ENTITIES",
    "Credentials",
    "FaultPlan",
    "Province",
    "RequestRecord",
    "SimulatorHandle",
    "generate_province",
    "http_date_in",
    "serve_forever",
    "start_simulator",
]
