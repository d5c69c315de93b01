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
    "usage.arg.id": {"en": "the incident ID", "ko": "인시던트 ID"},
    "usage.arg.severity": {"en": "the severity", "ko": "심각도"},
    "usage.arg.title": {"en": "the title", "ko": "제목"},
    "usage.arg.status": {"en": "the status", "ko": "상태"},
    "usage.arg.text": {"en": "the text", "ko": "내용"},
    "usage.arg.url": {"en": "the document URL", "ko": "문서 주소"},
    "usage.header": {
        "en": "*`/incident` — run an incident where the team talks*",
        "ko": "*`/incident` — 팀이 대화하는 곳에서 인시던트를 운영합니다*",
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
    # --- durations -----------------------------------------------------------------------
    "duration.d": {"en": "{n}d", "ko": "{n}일"},
    "duration.h": {"en": "{n}h", "ko": "{n}시간"},
    "duration.m": {"en": "{n}m", "ko": "{n}분"},
    "duration.s": {"en": "{n}s", "ko": "{n}초"},
}
