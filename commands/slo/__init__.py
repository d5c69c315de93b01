"""SLOs and error budgets: specs, evaluation, rules, status changes and the daily digest."""
