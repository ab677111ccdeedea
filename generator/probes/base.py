"""What a probe is: the one description that the plan, the command line and the runner read.

A probe is one module that defines a :class:`Probe`: its spec (a frozen
dataclass of what it is asked to do), its run function, its plan fields (a
:class:`ProbeFields` model) and its command's argument, options and help. The
registry (:data:`generator.probes.PROBES`) lists the probes; everything else is
derived from it. Probe modules import no network code when they are imported:
their run functions load it (:mod:`.net`, :mod:`ssl`, ``cryptography``) when
they run, so that the plan's schema and ``--help`` stay light.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, StringConstraints

from ..errors import UsageError
from .record import Outcome, safe_url

if TYPE_CHECKING:
    import click

DEFAULT_TIMEOUT = 10.0
"""Seconds to wait to connect and for each answer, unless told otherwise."""

ENV_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
EnvName = Annotated[str, StringConstraints(pattern=ENV_PATTERN.pattern, max_length=128)]
"""The name of an environment variable (that holds a credential: never its value)."""

F = TypeVar("F", bound="ProbeFields")
S = TypeVar("S")


class ProbeFields(BaseModel):
    """A probe's own fields in a plan entry (its target first).

    Fields without a default are required for that probe. The plan's entry
    (:class:`~generator.probes.planschema.ProbeEntry`) holds every probe's fields,
    all optional; an entry's values are then validated again by its probe's model,
    whose validators hold the rules that span its fields.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    def credential_variables(self) -> dict[str, str]:
        """Field name -> the environment variable it names, for the fields that name credentials."""
        return {}

    def credential_url(self) -> str | None:
        """The URL the credentials are sent to."""
        return None


@dataclass(frozen=True, slots=True)
class PlanSettings:
    """What a plan entry's spec takes besides its probe's own fields."""

    ca: Path | None
    """The only CAs to trust (relative to the current directory, as a user would type it)."""
    timeout: float
    origins: tuple[str, ...]
    """The origins the entry's credentials are bound to (none without credentials)."""


@dataclass(frozen=True, slots=True)
class Probe(Generic[F, S]):
    """One probe: ``F`` its plan fields, ``S`` its spec."""

    name: str
    """The command (``readiness probe NAME``) and the plan's ``probe:`` value."""
    article: str
    """``an`` or ``a``, as messages say it: "an http probe"."""
    fields: type[F]
    from_plan: Callable[[F, PlanSettings], S]
    """The spec a plan entry describes."""
    run: Callable[[S], Outcome]
    """Run the probe; never raises for what the network does."""
    params: Callable[[], list[click.Parameter]]
    """The command's argument and its own options (``--ca`` and the common ones follow)."""
    from_cli: Callable[..., S]
    """The spec the command describes: takes each of :meth:`cli_params` by name, and ``timeout``;
    :class:`~generator.errors.UsageError` for a bad value. Its docstring is the command's help."""

    @property
    def help(self) -> str:
        """The command's help: a first line, a blank line, then the details."""
        return inspect.getdoc(self.from_cli) or ""

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(self.fields.model_fields)

    @property
    def required(self) -> tuple[str, ...]:
        """The plan fields this probe needs."""
        return tuple(name for name, info in self.fields.model_fields.items() if info.is_required())

    def settings_of(self, values: dict[str, Any]) -> F:
        """An entry's values (those written) as this probe's fields, checked by its rules."""
        return self.fields.model_validate(values)

    def cli_params(self) -> list[click.Parameter]:
        """The command's argument and options, ``--ca`` last (``--about``, ``--assess``,
        ``--timeout`` and ``--write`` are the command line's own)."""
        return [*self.params(), _ca_option()]


def _ca_option() -> click.Option:
    import click

    return click.Option(
        ["--ca"],
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        metavar="FILE",
        help="Trust only the CA certificates in this PEM file (default: the system trust store).",
    )


def check_url(option: str, url: str) -> None:
    """An absolute http(s) URL, or :class:`UsageError` naming ``option``."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise UsageError(f"{option} {safe_url(url)}: not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or any(ch.isspace() for ch in url):
        raise UsageError(f"{option} {safe_url(url)}: write an absolute http:// or https:// URL")
