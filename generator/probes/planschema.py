"""The probe plan's schema (``data/probes.yaml``): :class:`Plan` and its :class:`ProbeEntry`.

A plan entry holds the fields every probe has (name, probe, ca, timeout,
about, assessments) and the fields of its own probe; :class:`ProbeEntry` is made
from the probe registry (:data:`generator.probes.PROBES`), so a new probe brings
its fields with it. Importing this module loads no network code: the loader
validates plans with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, model_validator
from pydantic.fields import FieldInfo

from ..records.models import FAILED_READY_FIX, EntityRef, GateId, GateStatus, Slug, Url, ready_despite_failure
from . import PROBES
from .base import DEFAULT_TIMEOUT, EnvName, ProbeFields
from .web import origin

DEFAULT_PLAN = Path("data") / "probes.yaml"
NOT_A_PLAN = "expected a mapping with 'probes:' (a list of probes)"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _EntryHead(_Strict):
    name: Slug = Field(description="Unique name; the records it writes are <date>-<name>.yaml.")
    probe: str = Field(description=f"Which probe: {', '.join(PROBES)}.")


def _probe_fields() -> dict[str, Any]:
    """Every probe's own fields, each optional: the targets first (url, host), then the
    others, in the registry's order; a field two probes share has one definition."""
    fields: dict[str, tuple[Any, FieldInfo]] = {}
    names = [name for probe in PROBES.values() for name in probe.field_names[:1]]
    names += [name for probe in PROBES.values() for name in probe.field_names[1:]]
    for name in names:
        for probe in PROBES.values():
            info = probe.fields.model_fields.get(name)
            if info is None:
                continue
            annotation = info.rebuild_annotation() | None
            if name in fields and fields[name][0] != annotation:
                raise TypeError(f"probes disagree on the type of the plan field {name!r}")
            fields.setdefault(name, (annotation, FieldInfo(default=None, description=info.description)))
    return fields


if TYPE_CHECKING:
    _EntryBody = _EntryHead
else:  # the probes' fields are known when the registry is: a model made at import
    from pydantic import create_model

    _EntryBody = create_model(
        "_EntryBody",
        __base__=_EntryHead,
        probe=(Literal[tuple(PROBES)], _EntryHead.model_fields["probe"]),
        **_probe_fields(),
    )


class ProbeEntry(_EntryBody):
    """One probe of the plan."""

    ca: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = Field(
        None, description="PEM file of the only CAs to trust, relative to the repository root."
    )
    timeout: Annotated[float, Field(gt=0, le=600)] | None = Field(None, description="Seconds (plan default: 10).")
    about: list[EntityRef] = Field(default_factory=list, description="Entity references for the records.")
    assess_on_pass: dict[GateId, GateStatus] = Field(
        default_factory=dict, description="Gate assessments written when the probe passes."
    )
    assess_on_fail: dict[GateId, GateStatus] = Field(
        default_factory=dict, description="Gate assessments written when the probe fails."
    )
    _settings: ProbeFields | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _fail_never_ready(self) -> Self:
        gates = ready_despite_failure("fail", self.assess_on_fail)
        if gates:
            raise ValueError(f"assess_on_fail sets {', '.join(gates)} ready: {FAILED_READY_FIX}")
        return self

    @model_validator(mode="after")
    def _fits_the_probe(self) -> Self:
        probe = PROBES[self.probe]
        own = probe.field_names
        others = sorted(
            name
            for other in PROBES.values()
            for name in other.field_names
            if name not in own and getattr(self, name) is not None
        )
        if others:
            raise ValueError(
                f"{', '.join(others)}: not a field of {probe.article} {probe.name} probe "
                f"(it takes {', '.join(sorted(own))})"
            )
        missing = [name for name in probe.required if getattr(self, name) is None]
        if missing:
            raise ValueError(f"{probe.article} {probe.name} probe needs {' and '.join(missing)}")
        written = {name: getattr(self, name) for name in own if getattr(self, name) is not None}
        self._settings = probe.settings_of(written)
        return self

    @property
    def settings(self) -> ProbeFields:
        """The entry's own probe fields (with that probe's defaults), typed by its probe's model."""
        assert self._settings is not None, "set when the entry validated"
        return self._settings


def _bare_origin(value: str) -> str:
    parts = urlsplit(value)
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError("must be an origin only, scheme://host[:port], like https://registry.example")
    return value


OriginUrl = Annotated[Url, AfterValidator(_bare_origin)]


class Plan(_Strict):
    """The probe plan (data/probes.yaml)."""

    timeout: Annotated[float, Field(gt=0, le=600)] = Field(
        DEFAULT_TIMEOUT, description="Seconds, for every probe without its own timeout."
    )
    credentials: dict[EnvName, list[OriginUrl]] = Field(
        default_factory=dict,
        description="Each credential variable a probe names -> the origins (scheme://host[:port]) it may be sent "
        "to; a probe never sends it anywhere else, redirects and token services included.",
    )
    probes: list[ProbeEntry] = Field(description="The probes, run in this order.")

    def origins_for(self, entry: ProbeEntry) -> tuple[str, ...]:
        """The origins every credential variable of ``entry`` is bound to (the intersection)."""
        names = list(entry.settings.credential_variables().values())
        if not names:
            return ()
        bound = [{origin(url) for url in self.credentials.get(name, [])} for name in names]
        common = set.intersection(*bound)
        return tuple(sorted({url.rstrip("/") for url in self.credentials[names[0]] if origin(url) in common}))

    def credential_problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """(field path, message) for each credential variable that is not bound, or that a probe
        would send to an origin it is not bound to."""
        problems: list[tuple[tuple[str | int, ...], str]] = []
        for index, entry in enumerate(self.probes):
            url = entry.settings.credential_url()
            for field_name, name in entry.settings.credential_variables().items():
                loc: tuple[str | int, ...] = ("probes", index, field_name)
                if name not in self.credentials:
                    problems.append(
                        (
                            loc,
                            f"{name} is not bound to an origin: list it under 'credentials:' with the origin it is for",
                        )
                    )
                elif url is not None and origin(url) not in {origin(u) for u in self.credentials[name]}:
                    problems.append(
                        (
                            loc,
                            f"this probe would send {name} to {_origin_text(url)}, which is not an origin it is "
                            f"bound to ({', '.join(self.credentials[name])}): fix the url or the binding",
                        )
                    )
        return problems


def _origin_text(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"
