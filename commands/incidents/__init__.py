"""Incidents from declaration to postmortem, and the reports over them."""
