"""Runbooks as code: listing, dry runs, starting runs, approvals and the step engine.

A run lives in the database. It starts once per trigger (a unique key), may wait for an
approval (Approve/Reject buttons, only approvers, optionally two people), and then a sweep
claims it with a lease and carries out its steps. Every step is recorded `started` before it
acts and with its outcome after, in the same transaction as the Slack messages it owes. If a
process dies mid-step, its lease runs out and the next sweep finds the step `started`: a step
that is safe to repeat (a GET, a health check, a query, a wait) runs again; any other stops
the run as `interrupted`, with Resume and Abandon buttons for a person to decide.
"""
