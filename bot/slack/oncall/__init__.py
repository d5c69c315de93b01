"""`/oncall` and the on-call messages: reminders, the handoff, the schedule."""
