"""Standard Webhooks signatures: the ``whsec_`` secrets and the three headers of a delivery.

The signature is made by the ``standardwebhooks`` library (the reference implementation of
the specification): ``v1,`` and the base64 HMAC-SHA256 of ``id.timestamp.body``, keyed with
the base64-decoded part of the secret after ``whsec_``. Several secrets sign at once during a
rotation: the header then holds one signature per secret, separated by spaces, and a receiver
accepts the delivery when one of them matches a secret it holds.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from standardwebhooks import Webhook

from ..errors import UsageError

PREFIX = "whsec_"
_ANY_SECRET = re.compile(r"whsec_[A-Za-z0-9+/=_-]+")


@dataclass(frozen=True, slots=True, repr=False)
class Secret:
    """One signing secret, with the name of the environment variable it came from (never its value in a repr)."""

    env: str
    value: str
    """The whole ``whsec_...`` text."""

    def __repr__(self) -> str:
        return f"Secret(env={self.env!r})"


def secret_from_env(name: str, environ: Mapping[str, str]) -> Secret:
    """The ``whsec_`` secret in the environment variable ``name``; a :class:`UsageError` that names the
    variable and never shows its value when it is missing, empty or not of that form."""
    value = environ.get(name)
    where = f"--secret-env {name}"
    if value is None:
        raise UsageError(f"{where}: the environment variable {name} is not set: set it to the whsec_ secret")
    value = value.strip()
    if not value:
        raise UsageError(f"{where}: the environment variable {name} is empty: set it to the whsec_ secret")
    if not value.startswith(PREFIX):
        raise UsageError(
            f"{where}: the secret does not start with whsec_: give it as Inter-Hub shows it "
            "(whsec_ followed by the base64 of the key)"
        )
    encoded = value[len(PREFIX) :]
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if not key:
        raise UsageError(
            f"{where}: the part after whsec_ is not base64 of a key: give the secret as Inter-Hub shows it"
        )
    return Secret(name, value)


def signature_header(secrets: Sequence[Secret], event_id: str, moment: dt.datetime, body: str) -> str:
    """The ``webhook-signature`` value: one ``v1,<base64>`` per secret, separated by spaces."""
    return " ".join(Webhook(secret.value).sign(event_id, moment, body) for secret in secrets)


def headers(secrets: Sequence[Secret], event_id: str, moment: dt.datetime, body: str) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt sent at ``moment`` (whole seconds, UTC)."""
    moment = moment.astimezone(dt.UTC).replace(microsecond=0)
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": signature_header(secrets, event_id, moment, body),
        "Content-Type": "application/json",
    }


def scrub(text: str, secrets: Sequence[Secret]) -> str:
    """``text`` with every secret, the base64 part of each, and anything else shaped like a
    ``whsec_`` secret masked to its first 4 characters (then every other kind of secret)."""
    from ..records.secrets import mask, mask_secrets

    for secret in secrets:
        for value in (secret.value, secret.value[len(PREFIX) :]):
            if len(value) >= 4:
                text = text.replace(value, mask(value))
    return mask_secrets(_ANY_SECRET.sub(lambda m: mask(m[0]), text))
