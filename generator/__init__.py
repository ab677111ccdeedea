"""Readiness handoff generator: records in git in, statuses and a site out."""

__version__ = "0.1.0"
