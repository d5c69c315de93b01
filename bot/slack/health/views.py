"""Health-watch messages: `/health`, a target going down (the thread's parent) and recovering."""

from collections.abc import Sequence

from bot.i18n import Translator
from bot.slack.blocks import cut, escape, message, mrkdwn, plain, section_message
from bot.slack.limits import HEADER_MAX
from commands.health.watch import TargetStatus

HEALTH_EMOJI = {
    "healthy": ":large_green_circle:",
    "failing": ":large_orange_circle:",
    "unhealthy": ":red_circle:",
}


def _yes(value: object) -> str:
    return "✓" if value is True else ("✗" if value is False else str(value))


def health_details(body: dict, t: Translator) -> list[str]:
    """The guide's health JSON fields in words: one model, or all models."""
    lines = []
    if "total_models" in body or "models" in body:
        lines.append(
            t(
                "health.all_models",
                healthy=body.get("healthy_count", "?"),
                degraded=body.get("degraded_count", "?"),
                unhealthy=body.get("unhealthy_count", "?"),
                total=body.get("total_models", "?"),
            )
        )
        models = body.get("models")
        if isinstance(models, dict) and models:
            lines.append(
                " · ".join(
                    f"{HEALTH_EMOJI.get(str(s), ':large_yellow_circle:')} "
                    f"{escape(str(m))} {escape(str(s))}"
                    for m, s in list(models.items())[:20]
                )
            )
        extra = []
        if "memory_mb" in body:
            extra.append(t("health.memory", mb=body["memory_mb"]))
        if "gpu_available" in body:
            extra.append(t("health.gpu", value=_yes(body["gpu_available"])))
        if extra:
            lines.append(" · ".join(extra))
        return lines
    if "model_name" in body or "inference_ready" in body:
        lines.append(
            t(
                "health.model",
                model=escape(str(body.get("model_name", "?"))),
                status=escape(str(body.get("status", "?"))),
                loaded=_yes(body.get("loaded", "?")),
                ready=_yes(body.get("inference_ready", "?")),
            )
        )
        extra = []
        if body.get("last_inference_ms") is not None:
            extra.append(t("health.last_inference", ms=body["last_inference_ms"]))
        if body.get("memory_mb") is not None:
            extra.append(t("health.memory", mb=body["memory_mb"]))
        if body.get("gpu_memory_mb") is not None:
            extra.append(t("health.gpu_memory", mb=body["gpu_memory_mb"]))
        if body.get("uptime_seconds") is not None:
            extra.append(t("health.uptime", duration=t.duration(float(body["uptime_seconds"]))))
        if extra:
            lines.append(" · ".join(extra))
        if body.get("error_message"):
            lines.append("> " + escape(cut(str(body["error_message"]), 300)))
        return lines
    if "status" in body:
        lines.append(t("health.status_field", status=escape(str(body["status"]))))
    return lines


def health_line(item: TargetStatus, t: Translator) -> str:
    state = item.state
    current = state.state if state is not None else "unknown"
    if state is not None and current != "unhealthy" and state.consecutive_failures:
        current = "failing"  # failed, but fewer times in a row than make an episode
    emoji = HEALTH_EMOJI.get(current, ":white_circle:")
    head = f"{emoji} *{escape(item.watch.label)}* — {t(f'health.state.{current}')}"
    if state is None or state.last_checked_at is None:
        return head + "\n" + t("health.never_checked")
    facts = [t("health.checked", time=t.time(state.last_checked_at, seconds=True))]
    if state.last_status is not None:
        facts.append(f"HTTP {state.last_status}")
    if state.last_latency_ms is not None:
        facts.append(t("health.latency", ms=round(state.last_latency_ms)))
    if state.consecutive_failures:
        facts.append(t("health.failures", n=state.consecutive_failures, of=item.watch.failures))
    lines = [head, " · ".join(facts)]
    if state.last_error:
        lines.append(t("health.problem", detail=escape(cut(state.last_error, 300))))
    lines += health_details(state.last_body or {}, t)
    return "\n".join(lines)


def health_status(items: Sequence[TargetStatus], t: Translator) -> dict:
    targets = [i for i in items if i.watch.kind == "health"]
    if not targets:
        return section_message(t("health.none"))
    blocks: list[dict] = [
        {"type": "header", "text": plain(t("health.header", count=len(targets)), HEADER_MAX)}
    ]
    for item in targets[:45]:
        blocks.append({"type": "section", "text": mrkdwn(health_line(item, t))})
    return message(t("health.header", count=len(targets)), blocks)


def health_change(item: TargetStatus, episode: int, change: str, t: Translator) -> dict:
    """A target going down (the thread's parent, later updated) or recovering (a reply)."""
    state = item.state
    name = escape(item.watch.label)
    if change == "recovered":
        since = state.changed_at if state is not None else None
        text = t("health.recovered", target=name, time=t.time(since))
        return section_message(text)
    recovered = state is not None and state.state == "healthy" and state.episode == episode
    key = "health.down_recovered" if recovered else "health.down"
    text = t(key, target=name, n=item.watch.failures)
    lines = [text]
    if state is not None and not recovered:
        if state.last_error:
            lines.append(t("health.problem", detail=escape(cut(state.last_error, 300))))
        lines += health_details(state.last_body or {}, t)
    if item.watch.runbooks:
        lines.append(
            t("health.runbooks", names=", ".join(f"`{escape(n)}`" for n in item.watch.runbooks))
        )
    body = "\n".join(lines)
    return message(text, [{"type": "section", "text": mrkdwn(body)}])
