"""Alert notifications from Alertmanager and Grafana: one living group per notification key."""
