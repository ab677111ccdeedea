"""The status engine: the evidence index, automatic checks and status rules. Pure: records in, statuses out."""
