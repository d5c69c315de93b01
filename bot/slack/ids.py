"""Every action, block and callback ID the bot's Slack surfaces use, in one place."""

from enum import StrEnum


class Action(StrEnum):
    ACKNOWLEDGE = "incident_acknowledge"
    UPDATE_STATUS = "incident_update_status"
    RESOLVE = "incident_resolve"
    ALERT_ACKNOWLEDGE = "alert_acknowledge"
    ALERT_DECLARE_INCIDENT = "alert_declare_incident"
    ALERT_SILENCE = "alert_silence"
    RUN_RUNBOOK = "runbook_run"
    APPROVE_RUN = "runbook_approve"
    REJECT_RUN = "runbook_reject"
    RESUME_RUN = "runbook_resume"
    ABANDON_RUN = "runbook_abandon"


class Callback(StrEnum):
    CREATE_INCIDENT = "incident_create"
    UPDATE_STATUS = "incident_status"
    RESOLVE_INCIDENT = "incident_resolve"
    SILENCE_ALERTS = "alert_silence"


class Block(StrEnum):
    TITLE = "title"
    DESCRIPTION = "description"
    SEVERITY = "severity"
    COMPONENTS = "components"
    STATUS = "status"
    NOTE = "note"
    RESOLUTION = "resolution"
    INCIDENT_ACTIONS = "incident_actions"
    ALERT_ACTIONS = "alert_actions"
    SILENCE_HOURS = "silence_hours"
    RUNBOOK_ACTIONS = "runbook_actions"


class Element(StrEnum):
    """The action_id of the one input inside each modal block."""

    VALUE = "value"
