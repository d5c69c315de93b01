"""Retention: how long history is kept, and the daily sweep that keeps it bounded."""
