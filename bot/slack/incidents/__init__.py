"""`/incident`, the announcement's buttons and forms, and every incident message."""
