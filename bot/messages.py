"""The message catalog: every string a person reads, in English and Korean.

Each entry holds both languages side by side so a missing translation is plain to see;
`tests/test_messages.py` checks that both carry the same placeholders.
"""

CATALOG: dict[str, dict[str, str]] = {
    # --- errors --------------------------------------------------------------------------
    "error.unknown_severity": {
        "en": "Unknown severity `{given}`. Use one of: {valid}.",
        "ko": "알 수 없는 심각도 `{given}`입니다. 다음 중 하나를 쓰세요: {valid}.",
    },
    "error.title_required": {
        "en": "An incident needs a title.",
        "ko": "인시던트 제목이 필요합니다.",
    },
    "error.responder_required": {
        "en": "Say who acknowledges (a responder name).",
        "ko": "확인하는 담당자 이름이 필요합니다.",
    },
    "error.incident_not_found": {
        "en": "There is no incident `{id}`. `/incident list` shows the open ones.",
        "ko": "`{id}` 인시던트가 없습니다. `/incident list`로 진행 중인 인시던트를 볼 수 있습니다.",
    },
    "error.incident_not_open": {
        "en": "{id} is {status}; only an open incident can be acknowledged.",
        "ko": "{id}은(는) {status} 상태입니다. 진행 중인 인시던트만 확인할 수 있습니다.",
    },
    "error.unknown_status": {
        "en": "Unknown status `{given}`. Use one of: {valid}.",
        "ko": "알 수 없는 상태 `{given}`입니다. 다음 중 하나를 쓰세요: {valid}.",
    },
    "error.status_unchanged": {
        "en": "{id} is already {status}.",
        "ko": "{id}은(는) 이미 {status} 상태입니다.",
    },
    "error.use_ack": {
        "en": "To acknowledge {id}, use `/incident ack {id}`.",
        "ko": "{id}을(를) 확인하려면 `/incident ack {id}`를 쓰세요.",
    },
    "error.bad_transition": {
        "en": "{id} cannot go from {current} to {target}.",
        "ko": "{id}은(는) {current}에서 {target}(으)로 바꿀 수 없습니다.",
    },
    "error.incident_closed": {
        "en": "{id} is closed and can no longer change.",
        "ko": "{id}은(는) 종료되어 더 이상 바꿀 수 없습니다.",
    },
    "error.severity_unchanged": {
        "en": "{id} is already {severity}.",
        "ko": "{id}은(는) 이미 {severity}입니다.",
    },
    "error.text_required": {
        "en": "Give the {field} text.",
        "ko": "{field} 내용을 입력하세요.",
    },
    "error.close_needs_resolved": {
        "en": "{id} is {status}; resolve it first with `/incident resolve {id}`, then close it.",
        "ko": "{id}은(는) {status} 상태입니다. 먼저 `/incident resolve {id}`로 해결한 뒤 종료하세요.",
    },
    "error.bad_url": {
        "en": "`{given}` is not a link. Give the postmortem document's http(s) URL.",
        "ko": "`{given}`은(는) 링크가 아닙니다. 포스트모템 문서의 http(s) 주소를 입력하세요.",
    },
    "error.database": {
        "en": "The database cannot be reached right now; nothing was changed. Try again shortly.",
        "ko": "지금 데이터베이스에 연결할 수 없어 아무것도 바뀌지 않았습니다. 잠시 후 다시 시도하세요.",
    },
    "error.internal": {
        "en": "Something went wrong on our side; nothing was changed. (reference {ref})",
        "ko": "내부 오류가 발생해 아무것도 바뀌지 않았습니다. (참조 {ref})",
    },
    "error.field_required": {
        "en": "This field is required.",
        "ko": "필수 항목입니다.",
    },
    # --- usage ---------------------------------------------------------------------------
    "usage.unknown_sub": {
        "en": "Unknown sub-command `{sub}`.",
        "ko": "알 수 없는 하위 명령 `{sub}`입니다.",
    },
    "usage.missing": {
        "en": "`/incident {sub}` is missing {what}. Usage: `{usage}`",
        "ko": "`/incident {sub}`에 {what}이(가) 빠졌습니다. 사용법: `{usage}`",
    },
    "usage.create_needs_severity": {
        "en": "`/incident create` needs the severity before the title: `/incident create sev2 {title}` (Sev1 to Sev4). `/incident create` alone opens the form.",
        "ko": "`/incident create`에는 제목 앞에 심각도가 필요합니다: `/incident create sev2 {title}` (Sev1~Sev4). `/incident create`만 입력하면 양식이 열립니다.",
    },
    "usage.arg.id": {"en": "the incident ID", "ko": "인시던트 ID"},
    "usage.arg.severity": {"en": "the severity", "ko": "심각도"},
    "usage.arg.title": {"en": "the title", "ko": "제목"},
    "usage.arg.status": {"en": "the status", "ko": "상태"},
    "usage.arg.text": {"en": "the text", "ko": "내용"},
    "usage.arg.url": {"en": "the document URL", "ko": "문서 주소"},
    "usage.arg.days": {
        "en": "a number of days from 1 to 3650",
        "ko": "1에서 3650 사이의 일 수",
    },
    "usage.header": {
        "en": "*`/incident` — run an incident where the team talks*",
        "ko": "*`/incident` — 팀이 대화하는 곳에서 인시던트를 운영합니다*",
    },
    "usage.other_commands": {
        "en": "The other commands: `/oncall` (who is on call, swaps, covers) · `/slo` (SLOs, error budgets, deploys) · `/runbook` (list, run, dry-run) · `/health` (the watched services). Each answers `help`.",
        "ko": "다른 명령: `/oncall` (온콜 담당, 교대, 대신 서기) · `/slo` (SLO, 에러 버짓, 배포 가능 여부) · `/runbook` (목록, 실행, 미리 보기) · `/health` (감시 중인 서비스). 각각 `help`로 사용법을 볼 수 있습니다.",
    },
    "usage.create_modal": {"en": "open the form to declare", "ko": "선언 양식 열기"},
    "usage.create": {"en": "declare at once", "ko": "바로 선언"},
    "usage.ack": {
        "en": "acknowledge (no ID: this channel's only unacknowledged one)",
        "ko": "확인 (ID가 없으면 이 채널의 미확인 인시던트)",
    },
    "usage.status": {
        "en": "investigating, mitigated or resolved, with a note",
        "ko": "investigating, mitigated, resolved 중 하나와 메모",
    },
    "usage.severity": {"en": "change the severity", "ko": "심각도 변경"},
    "usage.root_cause": {"en": "record the root cause", "ko": "근본 원인 기록"},
    "usage.resolution": {"en": "record the resolution", "ko": "해결 방법 기록"},
    "usage.note": {"en": "add a note to the timeline", "ko": "타임라인에 메모 추가"},
    "usage.resolve": {"en": "mark resolved", "ko": "해결로 표시"},
    "usage.close": {"en": "close (after resolve)", "ko": "종료 (해결 후)"},
    "usage.postmortem": {"en": "record the postmortem document", "ko": "포스트모템 문서 기록"},
    "usage.list": {"en": "open incidents", "ko": "진행 중인 인시던트"},
    "usage.report": {
        "en": "counts, MTTA/MTTR, acks within target, postmortems owed",
        "ko": "건수, MTTA/MTTR, 목표 내 확인 비율, 밀린 포스트모템",
    },
    "usage.help": {"en": "this help", "ko": "이 도움말"},
    "usage.severities": {
        "en": "Severities: {levels}. Statuses: {statuses}.",
        "ko": "심각도: {levels}. 상태: {statuses}.",
    },
    # --- answers to the person who asked --------------------------------------------------
    "created.title_cut": {
        "en": "The title had {given} characters; it was shortened to the first {kept}.",
        "ko": "제목이 {given}자여서 앞의 {kept}자로 줄였습니다.",
    },
    "created": {
        "en": "Incident Created: {id} [{severity}]",
        "ko": "인시던트 생성됨: {id} [{severity}]",
    },
    "created.where": {
        "en": "Announced in {channel}; the timeline is in its thread.",
        "ko": "{channel}에 공지했습니다. 타임라인은 스레드에 있습니다.",
    },
    "ack.done": {
        "en": "You acknowledged {id}. Next, share the first status: `/incident status {id} investigating &lt;note&gt;`",
        "ko": "{id}을(를) 확인했습니다. 다음으로 첫 상태를 공유하세요: `/incident status {id} investigating &lt;메모&gt;`",
    },
    "ack.already": {
        "en": "{id} was already acknowledged by {who} at {time}.",
        "ko": "{id}은(는) 이미 {who}님이 {time}에 확인했습니다.",
    },
    "ack.none_open": {
        "en": "No open incident in this channel is waiting for an acknowledgement. Give an ID: `/incident ack INC-…`",
        "ko": "이 채널에는 확인을 기다리는 인시던트가 없습니다. ID를 지정하세요: `/incident ack INC-…`",
    },
    "ack.choose": {
        "en": "Several incidents are waiting for an acknowledgement. Pick one:",
        "ko": "확인을 기다리는 인시던트가 여러 개입니다. 하나를 고르세요:",
    },
    "done.status": {"en": "{id} is now {status}.", "ko": "{id}: 이제 {status} 상태입니다."},
    "done.severity": {"en": "{id} is now {severity}.", "ko": "{id}: 이제 {severity}입니다."},
    "done.root_cause": {
        "en": "Root cause recorded for {id}.",
        "ko": "{id}의 근본 원인을 기록했습니다.",
    },
    "done.resolution": {
        "en": "Resolution recorded for {id}.",
        "ko": "{id}의 해결 방법을 기록했습니다.",
    },
    "done.note": {"en": "Note added to {id}.", "ko": "{id}에 메모를 추가했습니다."},
    "done.closed": {"en": "{id} is closed.", "ko": "{id}을(를) 종료했습니다."},
    "done.closed_postmortem": {
        "en": "{id} is closed. A postmortem is required: a draft is in the incident thread; record the document with `/incident postmortem {id} &lt;url&gt;`.",
        "ko": "{id}을(를) 종료했습니다. 포스트모템이 필요합니다. 초안은 인시던트 스레드에 있으며, 문서는 `/incident postmortem {id} &lt;url&gt;`로 기록하세요.",
    },
    "done.postmortem": {
        "en": "Postmortem recorded for {id}.",
        "ko": "{id}의 포스트모템을 기록했습니다.",
    },
    # --- names ---------------------------------------------------------------------------
    "status.detected": {"en": "Detected", "ko": "감지됨"},
    "status.acknowledged": {"en": "Acknowledged", "ko": "확인됨"},
    "status.investigating": {"en": "Investigating", "ko": "조사 중"},
    "status.mitigated": {"en": "Mitigated", "ko": "완화됨"},
    "status.resolved": {"en": "Resolved", "ko": "해결됨"},
    "status.closed": {"en": "Closed", "ko": "종료됨"},
    "field.root_cause": {"en": "root cause", "ko": "근본 원인"},
    "field.resolution": {"en": "resolution", "ko": "해결 방법"},
    "field.note": {"en": "note", "ko": "메모"},
    # --- the announcement ----------------------------------------------------------------
    "incident.fallback": {
        "en": "{id} [{severity}] {title} — {status}",
        "ko": "{id} [{severity}] {title} — {status}",
    },
    "incident.severity": {"en": "Severity", "ko": "심각도"},
    "incident.status": {"en": "Status", "ko": "상태"},
    "incident.components": {"en": "Components", "ko": "영향 받는 구성 요소"},
    "incident.acknowledgement": {"en": "Acknowledgement", "ko": "확인"},
    "incident.ack_waiting": {
        "en": ":rotating_light: Not acknowledged. Respond by {deadline} ({target} target)",
        "ko": ":rotating_light: 아직 확인되지 않음. {deadline}까지 대응 (목표 {target})",
    },
    "incident.ack_overdue": {
        "en": ":warning: Not acknowledged: overdue since {deadline} ({target} target)",
        "ko": ":warning: 아직 확인되지 않음: {deadline}부터 대응 기한 초과 (목표 {target})",
    },
    "incident.ack_done": {
        "en": "{who} after {elapsed} ({target} target) {mark}",
        "ko": "{who}님이 {elapsed} 만에 확인 (목표 {target}) {mark}",
    },
    "incident.declared": {
        "en": "Declared by {who} at {time}",
        "ko": "{time}에 {who}님이 선언",
    },
    "incident.postmortem_owed": {
        "en": ":memo: Postmortem owed: `/incident postmortem {id} &lt;url&gt;`",
        "ko": ":memo: 포스트모템 필요: `/incident postmortem {id} &lt;url&gt;`",
    },
    "incident.postmortem_link": {
        "en": ":memo: <{url}|Postmortem>",
        "ko": ":memo: <{url}|포스트모템>",
    },
    "button.acknowledge": {"en": "Acknowledge", "ko": "확인"},
    "button.update_status": {"en": "Update status", "ko": "상태 업데이트"},
    "button.resolve": {"en": "Resolve", "ko": "해결"},
    # --- the timeline ---------------------------------------------------------------------
    "timeline.created": {
        "en": "{who} declared the incident ({severity}).",
        "ko": "{who}님이 인시던트를 선언했습니다 ({severity}).",
    },
    "timeline.acknowledged": {
        "en": "{who} acknowledged.",
        "ko": "{who}님이 확인했습니다.",
    },
    "timeline.status": {
        "en": "{who} changed the status: {old} → {new}.",
        "ko": "{who}님이 상태를 바꿨습니다: {old} → {new}.",
    },
    "timeline.status_ack": {
        "en": "(This also acknowledges the incident.)",
        "ko": "(이로써 인시던트도 확인되었습니다.)",
    },
    "timeline.severity": {
        "en": "{who} changed the severity: {old} → {new}.",
        "ko": "{who}님이 심각도를 바꿨습니다: {old} → {new}.",
    },
    "timeline.root_cause": {
        "en": "{who} recorded the root cause:",
        "ko": "{who}님이 근본 원인을 기록했습니다:",
    },
    "timeline.resolution": {
        "en": "{who} recorded the resolution:",
        "ko": "{who}님이 해결 방법을 기록했습니다:",
    },
    "timeline.note": {"en": "{who} noted:", "ko": "{who}님의 메모:"},
    "timeline.closed": {
        "en": "{who} closed the incident.",
        "ko": "{who}님이 인시던트를 종료했습니다.",
    },
    "timeline.postmortem": {
        "en": "{who} recorded the postmortem: {url}",
        "ko": "{who}님이 포스트모템을 기록했습니다: {url}",
    },
    # --- list and report ------------------------------------------------------------------
    "list.header": {"en": "Open incidents ({count})", "ko": "진행 중인 인시던트 ({count})"},
    "list.empty": {"en": "No open incidents.", "ko": "진행 중인 인시던트가 없습니다."},
    "list.all_header": {"en": "Incidents ({count})", "ko": "인시던트 ({count})"},
    "report.header": {"en": "Incident report", "ko": "인시던트 보고서"},
    "report.period_all": {"en": "All incidents", "ko": "전체 인시던트"},
    "report.period_since": {"en": "Since {time}", "ko": "{time} 이후"},
    "report.total": {"en": "Total: {total}", "ko": "합계: {total}"},
    "report.by_severity": {"en": "By severity", "ko": "심각도별"},
    "report.by_status": {"en": "By status", "ko": "상태별"},
    "report.columns": {
        "en": "Severity | count | MTTA | MTTR | acked within target",
        "ko": "심각도 | 건수 | MTTA | MTTR | 목표 내 확인",
    },
    "report.row": {
        "en": "{severity} ({target}) | {count} | {mtta} | {mttr} | {within}",
        "ko": "{severity} ({target}) | {count} | {mtta} | {mttr} | {within}",
    },
    "report.within": {"en": "{ratio} ({ok}/{due})", "ko": "{ratio} ({ok}/{due})"},
    "report.none": {"en": "—", "ko": "—"},
    "report.owed_header": {"en": "Postmortems owed ({count})", "ko": "밀린 포스트모템 ({count})"},
    "report.owed_none": {"en": "No postmortems owed.", "ko": "밀린 포스트모템이 없습니다."},
    "report.owed_row": {
        "en": "{id} [{severity}] {title} — closed {time}",
        "ko": "{id} [{severity}] {title} — {time} 종료",
    },
    # --- postmortem draft ------------------------------------------------------------------
    "pm.attached": {
        "en": "The draft is {size} characters, longer than one message holds: it is attached whole below as `{file}`.",
        "ko": "초안이 {size}자로 메시지 하나에 담기지 않아, 아래에 `{file}` 파일로 전체를 첨부했습니다.",
    },
    "pm.intro": {
        "en": "Postmortem required for {id}. Here is a blameless draft built from the timeline; copy it into your document and record its link with `/incident postmortem {id} &lt;url&gt;`.",
        "ko": "{id}은(는) 포스트모템이 필요합니다. 타임라인으로 만든 비난 없는(blameless) 초안입니다. 문서로 옮긴 뒤 `/incident postmortem {id} &lt;url&gt;`로 링크를 기록하세요.",
    },
    "pm.title": {"en": "Postmortem: {id} — {title}", "ko": "포스트모템: {id} — {title}"},
    "pm.blameless": {
        "en": "_Blameless: this document describes systems and decisions, not people at fault._",
        "ko": "_비난 없는 회고: 이 문서는 잘못한 사람이 아니라 시스템과 결정을 다룹니다._",
    },
    "pm.summary": {"en": "Summary", "ko": "요약"},
    "pm.summary_text": {
        "en": "{severity} incident, declared {start}, resolved {end}; duration {duration}. Acknowledged after {tta}.",
        "ko": "{severity} 인시던트. {start}에 선언, {end}에 해결, 지속 시간 {duration}. {tta} 만에 확인.",
    },
    "pm.impact": {"en": "Impact", "ko": "영향"},
    "pm.impact_text": {
        "en": "Affected components: {components}. Describe who was affected and how (users, requests, data).",
        "ko": "영향 받은 구성 요소: {components}. 누가 어떻게 영향을 받았는지 적으세요 (사용자, 요청, 데이터).",
    },
    "pm.timeline": {"en": "Timeline ({tz})", "ko": "타임라인 ({tz})"},
    "pm.root_cause": {"en": "Root cause", "ko": "근본 원인"},
    "pm.resolution": {"en": "Resolution", "ko": "해결"},
    "pm.missing": {"en": "(not recorded yet)", "ko": "(아직 기록되지 않음)"},
    "pm.actions": {"en": "Action items", "ko": "후속 조치"},
    "pm.actions_text": {
        "en": "| Action | Owner | Due | Ticket |\n|---|---|---|---|\n| Prevent recurrence of the root cause | | | |\n| Detect it sooner (alert, SLO) | | | |\n| Update the runbook | | | |",
        "ko": "| 조치 | 담당자 | 기한 | 티켓 |\n|---|---|---|---|\n| 근본 원인 재발 방지 | | | |\n| 더 빠른 감지 (알림, SLO) | | | |\n| 런북 업데이트 | | | |",
    },
    "pm.lessons": {"en": "What went well / what did not", "ko": "잘된 점 / 아쉬운 점"},
    # --- modals --------------------------------------------------------------------------
    "modal.create_title": {"en": "Declare an incident", "ko": "인시던트 선언"},
    "modal.submit": {"en": "Declare", "ko": "선언"},
    "modal.save": {"en": "Save", "ko": "저장"},
    "modal.cancel": {"en": "Cancel", "ko": "취소"},
    "modal.title": {"en": "Title", "ko": "제목"},
    "modal.title_hint": {"en": "e.g. Qwen LLM failure", "ko": "예: Qwen LLM 장애"},
    "modal.description": {"en": "Description", "ko": "설명"},
    "modal.severity": {"en": "Severity", "ko": "심각도"},
    "modal.components": {"en": "Components (comma-separated)", "ko": "구성 요소 (쉼표로 구분)"},
    "modal.status_title": {"en": "Update status", "ko": "상태 업데이트"},
    "modal.status": {"en": "New status", "ko": "새 상태"},
    "modal.note": {"en": "Note for the timeline", "ko": "타임라인 메모"},
    "modal.resolve_title": {"en": "Resolve", "ko": "해결"},
    "modal.resolution": {"en": "Resolution (optional)", "ko": "해결 방법 (선택)"},
    "severity.Sev1": {"en": "Sev1 — service fully down", "ko": "Sev1 — 서비스 전체 중단"},
    "severity.Sev2": {"en": "Sev2 — major feature down", "ko": "Sev2 — 주요 기능 중단"},
    "severity.Sev3": {"en": "Sev3 — partial", "ko": "Sev3 — 부분 장애"},
    "severity.Sev4": {"en": "Sev4 — minor", "ko": "Sev4 — 경미"},
    # --- local terminal and server --------------------------------------------------------
    "mention.help": {
        "en": "Hi! Try `/incident help`.",
        "ko": "안녕하세요! `/incident help`를 입력해 보세요.",
    },
    # --- on-call ---------------------------------------------------------------------------
    "error.oncall_no_members": {
        "en": "No on-call rotation is configured. Add the team's Slack user IDs under `oncall.members` in sre-bot.yml.",
        "ko": "온콜 로테이션이 설정되지 않았습니다. sre-bot.yml의 `oncall.members`에 팀원의 Slack 사용자 ID를 추가하세요.",
    },
    "error.oncall_unknown_user": {
        "en": "`{given}` is not a Slack user. Mention the person (@name) or give their member ID (U…).",
        "ko": "`{given}`은(는) Slack 사용자가 아닙니다. 그 사람을 멘션(@이름)하거나 멤버 ID(U…)를 입력하세요.",
    },
    "error.oncall_not_allowed": {
        "en": "Only the people whose shifts this changes ({people}) or an on-call admin (`oncall.admins`) can do this.",
        "ko": "근무가 바뀌는 사람({people})이나 온콜 관리자(`oncall.admins`)만 할 수 있습니다.",
    },
    "error.oncall_not_member": {
        "en": "{who} is not in the on-call rotation (`oncall.members`); only members can take a shift.",
        "ko": "{who}님은 온콜 로테이션(`oncall.members`)에 없습니다. 로테이션 멤버만 근무를 맡을 수 있습니다.",
    },
    "error.oncall_bad_time": {
        "en": "`{given}` is not a date and time. Write it like `2026-12-04 17:00` ({tz}); a date alone means the whole day.",
        "ko": "`{given}`은(는) 날짜와 시간이 아닙니다. `2026-12-04 17:00`처럼 쓰세요 ({tz}). 날짜만 쓰면 그날 하루 전체입니다.",
    },
    "error.oncall_end_before_start": {
        "en": "The end ({end}) must come after the start ({start}). Nothing was changed.",
        "ko": "끝({end})은 시작({start})보다 뒤여야 합니다. 아무것도 바뀌지 않았습니다.",
    },
    "error.oncall_in_past": {
        "en": "{time} is in the past; an override can only change who is on call from now on. Nothing was changed.",
        "ko": "{time}은(는) 이미 지났습니다. 온콜 변경은 지금부터의 근무만 바꿀 수 있습니다. 아무것도 바뀌지 않았습니다.",
    },
    "error.oncall_too_long": {
        "en": "An override may last at most {days} days and start within a year. For longer changes, edit `oncall.members`. Nothing was changed.",
        "ko": "온콜 변경은 최대 {days}일, 1년 이내에 시작해야 합니다. 더 긴 변경은 `oncall.members`를 고치세요. 아무것도 바뀌지 않았습니다.",
    },
    "error.oncall_overlap": {
        "en": "This overlaps override #{id} ({kind}: {who}, {start} – {end}). Remove it first with `/oncall remove {id}`. Nothing was changed.",
        "ko": "기존 변경 #{id}({kind}: {who}, {start} – {end})과(와) 겹칩니다. 먼저 `/oncall remove {id}`로 지우세요. 아무것도 바뀌지 않았습니다.",
    },
    "error.oncall_same_shift": {
        "en": "Both times fall in the same shift (starting {start}); give times in two different shifts.",
        "ko": "두 시간이 같은 근무({start} 시작)에 속합니다. 서로 다른 두 근무의 시간을 입력하세요.",
    },
    "error.oncall_same_person": {
        "en": "Both shifts are {who}'s already; there is nothing to swap.",
        "ko": "두 근무 모두 이미 {who}님 담당이라 바꿀 것이 없습니다.",
    },
    "error.oncall_shift_started": {
        "en": "The shift starting {start} has already begun and can't be swapped; use `/oncall cover` for the rest of it.",
        "ko": "{start}에 시작한 근무는 이미 시작되어 교대할 수 없습니다. 남은 시간은 `/oncall cover`를 쓰세요.",
    },
    "error.oncall_override_not_found": {
        "en": "There is no override #{id}. `/oncall schedule` shows them.",
        "ko": "변경 #{id}이(가) 없습니다. `/oncall schedule`에서 확인하세요.",
    },
    "error.oncall_override_over": {
        "en": "Override #{id} is already over; it stays as the record of who was on call.",
        "ko": "변경 #{id}은(는) 이미 끝났으며 온콜 기록으로 남습니다.",
    },
    "error.oncall_weeks": {
        "en": "Give a number of weeks from 1 to {max} (not `{given}`).",
        "ko": "주 수는 1부터 {max} 사이로 입력하세요 (`{given}` 아님).",
    },
    "oncall.usage_unknown": {
        "en": "Unknown `/oncall` sub-command `{sub}`.",
        "ko": "알 수 없는 `/oncall` 하위 명령 `{sub}`입니다.",
    },
    "oncall.usage_bad": {
        "en": "`/oncall {sub}` needs: `{usage}`",
        "ko": "`/oncall {sub}` 사용법: `{usage}`",
    },
    "oncall.help_header": {
        "en": "*`/oncall` — who is on call, the rotation, swaps and covers* (times in {tz})",
        "ko": "*`/oncall` — 지금 온콜, 로테이션, 교대와 대신 서기* (시간대 {tz})",
    },
    "oncall.help.now": {
        "en": "who is on call now, and who is next and when",
        "ko": "지금 온콜과 다음 담당자, 교대 시각",
    },
    "oncall.help.schedule": {
        "en": "the coming weeks (default 4)",
        "ko": "앞으로 몇 주의 근무표 (기본 4주)",
    },
    "oncall.help.swap": {
        "en": "swap two shifts: give a time inside each (a date alone: noon that day)",
        "ko": "두 근무 맞바꾸기: 각 근무 안의 시간 (날짜만 쓰면 그날 정오)",
    },
    "oncall.help.cover": {
        "en": "someone takes the primary role for a period (a date alone: the whole day)",
        "ko": "정해진 기간 동안 다른 사람이 주 담당을 맡기 (날짜만 쓰면 그날 하루)",
    },
    "oncall.help.remove": {"en": "undo an override", "ko": "변경 취소"},
    "oncall.help.help": {"en": "this help", "ko": "이 도움말"},
    "oncall.none": {
        "en": "Nobody is on call: no rotation is configured (`oncall.members` in sre-bot.yml).",
        "ko": "온콜 담당자가 없습니다: 로테이션이 설정되지 않았습니다 (sre-bot.yml의 `oncall.members`).",
    },
    "oncall.now": {
        "en": ":pager: On call now: {primary} (primary), {secondary} (secondary) — {shift} shift",
        "ko": ":pager: 지금 온콜: {primary} (주), {secondary} (보조) — {shift} 근무",
    },
    "oncall.next": {
        "en": "Next: {who} from {time} (in {wait})",
        "ko": "다음: {time}부터 {who} ({wait} 후)",
    },
    "oncall.next_none": {
        "en": "Nobody else is on the rotation.",
        "ko": "로테이션에 다른 사람이 없습니다.",
    },
    "oncall.hours_in": {
        "en": "Within working hours ({hours}).",
        "ko": "근무 시간({hours}) 중입니다.",
    },
    "oncall.hours_out": {
        "en": "Outside working hours ({hours}): pages still go to the primary and count as off-hours pages.",
        "ko": "근무 시간({hours}) 외입니다. 호출은 여전히 주 담당에게 가며 근무 외 호출로 집계됩니다.",
    },
    "oncall.by_override": {"en": "(override #{id}: {kind})", "ko": "(변경 #{id}: {kind})"},
    "oncall.nobody": {"en": "nobody", "ko": "없음"},
    "oncall.shift.weekday": {"en": "weekday", "ko": "평일"},
    "oncall.shift.weekend": {"en": "weekend", "ko": "주말"},
    "oncall.kind.swap": {"en": "swap", "ko": "교대"},
    "oncall.kind.cover": {"en": "cover", "ko": "대신 서기"},
    "oncall.schedule_header": {
        "en": "On-call schedule, {weeks} week(s) ({tz})",
        "ko": "온콜 근무표, {weeks}주 ({tz})",
    },
    "oncall.schedule_row": {
        "en": "{start} → {end} · {shift} · {primary} (secondary {secondary})",
        "ko": "{start} → {end} · {shift} · {primary} (보조 {secondary})",
    },
    "oncall.swapped": {
        "en": "Swapped: {who_b} takes {start_a} – {end_a}, {who_a} takes {start_b} – {end_b} (override #{id}).",
        "ko": "교대 완료: {who_b}님이 {start_a} – {end_a}, {who_a}님이 {start_b} – {end_b}을(를) 맡습니다 (변경 #{id}).",
    },
    "oncall.covered": {
        "en": "{who} covers {start} – {end} as primary, instead of {replaces} (override #{id}).",
        "ko": "{who}님이 {start} – {end} 동안 {replaces}님 대신 주 담당을 맡습니다 (변경 #{id}).",
    },
    "oncall.removed": {"en": "Override #{id} removed.", "ko": "변경 #{id}을(를) 취소했습니다."},
    "oncall.change_added": {
        "en": ":calendar: {by} changed the on-call schedule:",
        "ko": ":calendar: {by}님이 온콜 일정을 바꿨습니다:",
    },
    "oncall.change_removed": {
        "en": ":calendar: {by} removed override #{id}; the rotation holds these shifts again:",
        "ko": ":calendar: {by}님이 변경 #{id}을(를) 취소했습니다. 다음 근무는 다시 로테이션대로입니다:",
    },
    "oncall.change_back": {
        "en": "• {start} – {end}: {who} (instead of {instead})",
        "ko": "• {start} – {end}: {who}님 ({instead}님 대신)",
    },
    "oncall.stale_override": {
        "en": ":warning: Override #{id} names {who}, who is no longer in `oncall.members`, for {start} – {end}. It is not applied; `/oncall remove {id}` removes it.",
        "ko": ":warning: 변경 #{id}은(는) 더 이상 `oncall.members`에 없는 {who}님을 {start} – {end}에 지정합니다. 적용하지 않으며, `/oncall remove {id}`로 지울 수 있습니다.",
    },
    "oncall.removed_ends_now": {
        "en": "Override #{id} was running; it ends now.",
        "ko": "변경 #{id}은(는) 진행 중이었으며 지금 끝납니다.",
    },
    "incident.oncall": {"en": "On call: {who}", "ko": "온콜: {who}"},
    "remind.ack.primary": {
        "en": ":alarm_clock: {who} {label} ({severity}) is not acknowledged after {elapsed} (target {target}). Acknowledge it, assess the severity and share the first status.",
        "ko": ":alarm_clock: {who} {label} ({severity})이(가) {elapsed}째 확인되지 않았습니다 (목표 {target}). 확인하고, 심각도를 판단하고, 첫 상태를 공유하세요.",
    },
    "remind.ack.secondary": {
        "en": ":rotating_light: Escalating to {who} (secondary): {label} ({severity}) is still not acknowledged after {elapsed} (target {target}).",
        "ko": ":rotating_light: {who}님(보조)에게 에스컬레이션: {label} ({severity})이(가) {elapsed}째 확인되지 않았습니다 (목표 {target}).",
    },
    "remind.ack.channel": {
        "en": ":rotating_light: <!here> {label} ({severity}) is still not acknowledged after {elapsed} (target {target}). Can someone take it?",
        "ko": ":rotating_light: <!here> {label} ({severity})이(가) {elapsed}째 확인되지 않았습니다 (목표 {target}). 대응할 수 있는 분 있나요?",
    },
    "remind.update": {
        "en": ":speech_balloon: {who} No update on {id} for {quiet}. Post a status update: `/incident status {id} investigating|mitigated|resolved &lt;note&gt;` or `/incident note {id} &lt;text&gt;`.",
        "ko": ":speech_balloon: {who} {id}에 {quiet} 동안 업데이트가 없습니다. 상태를 공유하세요: `/incident status {id} investigating|mitigated|resolved &lt;메모&gt;` 또는 `/incident note {id} &lt;내용&gt;`.",
    },
    "remind.postmortem": {
        "en": ":memo: {who} The postmortem for {id} is still owed (closed {closed}). Record its document: `/incident postmortem {id} &lt;url&gt;`.",
        "ko": ":memo: {who} {id}의 포스트모템이 아직 없습니다 ({closed} 종료). 문서를 기록하세요: `/incident postmortem {id} &lt;url&gt;`.",
    },
    "handoff.header": {"en": "On-call handoff", "ko": "온콜 인수인계"},
    "handoff.who": {
        "en": ":handshake: {outgoing} hands over to {incoming} (secondary {secondary}) until {until}.",
        "ko": ":handshake: {outgoing}님이 {incoming}님에게 인계합니다 (보조 {secondary}). 다음 교대: {until}.",
    },
    "handoff.late": {
        "en": "_Posted late: the bot was not running at the handoff time ({time})._",
        "ko": "_늦게 게시됨: 인수인계 시각({time})에 봇이 실행 중이 아니었습니다._",
    },
    "handoff.open_header": {
        "en": "*Open incidents ({count})*",
        "ko": "*진행 중인 인시던트 ({count})*",
    },
    "handoff.open_none": {"en": "*Open incidents:* none", "ko": "*진행 중인 인시던트:* 없음"},
    "handoff.pages": {
        "en": "*Pages this shift* ({start} – {end}): {total} — {night} at night ({night_hours}), {weekend} on the weekend",
        "ko": "*이번 근무의 호출* ({start} – {end}): {total}건 — 야간({night_hours}) {night}건, 주말 {weekend}건",
    },
    "handoff.pages_detail": {"en": "By severity: {detail}", "ko": "심각도별: {detail}"},
    "handoff.fatigue": {
        "en": ":warning: {night} night pages in one shift: plan rest for {who}, and tune the noisiest alerts.",
        "ko": ":warning: 한 근무에 야간 호출 {night}건: {who}님의 휴식을 계획하고 가장 시끄러운 알림을 조정하세요.",
    },
    "handoff.postmortems": {
        "en": "Postmortems owed: {count}",
        "ko": "밀린 포스트모템: {count}건",
    },
    "handoff.checklist_header": {"en": "*Handoff checklist*", "ko": "*인수인계 체크리스트*"},
    "handoff.check.open": {
        "en": "Walk through each open incident: status, owner, next step",
        "ko": "진행 중인 인시던트마다 상태, 담당자, 다음 단계 확인",
    },
    "handoff.check.alerts": {
        "en": "Alerts of the shift: which were noise, which need a runbook or a threshold change",
        "ko": "이번 근무의 알림: 노이즈였던 것, 런북이나 임계값 조정이 필요한 것",
    },
    "handoff.check.budgets": {
        "en": "Error budgets: is any SLO in warning, or exhausted (feature deploys stopped)?",
        "ko": "에러 버짓: 경고 또는 소진(기능 배포 중단) 상태인 SLO가 있는가",
    },
    "handoff.check.postmortems": {
        "en": "Postmortems and action items still owed",
        "ko": "밀린 포스트모템과 후속 조치",
    },
    "handoff.check.changes": {
        "en": "Planned deploys, maintenance and risky changes this week",
        "ko": "이번 주 예정된 배포, 점검, 위험한 변경",
    },
    "handoff.check.access": {
        "en": "Incoming: pager, Slack notifications, dashboards, runbooks and access all work",
        "ko": "인수자: 호출기, Slack 알림, 대시보드, 런북, 접근 권한이 모두 동작하는지 확인",
    },
    "handoff.check.retro": {
        "en": "Outgoing: a short retrospective of the shift: what paged, what woke you, what to fix",
        "ko": "인계자: 짧은 근무 회고 — 무엇이 호출했고, 무엇 때문에 깼고, 무엇을 고칠지",
    },
    # --- alerts --------------------------------------------------------------------------
    "alert.fallback": {
        "en": "[{state}] {title} ({severity}) {summary}",
        "ko": "[{state}] {title} ({severity}) {summary}",
    },
    "alert.state_firing": {"en": "FIRING", "ko": "발생"},
    "alert.state_resolved": {"en": "RESOLVED", "ko": "해결"},
    "alert.header_resolved": {"en": "{title} (resolved)", "ko": "{title} (해결됨)"},
    "alert.severity": {"en": "Severity", "ko": "심각도"},
    "alert.status": {"en": "Status", "ko": "상태"},
    "alert.firing_for": {"en": ":fire: Firing for {duration}", "ko": ":fire: {duration}째 발생 중"},
    "alert.resolved_after": {
        "en": ":white_check_mark: Resolved at {time}, after {duration}",
        "ko": ":white_check_mark: {time}에 해결, 지속 시간 {duration}",
    },
    "alert.value": {"en": "Current value", "ko": "현재 값"},
    "alert.value_threshold": {
        "en": "{value} (threshold {threshold})",
        "ko": "{value} (임계값 {threshold})",
    },
    "alert.alerts": {"en": "Alerts", "ko": "알림"},
    "alert.counts": {
        "en": "{firing} firing · {resolved} resolved",
        "ko": "발생 {firing} · 해결 {resolved}",
    },
    "alert.counts_truncated": {
        "en": "{shown} shown, {more} more not sent by Alertmanager (max_alerts)",
        "ko": "{shown}개 표시, {more}개는 Alertmanager가 보내지 않음 (max_alerts)",
    },
    "alert.acknowledgement": {"en": "Acknowledged", "ko": "확인"},
    "alert.ack_nobody": {"en": "Not yet", "ko": "아직 안 됨"},
    "alert.ack_by": {"en": "{who} at {time}", "ko": "{time}에 {who}님"},
    "alert.incident": {"en": "Incident", "ko": "인시던트"},
    "alert.more": {"en": "… and {count} more", "ko": "… 외 {count}개"},
    "alert.runbook": {"en": ":book: Runbook `{name}`", "ko": ":book: 런북 `{name}`"},
    "alert.runbook_link": {"en": ":book: <{url}|Runbook>", "ko": ":book: <{url}|런북>"},
    "alert.dashboard_link": {
        "en": ":bar_chart: <{url}|Dashboard>",
        "ko": ":bar_chart: <{url}|대시보드>",
    },
    "alert.panel_link": {
        "en": ":chart_with_upwards_trend: <{url}|Panel>",
        "ko": ":chart_with_upwards_trend: <{url}|패널>",
    },
    "alert.source_link": {"en": ":mag: <{url}|Source>", "ko": ":mag: <{url}|원본 쿼리>"},
    "alert.since": {"en": "Since {time}", "ko": "{time}부터"},
    "alert.silenced": {
        "en": ":mute: Silenced by {who} until {time}",
        "ko": ":mute: {who}님이 {time}까지 무음 처리",
    },
    "alert.from": {"en": "From {source}", "ko": "출처 {source}"},
    "alert.cc": {"en": "cc {mentions}", "ko": "참조 {mentions}"},
    "alert.change_firing": {
        "en": ":fire: {count} new alert(s) firing:",
        "ko": ":fire: 새 알림 {count}개 발생:",
    },
    "alert.change_resolved": {
        "en": ":white_check_mark: {count} alert(s) resolved:",
        "ko": ":white_check_mark: 알림 {count}개 해결:",
    },
    "alert.change_all_resolved": {
        "en": ":white_check_mark: *All alerts resolved*, after {duration}.",
        "ko": ":white_check_mark: *모든 알림이 해결되었습니다*. 지속 시간 {duration}.",
    },
    "alert.change_firing_again": {
        "en": ":rotating_light: *Firing again.*",
        "ko": ":rotating_light: *다시 발생했습니다.*",
    },
    "alert.event_acknowledged": {
        "en": ":eyes: {who} acknowledged.",
        "ko": ":eyes: {who}님이 확인했습니다.",
    },
    "alert.event_incident": {
        "en": ":rotating_light: Incident *{id}* declared by {who} for these alerts.",
        "ko": ":rotating_light: {who}님이 이 알림으로 인시던트 *{id}*을(를) 선언했습니다.",
    },
    "alert.event_silenced": {
        "en": ":mute: {who} silenced these alerts in Alertmanager until {time} (silence `{id}`).",
        "ko": ":mute: {who}님이 Alertmanager에서 {time}까지 이 알림을 무음 처리했습니다 (silence `{id}`).",
    },
    "alert.event_silence_failed": {
        "en": ":warning: The silence {who} asked for could not be created: {error}",
        "ko": ":warning: {who}님이 요청한 무음 처리를 만들지 못했습니다: {error}",
    },
    "alert.ack_done": {
        "en": "You acknowledged *{title}*. Next: assess the severity and share the first status; *Declare incident* opens an incident from it.",
        "ko": "*{title}*을(를) 확인했습니다. 다음으로 심각도를 판단하고 첫 상태를 공유하세요. *인시던트 선언*으로 인시던트를 열 수 있습니다.",
    },
    "alert.ack_already": {
        "en": "*{title}* was already acknowledged by {who} at {time}.",
        "ko": "*{title}*은(는) 이미 {who}님이 {time}에 확인했습니다.",
    },
    "alert.not_found": {
        "en": "There is no alert group `{id}`.",
        "ko": "`{id}` 알림 그룹이 없습니다.",
    },
    "alert.not_firing": {
        "en": "These alerts are resolved; there is nothing to acknowledge.",
        "ko": "이 알림은 이미 해결되어 확인할 것이 없습니다.",
    },
    "alert.already_declared": {
        "en": "These alerts already have an incident: {id}.",
        "ko": "이 알림에는 이미 인시던트가 있습니다: {id}.",
    },
    "alert.silence_unconfigured": {
        "en": "Silences need `alerts.alertmanager_url` in sre-bot.yml.",
        "ko": "무음 처리를 하려면 sre-bot.yml에 `alerts.alertmanager_url`을 설정하세요.",
    },
    "alert.silence_no_labels": {
        "en": "These alerts share no labels, so a silence would match every alert. Silence them in Alertmanager instead.",
        "ko": "이 알림들은 공통 레이블이 없어 무음 처리가 모든 알림에 적용됩니다. Alertmanager에서 직접 처리하세요.",
    },
    "alert.silence_bad_duration": {
        "en": "Choose a duration of at most {max} hours.",
        "ko": "{max}시간 이하의 기간을 고르세요.",
    },
    "alert.silence_comment": {
        "en": "Silenced from Slack by {who}: {title}",
        "ko": "Slack에서 {who}님이 무음 처리: {title}",
    },
    "alert.silence_title": {"en": "Silence alerts", "ko": "알림 무음 처리"},
    "alert.silence_submit": {"en": "Silence", "ko": "무음 처리"},
    "alert.silence_matchers": {
        "en": "Alertmanager will silence alerts with these labels:\n{matchers}",
        "ko": "Alertmanager가 다음 레이블의 알림을 무음 처리합니다:\n{matchers}",
    },
    "alert.silence_duration": {"en": "For how long", "ko": "기간"},
    "alert.silence_note": {"en": "Comment (optional)", "ko": "메모 (선택)"},
    "alert.hours": {"en": "{n} hour(s)", "ko": "{n}시간"},
    "alert.days": {"en": "{n} day(s)", "ko": "{n}일"},
    "button.declare_incident": {"en": "Declare incident", "ko": "인시던트 선언"},
    "button.silence": {"en": "Silence", "ko": "무음 처리"},
    "button.run_runbook": {"en": "Run runbook: {name}", "ko": "런북 실행: {name}"},
    "timeline.alert_group": {
        "en": "{who} linked alert group {group} ({alertname}).",
        "ko": "{who}님이 알림 그룹 {group} ({alertname})을(를) 연결했습니다.",
    },
    # --- slos --------------------------------------------------------------------------------
    "slo.report.title": {"en": "SLO report ({time})", "ko": "SLO 리포트 ({time})"},
    "slo.field.target": {"en": "Target", "ko": "목표"},
    "slo.field.actual": {"en": "Actual", "ko": "실제"},
    "slo.field.used": {"en": "Error budget used", "ko": "사용한 에러 버짓"},
    "slo.field.left": {"en": "Error budget left", "ko": "남은 에러 버짓"},
    "slo.field.minutes": {"en": "Budget in minutes", "ko": "분으로 본 에러 버짓"},
    "slo.minutes_value": {
        "en": "{left} of {total} min left",
        "ko": "{total}분 중 {left}분 남음",
    },
    "slo.field.status": {"en": "Status", "ko": "상태"},
    "slo.field.total": {"en": "Total events", "ko": "전체 이벤트"},
    "slo.field.failed": {"en": "Failed events", "ko": "실패 이벤트"},
    "slo.field.coverage": {"en": "Window covered", "ko": "데이터가 있는 기간"},
    "slo.field.burn": {"en": "Burn rate", "ko": "소진 속도"},
    "slo.target_value": {"en": "{objective} over {window}", "ko": "{window} 동안 {objective}"},
    "slo.target_calendar": {
        "en": "{objective} per calendar {window} (this one since {since})",
        "ko": "달력 기준 {window}마다 {objective} (이번 기간 시작: {since})",
    },
    "slo.coverage_value": {
        "en": "{percent} of the window (data since {since}); figures cover only that part",
        "ko": "기간의 {percent} (데이터 시작: {since}); 수치는 그 부분만 반영합니다",
    },
    "slo.slices": {"en": "{count} ({slice} slices)", "ko": "{count} ({slice} 단위 구간)"},
    "slo.status.healthy": {"en": "healthy", "ko": "정상"},
    "slo.status.warning": {"en": "warning", "ko": "주의"},
    "slo.status.exhausted": {"en": "exhausted", "ko": "소진"},
    "slo.status.no_data": {"en": "no data", "ko": "데이터 없음"},
    "slo.gate.allowed": {
        "en": "All SLOs within error budget - Deployments allowed",
        "ko": "모든 SLO가 에러 버짓 이내입니다 - 배포 가능",
    },
    "slo.gate.blocked": {
        "en": "Deployments blocked due to SLO violations: {names}",
        "ko": "SLO 위반으로 배포가 차단되었습니다: {names}",
    },
    "slo.none": {
        "en": "No SLOs are configured. List Sloth or OpenSLO spec files under `slos:` in sre-bot.yml.",
        "ko": "설정된 SLO가 없습니다. sre-bot.yml의 `slos:`에 Sloth 또는 OpenSLO 스펙 파일을 나열하세요.",
    },
    "slo.usage": {
        "en": "`/slo` shows every SLO and whether deploys are allowed; `/slo <name>` shows one SLO with its burn rates over 5m, 1h, 6h and 3d.",
        "ko": "`/slo`는 모든 SLO와 배포 가능 여부를, `/slo <이름>`은 한 SLO의 5분·1시간·6시간·3일 소진 속도를 보여 줍니다.",
    },
    "slo.not_found": {
        "en": "There is no SLO `{name}`. The SLOs are: {known}.",
        "ko": "`{name}` SLO가 없습니다. 있는 SLO: {known}.",
    },
    "slo.ambiguous": {
        "en": "`{name}` matches several SLOs: {candidates}. Give service/name.",
        "ko": "`{name}`에 해당하는 SLO가 여럿입니다: {candidates}. 서비스/이름으로 지정하세요.",
    },
    "slo.unreachable": {
        "en": "Prometheus at {url} cannot be reached ({reason}), so there are no SLO figures right now. Try again shortly; if it persists, check Prometheus.",
        "ko": "Prometheus({url})에 연결할 수 없어({reason}) 지금은 SLO 수치를 볼 수 없습니다. 잠시 후 다시 시도하고, 계속되면 Prometheus를 확인하세요.",
    },
    "slo.spec_error": {
        "en": "An SLO spec cannot be evaluated as written:\n{problem}",
        "ko": "SLO 스펙을 그대로 평가할 수 없습니다:\n{problem}",
    },
    "slo.detail.burn_title": {
        "en": "Burn rates (1 = the budget lasts exactly the window)",
        "ko": "소진 속도 (1 = 버짓이 기간에 딱 맞게 소진)",
    },
    "slo.detail.lasts": {
        "en": "At the last hour's burn rate, the remaining budget lasts {duration}.",
        "ko": "최근 1시간 소진 속도라면 남은 버짓은 {duration} 뒤 소진됩니다.",
    },
    "slo.detail.spent": {
        "en": "The budget is spent: feature deploys stop; only quality and bug fixes until it recovers.",
        "ko": "버짓이 소진되었습니다: 기능 배포를 멈추고, 회복될 때까지 품질·버그 수정만 배포합니다.",
    },
    "slo.detail.low": {
        "en": "Under 20% left: ship with care, more stability testing, watch closely.",
        "ko": "20% 미만 남음: 신중하게 배포하고, 안정성 테스트를 늘리고, 면밀히 지켜보세요.",
    },
    "slo.change.warning": {
        "en": ":warning: SLO *{slo}* ({service}) is in warning: {remaining} of its error budget left over {window}. Ship with care and watch closely.",
        "ko": ":warning: SLO *{slo}* ({service}) 주의: {window} 에러 버짓이 {remaining} 남았습니다. 신중하게 배포하고 면밀히 지켜보세요.",
    },
    "slo.change.exhausted": {
        "en": ":red_circle: SLO *{slo}* ({service}) has spent its error budget ({remaining} left over {window}). Feature deploys stop; only quality and bug fixes until it recovers.",
        "ko": ":red_circle: SLO *{slo}* ({service})의 에러 버짓이 소진되었습니다 ({window} 기준 {remaining}). 기능 배포를 멈추고 회복될 때까지 품질·버그 수정만 배포합니다.",
    },
    "slo.change.healthy": {
        "en": ":white_check_mark: SLO *{slo}* ({service}) recovered: {remaining} of its error budget left over {window}.",
        "ko": ":white_check_mark: SLO *{slo}* ({service})가 회복되었습니다: {window} 에러 버짓 {remaining} 남음.",
    },
    "slo.change.burn": {
        "en": "Burn rate over the last hour: {burn}.",
        "ko": "최근 1시간 소진 속도: {burn}.",
    },
    "slo.digest.title": {"en": "Daily SLO digest, {day}", "ko": "일일 SLO 다이제스트, {day}"},
    "slo.digest.change": {"en": "{change} since yesterday", "ko": "어제보다 {change}"},
    "slo.digest.no_yesterday": {"en": "no figure from yesterday", "ko": "어제 수치 없음"},
    "slo.digest.charts": {
        "en": "A burn-down chart of each budget follows in the thread.",
        "ko": "버짓별 소진 차트는 스레드에 있습니다.",
    },
    "slo.digest.counts": {
        "en": "{total} SLOs: {counts}",
        "ko": "SLO {total}개: {counts}",
    },
    "slo.digest.count": {"en": "{n} {status}", "ko": "{status} {n}"},
    "slo.digest.attention": {"en": "*Needs attention*", "ko": "*확인 필요*"},
    "slo.digest.all_healthy": {
        "en": "Every SLO with data is healthy.",
        "ko": "데이터가 있는 모든 SLO가 정상입니다.",
    },
    "slo.digest.more_attention": {
        "en": "… and {n} more in the thread.",
        "ko": "… 외 {n}개는 스레드에 있습니다.",
    },
    "slo.digest.in_thread": {
        "en": "All {total} SLOs follow in the thread, in {parts} messages, then a burn-down chart of each budget.",
        "ko": "SLO {total}개 전체는 스레드에 메시지 {parts}개로 이어지고, 버짓별 소진 차트가 뒤따릅니다.",
    },
    "slo.digest.part": {
        "en": "{title} · part {part} of {parts}",
        "ko": "{title} · {parts}개 중 {part}번째",
    },
    "slo.digest.unreachable": {
        "en": ":warning: Prometheus at {url} could not be reached ({reason}), so today's SLO figures are missing. Check Prometheus, then ask `/slo` for the report.",
        "ko": ":warning: Prometheus({url})에 연결할 수 없어({reason}) 오늘의 SLO 수치가 없습니다. Prometheus를 확인한 뒤 `/slo`로 리포트를 보세요.",
    },
    "slo.digest.config_error": {
        "en": ":warning: The SLO specs could not be evaluated, so today's figures are missing:\n{problem}",
        "ko": ":warning: SLO 스펙을 평가할 수 없어 오늘의 수치가 없습니다:\n{problem}",
    },
    "slo.chart.title": {
        "en": "{slo}: error budget left over {window}",
        "ko": "{slo}: {window} 남은 에러 버짓",
    },
    "deploy.allowed": {
        "en": "Deploys allowed: no SLO has spent its error budget and no blocking incident is open.",
        "ko": "배포 가능: 에러 버짓을 소진한 SLO도, 배포를 막는 진행 중 인시던트도 없습니다.",
    },
    "deploy.blocked": {"en": "Deploys blocked:", "ko": "배포 차단:"},
    "deploy.unknown": {
        "en": "Cannot decide: Prometheus cannot be reached ({error}). Deploys are not confirmed safe.",
        "ko": "판단할 수 없습니다: Prometheus에 연결할 수 없습니다({error}). 배포 안전을 확인하지 못했습니다.",
    },
    "deploy.reason.slo": {
        "en": "SLO {slo} ({service}) has spent its error budget ({remaining} left)",
        "ko": "SLO {slo} ({service})의 에러 버짓 소진 ({remaining} 남음)",
    },
    "deploy.reason.incident": {
        "en": "{severity} incident {id} is open ({status}): {title}",
        "ko": "{severity} 인시던트 {id} 진행 중 ({status}): {title}",
    },
    "deploy.reason.prometheus": {
        "en": "Prometheus cannot be reached, SLOs not checked: {error}",
        "ko": "Prometheus에 연결할 수 없어 SLO를 확인하지 못함: {error}",
    },
    # --- runbooks and health watch -----------------------------------------------------------
    "runbook.not_found": {
        "en": "There is no runbook `{name}`. Known runbooks: {known}.",
        "ko": "`{name}` 런북이 없습니다. 등록된 런북: {known}.",
    },
    "runbook.env_missing": {
        "en": "The runbook uses the environment variable {variable}, which is not set on the bot; nothing was run.",
        "ko": "런북이 쓰는 환경 변수 {variable}이(가) 봇에 설정되어 있지 않아 실행하지 않았습니다.",
    },
    "runbook.run_not_found": {
        "en": "There is no runbook run #{id}.",
        "ko": "런북 실행 #{id}이(가) 없습니다.",
    },
    "runbook.not_approver": {
        "en": "Only the approvers of `{runbook}` may decide on run #{id}.",
        "ko": "`{runbook}` 실행 #{id}은(는) 지정된 승인자만 결정할 수 있습니다.",
    },
    "runbook.two_person": {
        "en": "`{runbook}` follows the two-person rule: you requested run #{id}, so another approver must approve it.",
        "ko": "`{runbook}`은(는) 2인 규칙을 따릅니다. 실행 #{id}을(를) 요청한 사람이므로 다른 승인자가 승인해야 합니다.",
    },
    "runbook.approval_expired": {
        "en": "The approval request for run #{id} of `{runbook}` has expired; nothing was run. Start it again if it is still needed.",
        "ko": "`{runbook}` 실행 #{id}의 승인 요청이 만료되어 실행하지 않았습니다. 여전히 필요하면 다시 시작하세요.",
    },
    "runbook.not_interrupted": {
        "en": "Run #{id} is {state}, not interrupted; nothing was changed.",
        "ko": "실행 #{id}은(는) 중단 상태가 아니라 {state} 상태입니다. 아무것도 바꾸지 않았습니다.",
    },
    "runbook.usage": {
        "en": "*`/runbook`* — `/runbook list` · `/runbook run NAME` · `/runbook run NAME --dry-run` (shows every step, performs none)",
        "ko": "*`/runbook`* — `/runbook list` · `/runbook run 이름` · `/runbook run 이름 --dry-run` (모든 단계를 보여 주기만 하고 실행하지 않음)",
    },
    "runbook.unknown_sub": {
        "en": "Unknown sub-command `{sub}`. Use `/runbook list`, `/runbook run NAME` or `/runbook run NAME --dry-run`.",
        "ko": "알 수 없는 하위 명령 `{sub}`입니다. `/runbook list`, `/runbook run 이름`, `/runbook run 이름 --dry-run` 중 하나를 쓰세요.",
    },
    "runbook.unknown_sub_near": {
        "en": "Unknown sub-command `{sub}`: did you mean `/runbook {near}`?",
        "ko": "알 수 없는 하위 명령 `{sub}`입니다. `/runbook {near}`을(를) 말씀하신 건가요?",
    },
    "runbook.unknown_option": {
        "en": "`{option}` is not an option of `/runbook run`: did you mean `--dry-run`?",
        "ko": "`{option}`은(는) `/runbook run`의 옵션이 아닙니다. `--dry-run`을 말씀하신 건가요?",
    },
    "runbook.missing_name": {
        "en": "`/runbook run` needs the runbook's name: `/runbook run NAME` (`/runbook list` shows them).",
        "ko": "`/runbook run`에는 런북 이름이 필요합니다: `/runbook run 이름` (`/runbook list`에서 볼 수 있습니다).",
    },
    "runbook.extra_words": {
        "en": "`/runbook run` takes one runbook name, not `{words}` (`/runbook list` shows them).",
        "ko": "`/runbook run`에는 런북 이름 하나만 씁니다. `{words}`이(가) 아닙니다 (`/runbook list`에서 볼 수 있습니다).",
    },
    "runbook.bad_name": {
        "en": "`{name}` is not a runbook name (letters, digits, `_` and `-`); `/runbook list` shows them.",
        "ko": "`{name}`은(는) 런북 이름이 아닙니다 (글자, 숫자, `_`, `-`). `/runbook list`에서 볼 수 있습니다.",
    },
    "runbook.bad_button": {
        "en": "This button is out of date or damaged; nothing was done.",
        "ko": "오래되었거나 손상된 버튼이라 아무것도 하지 않았습니다.",
    },
    "runbook.started": {
        "en": "Started run #{id} of `{name}`; its progress is in the run message.",
        "ko": "`{name}` 실행 #{id}을(를) 시작했습니다. 진행 상황은 실행 메시지에 있습니다.",
    },
    "runbook.approval_requested": {
        "en": "Run #{id} of `{name}` waits for an approver: the request with Approve and Reject buttons is posted.",
        "ko": "`{name}` 실행 #{id}이(가) 승인을 기다립니다. 승인/거절 버튼이 있는 요청을 게시했습니다.",
    },
    "runbook.already": {
        "en": "`{name}` already has run #{id} for this ({state}); no second run was started.",
        "ko": "이미 `{name}` 실행 #{id}이(가) 있습니다 ({state}). 두 번째 실행은 시작하지 않았습니다.",
    },
    "runbook.decided.approved": {
        "en": "You approved run #{id} of `{name}`; it runs now.",
        "ko": "`{name}` 실행 #{id}을(를) 승인했습니다. 지금 실행합니다.",
    },
    "runbook.decided.rejected": {
        "en": "You rejected run #{id} of `{name}`; nothing of it will run.",
        "ko": "`{name}` 실행 #{id}을(를) 거절했습니다. 아무 단계도 실행하지 않습니다.",
    },
    "runbook.decision_lost": {
        "en": "Run #{id} of `{name}` was already decided: {decision} by {who}.",
        "ko": "`{name}` 실행 #{id}은(는) 이미 결정되었습니다: {who}님이 {decision}.",
    },
    "runbook.resumed": {
        "en": "Run #{id} resumes: the interrupted step runs again.",
        "ko": "실행 #{id}을(를) 재개합니다. 중단된 단계를 다시 실행합니다.",
    },
    "runbook.abandoned": {
        "en": "Run #{id} is abandoned; the remaining steps will not run.",
        "ko": "실행 #{id}을(를) 포기했습니다. 남은 단계는 실행하지 않습니다.",
    },
    "runbook.run_title": {"en": "Runbook {name} · run #{id}", "ko": "런북 {name} · 실행 #{id}"},
    "runbook.fallback": {
        "en": "Runbook {name} run #{id}: {state}",
        "ko": "런북 {name} 실행 #{id}: {state}",
    },
    "runbook.state.awaiting_approval": {"en": "Waiting for approval", "ko": "승인 대기"},
    "runbook.state.running": {"en": "Running", "ko": "실행 중"},
    "runbook.state.interrupted": {"en": "Interrupted", "ko": "중단됨"},
    "runbook.state.succeeded": {"en": "Succeeded", "ko": "성공"},
    "runbook.state.failed": {"en": "Failed", "ko": "실패"},
    "runbook.state.rejected": {"en": "Rejected", "ko": "거절됨"},
    "runbook.state.expired": {"en": "Approval expired", "ko": "승인 만료"},
    "runbook.state.abandoned": {"en": "Abandoned", "ko": "포기됨"},
    "runbook.state.approved": {"en": "approved", "ko": "승인함"},
    "runbook.automation.auto": {"en": "automatic", "ko": "자동"},
    "runbook.automation.approval": {"en": "needs approval", "ko": "승인 필요"},
    "runbook.steps_count": {"en": "{n} steps", "ko": "{n}단계"},
    "runbook.checks_done": {"en": "{n} checks so far", "ko": "지금까지 {n}회 확인"},
    "runbook.retrying": {
        "en": "attempt {n} failed, retrying",
        "ko": "{n}번째 시도 실패, 재시도 예정",
    },
    "runbook.checks_summary": {
        "en": "{n} health checks (wanted: {want})",
        "ko": "헬스 체크 {n}회 (기대: {want})",
    },
    "runbook.approval_needed": {
        "en": ":raised_hand: Needs approval by {approvers} before {deadline}.",
        "ko": ":raised_hand: {deadline}까지 {approvers}의 승인이 필요합니다.",
    },
    "runbook.two_person_note": {
        "en": "Two-person rule: {who} requested it and cannot approve it.",
        "ko": "2인 규칙: 요청자 {who}님은 승인할 수 없습니다.",
    },
    "runbook.approved_by": {
        "en": "Approved by {who} at {time}.",
        "ko": "{time}에 {who}님이 승인했습니다.",
    },
    "runbook.rejected_by": {
        "en": "Rejected by {who} at {time}.",
        "ko": "{time}에 {who}님이 거절했습니다.",
    },
    "runbook.expired_at": {
        "en": "Nobody approved it by {time}; it did not run.",
        "ko": "{time}까지 아무도 승인하지 않아 실행하지 않았습니다.",
    },
    "runbook.interrupted_at": {
        "en": ":warning: Interrupted at step {n} ({step}): the bot stopped before it knew the outcome. Check the service, then Resume (runs the step again) or Abandon.",
        "ko": ":warning: {n}단계({step})에서 중단되었습니다. 봇이 결과를 확인하기 전에 멈췄습니다. 서비스를 확인한 뒤 재개(단계를 다시 실행) 또는 포기를 고르세요.",
    },
    "runbook.failed_with": {"en": "Stopped: {error}", "ko": "중지됨: {error}"},
    "runbook.incident_link": {"en": "Incident: {id}", "ko": "인시던트: {id}"},
    "runbook.requested": {"en": "Requested by {who} at {time}", "ko": "{time}에 {who}님이 요청"},
    "runbook.step_succeeded": {
        "en": ":white_check_mark: Step {n} ({step}) succeeded.",
        "ko": ":white_check_mark: {n}단계({step}) 성공.",
    },
    "runbook.step_failed": {
        "en": ":x: Step {n} ({step}) of `{name}` run #{id} failed:",
        "ko": ":x: `{name}` 실행 #{id}의 {n}단계({step}) 실패:",
    },
    "runbook.incident_created": {
        "en": "Declared incident {id}.",
        "ko": "인시던트 {id}을(를) 선언했습니다.",
    },
    "runbook.notify_from": {
        "en": "From runbook {name}, run #{id}",
        "ko": "런북 {name}, 실행 #{id}에서",
    },
    "runbook.event.started": {
        "en": "{who} started runbook `{name}` (run #{id}).",
        "ko": "{who}님이 런북 `{name}`을(를) 시작했습니다 (실행 #{id}).",
    },
    "runbook.event.approved": {
        "en": ":white_check_mark: {who} approved run #{id} of `{name}`.",
        "ko": ":white_check_mark: {who}님이 `{name}` 실행 #{id}을(를) 승인했습니다.",
    },
    "runbook.event.rejected": {
        "en": ":no_entry: {who} rejected run #{id} of `{name}`; it will not run.",
        "ko": ":no_entry: {who}님이 `{name}` 실행 #{id}을(를) 거절했습니다. 실행하지 않습니다.",
    },
    "runbook.event.expired": {
        "en": ":alarm_clock: The approval request for run #{id} of `{name}` expired; it did not run.",
        "ko": ":alarm_clock: `{name}` 실행 #{id}의 승인 요청이 만료되어 실행하지 않았습니다.",
    },
    "runbook.event.approval_needed": {
        "en": ":raised_hand: Run #{id} of `{name}` waits for approval at step {step}: {approvers}",
        "ko": ":raised_hand: `{name}` 실행 #{id}이(가) {step} 단계에서 승인을 기다립니다: {approvers}",
    },
    "runbook.event.interrupted": {
        "en": ":warning: Run #{id} of `{name}` was interrupted at step {step}; it will not go on by itself. Resume or Abandon it on the run message.",
        "ko": ":warning: `{name}` 실행 #{id}이(가) {step} 단계에서 중단되었습니다. 저절로 계속되지 않습니다. 실행 메시지에서 재개하거나 포기하세요.",
    },
    "runbook.event.resumed": {
        "en": "{who} resumed run #{id} of `{name}`.",
        "ko": "{who}님이 `{name}` 실행 #{id}을(를) 재개했습니다.",
    },
    "runbook.event.abandoned": {
        "en": "{who} abandoned run #{id} of `{name}`.",
        "ko": "{who}님이 `{name}` 실행 #{id}을(를) 포기했습니다.",
    },
    "runbook.event.succeeded": {
        "en": ":white_check_mark: Run #{id} of `{name}` finished: every step succeeded.",
        "ko": ":white_check_mark: `{name}` 실행 #{id} 완료: 모든 단계가 성공했습니다.",
    },
    "runbook.event.failed": {
        "en": ":x: Run #{id} of `{name}` stopped: {error}",
        "ko": ":x: `{name}` 실행 #{id} 중지: {error}",
    },
    "runbook.list_header": {"en": "Runbooks ({count})", "ko": "런북 ({count})"},
    "runbook.list_empty": {
        "en": "No runbooks are loaded. Put runbook YAML files in the folder named by `runbooks:` in sre-bot.yml.",
        "ko": "불러온 런북이 없습니다. sre-bot.yml의 `runbooks:` 폴더에 런북 YAML 파일을 두세요.",
    },
    "runbook.load_errors": {
        "en": ":warning: {count} runbook file(s) could not be loaded:",
        "ko": ":warning: 런북 파일 {count}개를 불러오지 못했습니다:",
    },
    "runbook.dry_run_header": {
        "en": "Dry run of {name}: nothing was performed.",
        "ko": "{name} 예행 실행(dry run): 아무것도 실행하지 않았습니다.",
    },
    "runbook.cli_waiting": {
        "en": "Run #{id} of {name} waits for approval in Slack until {deadline}.",
        "ko": "{name} 실행 #{id}이(가) {deadline}까지 Slack에서 승인을 기다립니다.",
    },
    "runbook.cli_left_pending": {
        "en": "Stopped waiting. Run #{id} stays pending in Slack until {deadline}: an approver can still approve it there, and the bot will run it.",
        "ko": "기다리기를 멈췄습니다. 실행 #{id}은(는) {deadline}까지 Slack에서 대기합니다. 승인자가 승인하면 봇이 실행합니다.",
    },
    "runbook.cli_result": {
        "en": "Run #{id} of {name}: {state}",
        "ko": "{name} 실행 #{id}: {state}",
    },
    "button.approve": {"en": "Approve", "ko": "승인"},
    "button.reject": {"en": "Reject", "ko": "거절"},
    "button.resume": {"en": "Resume", "ko": "재개"},
    "button.abandon": {"en": "Abandon", "ko": "포기"},
    "timeline.runbook_step": {
        "en": "Runbook `{name}` (run #{id}) step {step}: {outcome}. {detail}",
        "ko": "런북 `{name}` (실행 #{id}) 단계 {step}: {outcome}. {detail}",
    },
    "health.header": {
        "en": "Health of watched targets ({count})",
        "ko": "감시 대상 상태 ({count})",
    },
    "health.none": {
        "en": "No health targets are configured. Add them under `health:` in sre-bot.yml.",
        "ko": "설정된 헬스 대상이 없습니다. sre-bot.yml의 `health:`에 추가하세요.",
    },
    "health.state.healthy": {"en": "healthy", "ko": "정상"},
    "health.state.unhealthy": {"en": "unhealthy", "ko": "비정상"},
    "health.state.failing": {"en": "failing", "ko": "실패 중"},
    "health.state.unknown": {"en": "not checked yet", "ko": "아직 확인 전"},
    "health.never_checked": {"en": "No check has run yet.", "ko": "아직 확인한 적이 없습니다."},
    "health.checked": {"en": "checked {time}", "ko": "{time} 확인"},
    "health.latency": {"en": "{ms} ms", "ko": "{ms} ms"},
    "health.failures": {"en": "{n}/{of} failures in a row", "ko": "연속 실패 {n}/{of}"},
    "health.problem": {"en": "Problem: {detail}", "ko": "문제: {detail}"},
    "health.all_models": {
        "en": "Models: {healthy} healthy, {degraded} degraded, {unhealthy} unhealthy of {total}",
        "ko": "모델: 전체 {total}개 중 정상 {healthy}, 저하 {degraded}, 비정상 {unhealthy}",
    },
    "health.model": {
        "en": "Model {model}: {status} · loaded {loaded} · inference ready {ready}",
        "ko": "모델 {model}: {status} · 로드 {loaded} · 추론 준비 {ready}",
    },
    "health.last_inference": {"en": "last inference {ms} ms", "ko": "마지막 추론 {ms} ms"},
    "health.memory": {"en": "memory {mb} MB", "ko": "메모리 {mb} MB"},
    "health.gpu_memory": {"en": "GPU memory {mb} MB", "ko": "GPU 메모리 {mb} MB"},
    "health.gpu": {"en": "GPU available {value}", "ko": "GPU 사용 가능 {value}"},
    "health.uptime": {"en": "up {duration}", "ko": "가동 {duration}"},
    "health.status_field": {"en": "status: {status}", "ko": "상태: {status}"},
    "health.down": {
        "en": ":red_circle: *{target}* failed {n} health checks in a row.",
        "ko": ":red_circle: *{target}* 헬스 체크가 {n}회 연속 실패했습니다.",
    },
    "health.down_recovered": {
        "en": ":large_green_circle: *{target}* failed {n} health checks in a row, and has recovered.",
        "ko": ":large_green_circle: *{target}* 헬스 체크가 {n}회 연속 실패했다가 회복되었습니다.",
    },
    "health.recovered": {
        "en": ":large_green_circle: *{target}* is healthy again ({time}).",
        "ko": ":large_green_circle: *{target}* 다시 정상입니다 ({time}).",
    },
    "health.runbooks": {"en": "Runbook: {names}", "ko": "런북: {names}"},
    # --- delivery --------------------------------------------------------------------------
    "delivery.failed_update": {
        "en": ":warning: An update of this message could not be shown: Slack refused it (`{error}`), also as plain text. The bot's log has it as outbox message {ref}.",
        "ko": ":warning: 이 메시지의 갱신을 표시하지 못했습니다. Slack이 거부했습니다(`{error}`, 일반 텍스트로도). 봇 로그의 outbox 메시지 {ref}를 확인하세요.",
    },
    "delivery.failed_message": {
        "en": ":warning: A message from sre-bot could not be shown here: Slack refused it (`{error}`), also as plain text. The bot's log has it as outbox message {ref}.",
        "ko": ":warning: sre-bot 메시지 하나를 여기에 표시하지 못했습니다. Slack이 거부했습니다(`{error}`, 일반 텍스트로도). 봇 로그의 outbox 메시지 {ref}를 확인하세요.",
    },
    # --- durations -----------------------------------------------------------------------
    "duration.d": {"en": "{n}d", "ko": "{n}일"},
    "duration.h": {"en": "{n}h", "ko": "{n}시간"},
    "duration.m": {"en": "{n}m", "ko": "{n}분"},
    "duration.s": {"en": "{n}s", "ko": "{n}초"},
}
