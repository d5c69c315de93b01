"""On call: the rotation, overrides, reminders and the weekly handoff."""
