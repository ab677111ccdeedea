"""Inter-Hub: the events pushed to it (``readiness deliver``) and the explicit-migration bundle
(``readiness export interhub``).

- :mod:`.events`: the events, computed from the records as ``build`` computes ``events.json``,
  and the one body each is sent and exported as;
- :mod:`.signing`: the ``whsec_`` secrets and the Standard Webhooks headers;
- :mod:`.ledger`: what was acknowledged or refused, one JSON line per answer, written durably;
- :mod:`.delivery`: one POST per event, oldest first, retried within a time budget;
- :mod:`.bundle`: the hub manifest and the events as JSON lines;
- :mod:`.models`: the file formats (ledger line, manifest, event line) and their JSON Schemas.

Nothing here prints: the CLI (``generator/cli/interhub.py``) reports what these return.
"""
