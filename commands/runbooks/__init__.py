"""Runbooks as code: catalog, runs, approvals and the step engine."""
