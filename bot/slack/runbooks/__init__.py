"""`/runbook`, the Run, Approve, Reject, Resume and Abandon buttons, and run messages."""
