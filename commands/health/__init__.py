"""The watched service's health endpoints: probes, failure episodes and their runbooks."""
