"""Evidence probes: look at a live endpoint and say, as an evidence record, what was seen.

Each probe (:mod:`.http`, :mod:`.openapi`, :mod:`.tls`, :mod:`.registry`) takes a
frozen spec, runs its steps against the network and returns an
:class:`~generator.probes.record.Outcome`: one observation per step, a one-line
summary and Markdown details. A probe never raises for what the network does
(timeouts, refused connections, DNS and TLS errors, malformed answers): those
are failing observations. :mod:`.record` turns an outcome into an evidence
record (written by :mod:`generator.records.recordfile`, like ``readiness evidence new``)
and :mod:`.plan` runs the probes of a checked-in plan (``data/probes.yaml``,
whose schema is :mod:`.planschema`).

Every probe is one module that defines its :class:`~.base.Probe` (its spec, its
run function, its plan fields, its command's options) and one line in
:data:`PROBES`; the plan and the ``readiness probe`` commands are derived from it.

Nothing secret is ever recorded: credentials are read from environment
variables named on the command line, URLs lose their userinfo and sensitive
query values, and every text of a record is scrubbed of the secret values the
probe handled before it is printed or written.

Network code uses the standard library only (:mod:`http.client`, :mod:`ssl`,
:mod:`socket`), see :mod:`.net`; probe modules load it only when they run.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from . import http, openapi, registry, tls
from .base import Probe

PROBES: Mapping[str, Probe[Any, Any]] = MappingProxyType(
    {
        probe.name: probe
        for probe in (
            http.PROBE,
            openapi.PROBE,
            tls.PROBE,
            registry.PROBE,
        )
    }
)
"""Every probe by name (the command, and the plan's ``probe:`` value), in the order ``--help`` lists them."""
