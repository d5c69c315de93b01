// The local Slack in a browser: reads the workspace from /local/api, renders Block Kit, and
// sends what the person does to the server, which signs it and posts it to the bot as Slack does.
"use strict";

const state = {
  workspace: null, user: null, channel: null, thread: null, seq: 0,
  view: null, viewKey: "", errors: {}, suggestion: -1,
};
const $ = (id) => document.getElementById(id);

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body),
  };
  const response = await fetch("/local/api/" + path, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const detail = typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail);
    throw new Error(detail || response.statusText);
  }
  return data;
}

// ---- text: Slack's mrkdwn, with its &amp; &lt; &gt; escapes and <@U…> <#C…> <url|label> links

function esc(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}
function unesc(text) {
  return String(text).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
function nameOf(id) {
  const ws = state.workspace;
  const user = ws.users.find((u) => u.id === id);
  if (user) return user.name;
  const channel = ws.channels.find((c) => c.id === id);
  if (channel) return channel.name;
  return ws.groups[id] || id;
}
function link(body) {
  const [target, label] = body.split("|", 2);
  if (target.startsWith("@")) return `<span class="mention">@${esc(nameOf(target.slice(1)))}</span>`;
  if (target.startsWith("#")) return `<span class="mention">#${esc(label || nameOf(target.slice(1)))}</span>`;
  if (target.startsWith("!subteam^")) {
    const id = target.slice(9);
    return `<span class="mention">${esc(label || "@" + nameOf(id))}</span>`;
  }
  if (target.startsWith("!")) return `<span class="mention">@${esc(target.slice(1).split("^")[0])}</span>`;
  const href = unesc(target);
  const safe = /^(https?:|mailto:)/.test(href) ? href : "#";
  return `<a href="${esc(safe)}" target="_blank" rel="noopener">${esc(unesc(label || target))}</a>`;
}
// The shortcodes the bot uses, as Slack shows them; others stay as typed.
const EMOJI = {
  alarm_clock: "⏰", arrow_forward: "▶️", arrows_counterclockwise: "🔄", bar_chart: "📊",
  book: "📖", calendar: "📅", chart_with_upwards_trend: "📈", eyes: "👀", fire: "🔥",
  handshake: "🤝", hourglass_flowing_sand: "⏳", large_green_circle: "🟢",
  large_orange_circle: "🟠", large_yellow_circle: "🟡", mag: "🔍", memo: "📝", mute: "🔇",
  no_entry: "⛔", pager: "📟", raised_hand: "✋", red_circle: "🔴", rotating_light: "🚨",
  speech_balloon: "💬", warning: "⚠️", wastebasket: "🗑️", white_check_mark: "✅",
  white_circle: "⚪", white_small_square: "▫️", x: "❌",
};
function inline(text) {
  return text
    .replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] || whole)
    .replace(/`([^`\n]+)`/g, (_, c) => `<code>${c}</code>`)
    .replace(/(^|[\s(>])\*([^*\n]+)\*(?=$|[\s).,:!?<])/g, "$1<b>$2</b>")
    .replace(/(^|[\s(>])_([^_\n]+)_(?=$|[\s).,:!?<])/g, "$1<i>$2</i>")
    .replace(/(^|[\s(>])~([^~\n]+)~(?=$|[\s).,:!?<])/g, "$1<s>$2</s>");
}
function mrkdwn(text) {
  const parts = String(text || "").split(/(```[\s\S]*?```)/);
  return parts.map((part) => {
    if (part.startsWith("```") && part.endsWith("```") && part.length >= 6) {
      return `<pre>${esc(unesc(part.slice(3, -3)))}</pre>`;
    }
    const pieces = part.split(/<([^<>]+)>/);
    const html = pieces.map((piece, i) => (i % 2 ? link(piece) : esc(unesc(piece)))).join("");
    return inline(html).replace(/\n/g, "<br>");
  }).join("");
}
function textOf(obj) {
  if (!obj) return "";
  if (typeof obj === "string") return mrkdwn(obj);
  return obj.type === "mrkdwn" ? mrkdwn(obj.text) : esc(obj.text || "");
}
function plainOf(obj) {
  return obj ? (typeof obj === "string" ? obj : obj.text || "") : "";
}

// ---- Block Kit

function button(el, where) {
  const style = el.style ? " " + el.style : "";
  const data = Object.entries({
    kind: where.kind, where: where.where, ts: where.ts || "", block: where.block || "",
    action: el.action_id || "", confirm: el.confirm ? JSON.stringify(el.confirm) : "",
  }).map(([k, v]) => `data-${k}="${esc(v)}"`).join(" ");
  if (el.url) return `<a class="sk-button${style}" href="${esc(el.url)}" target="_blank" rel="noopener">${esc(plainOf(el.text))}</a>`;
  return `<button type="button" class="sk-button${style}" ${data}>${esc(plainOf(el.text))}</button>`;
}
function element(el, where) {
  if (!el) return "";
  if (el.type === "button") return button(el, where);
  if (el.type === "image") return `<img src="${esc(el.image_url)}" alt="${esc(el.alt_text || "")}" height="20">`;
  if (el.type === "mrkdwn" || el.type === "plain_text") return `<span>${textOf(el)}</span>`;
  return `<span class="note">[${esc(el.type)}]</span>`;
}
function richText(block) {
  const walk = (items) => (items || []).map((item) => {
    if (item.type === "text") return esc(item.text).replace(/\n/g, "<br>");
    if (item.type === "link") return link(item.url + (item.text ? "|" + item.text : ""));
    if (item.type === "user") return link("@" + item.user_id);
    if (item.type === "channel") return link("#" + item.channel_id);
    if (item.elements) return walk(item.elements);
    return "";
  }).join("");
  return `<div class="sk-section">${walk(block.elements)}</div>`;
}
function blocks(list, where) {
  return (list || []).map((block) => {
    const at = {...where, block: block.block_id};
    switch (block.type) {
      case "header": return `<div class="sk-header">${textOf(block.text)}</div>`;
      case "divider": return "<hr>";
      case "section": {
        const fields = block.fields ? `<div class="sk-fields">${block.fields.map((f) => `<div>${textOf(f)}</div>`).join("")}</div>` : "";
        const accessory = block.accessory ? `<div>${element(block.accessory, at)}</div>` : "";
        return `<div class="sk-section"><div class="sk-text">${textOf(block.text)}${fields}</div>${accessory}</div>`;
      }
      case "context": return `<div class="sk-context">${(block.elements || []).map((e) => element(e, at)).join("")}</div>`;
      case "actions": return `<div class="sk-actions">${(block.elements || []).map((e) => element(e, at)).join("")}</div>`;
      case "image": return `<div class="sk-image"><img src="${esc(block.image_url)}" alt="${esc(block.alt_text || "")}"></div>`;
      case "rich_text": return richText(block);
      case "input": return "";
      default: return `<div class="note">[${esc(block.type)} block]</div>`;
    }
  }).join("");
}
function files(list) {
  return (list || []).map((f) => (String(f.mimetype || "").startsWith("image/")
    ? `<div class="file"><img src="/local/files/${esc(f.id)}" alt="${esc(f.alt_txt || f.title || f.name)}" title="${esc(f.title || f.name)}"></div>`
    : `<div class="file"><a href="/local/files/${esc(f.id)}">${esc(f.title || f.name)}</a></div>`)).join("");
}
function clock(ts) {
  return new Date(parseFloat(ts) * 1000).toLocaleTimeString([], {hour: "2-digit", minute: "2-digit", second: "2-digit"});
}
function message(m, inThread) {
  const kind = m.ephemeral ? "ephemeral" : "message";
  const where = {kind, where: m.channel, ts: m.ts};
  const sender = m.ephemeral ? state.workspace.bot.name : (m.username || nameOf(m.user));
  const note = m.ephemeral ? ' <span class="note">Only visible to you</span>' : (m.edited ? ' <span class="note">(edited)</span>' : "");
  const body = (m.blocks && m.blocks.length) ? blocks(m.blocks, where) : `<div>${mrkdwn(m.text)}</div>`;
  const replies = !inThread && m.reply_count ? `<button type="button" class="replies" data-thread="${esc(m.ts)}">${m.reply_count} ${m.reply_count === 1 ? "reply" : "replies"}</button>` : "";
  const attachments = (m.attachments || []).map((a) => (a.blocks ? blocks(a.blocks, where) : `<div>${mrkdwn(a.text || a.fallback || "")}</div>`)).join("");
  return `<div class="message ${kind}" data-ts="${esc(m.ts)}"><div class="meta"><b>${esc(sender)}</b>${clock(m.ts)}${note}</div>${body}${attachments}${files(m.files)}${replies}</div>`;
}

// ---- the page

function renderSidebar() {
  const ws = state.workspace;
  $("team").textContent = ws.team.name;
  const people = ws.users.filter((u) => !u.is_bot);
  const select = $("as-user");
  select.innerHTML = people.map((u) => `<option value="${esc(u.id)}">@${esc(u.name)}</option>`).join("") + '<option value="">Someone new…</option>';
  select.value = state.user;
  const item = (c, label) => `<li><a href="#" data-channel="${esc(c.id)}" class="${c.id === state.channel ? "active" : ""}">${label}</a></li>`;
  $("channels").innerHTML = ws.channels.filter((c) => !c.is_im).map((c) => item(c, "# " + esc(c.name))).join("");
  $("dms").innerHTML = ws.channels.filter((c) => c.is_im && c.user === state.user).map((c) => item(c, "@" + esc(ws.bot.name))).join("");
}

async function refresh() {
  state.workspace = await api("workspace");
  if (!state.user) {
    const saved = localStorage.getItem("local-slack-user");
    const people = state.workspace.users.filter((u) => !u.is_bot);
    state.user = (people.find((u) => u.id === saved) || people[0] || {}).id;
  }
  if (!state.channel) {
    const first = state.workspace.channels.find((c) => !c.is_im);
    state.channel = first && first.id;
  }
  renderSidebar();
  if (!state.channel || !state.user) return;
  const thread = state.thread ? "&thread=" + encodeURIComponent(state.thread) : "";
  const data = await api(`channels/${state.channel}?user=${encodeURIComponent(state.user)}${thread}`);
  $("channel-title").textContent = (data.channel.is_im ? "@" : "# ") + data.channel.name;
  const items = [...data.messages, ...data.ephemerals].sort((a, b) => parseFloat(a.ts) - parseFloat(b.ts));
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  box.innerHTML = items.map((m) => message(m, false)).join("");
  if (atBottom) box.scrollTop = box.scrollHeight;
  if (state.thread) {
    const replies = [...data.thread, ...data.thread_ephemerals].sort((a, b) => parseFloat(a.ts) - parseFloat(b.ts));
    $("thread-messages").innerHTML = replies.map((m) => message(m, true)).join("");
    $("thread").hidden = false;
  } else {
    $("thread").hidden = true;
  }
  const views = await api("views?user=" + encodeURIComponent(state.user));
  renderModal(views.view);
}

function showProblems(problems) {
  $("problems").textContent = (problems || []).join("\n");
}

async function act(path, body) {
  try {
    const answer = await api(path, {user: state.user, channel: state.channel, ...body});
    showProblems(answer.problems);
    return answer;
  } catch (error) {
    showProblems([String(error.message || error)]);
    return null;
  } finally {
    await refresh();
  }
}

// ---- modals

function initialEntry(el) {
  const kind = el.type;
  if (kind === "plain_text_input") return {type: kind, value: el.initial_value ?? null};
  if (kind === "static_select" || kind === "radio_buttons") return {type: kind, selected_option: el.initial_option || null};
  if (kind === "multi_static_select" || kind === "checkboxes") return {type: kind, selected_options: el.initial_options || []};
  if (kind === "users_select") return {type: kind, selected_user: el.initial_user || null};
  if (kind === "datepicker") return {type: kind, selected_date: el.initial_date || null};
  if (kind === "timepicker") return {type: kind, selected_time: el.initial_time || null};
  if (kind === "conversations_select" || kind === "channels_select") return {type: kind, [kind === "channels_select" ? "selected_channel" : "selected_conversation"]: el.initial_conversation || el.initial_channel || null};
  return {type: kind, value: null};
}
function options(el) {
  return (el.options || []).concat(...(el.option_groups || []).map((g) => g.options || []));
}
function field(block) {
  const el = block.element;
  const id = `f-${block.block_id}-${el.action_id}`;
  const name = `data-block="${esc(block.block_id)}" data-action="${esc(el.action_id)}" data-type="${esc(el.type)}" id="${esc(id)}"`;
  const entry = initialEntry(el);
  let input;
  if (el.type === "plain_text_input") {
    const value = esc(entry.value || "");
    const placeholder = esc(plainOf(el.placeholder));
    input = el.multiline
      ? `<textarea ${name} rows="4" placeholder="${placeholder}" ${el.max_length ? `maxlength="${el.max_length}"` : ""}>${value}</textarea>`
      : `<input type="text" ${name} value="${value}" placeholder="${placeholder}" ${el.max_length ? `maxlength="${el.max_length}"` : ""}>`;
  } else if (el.type === "static_select" || el.type === "radio_buttons") {
    const chosen = entry.selected_option && entry.selected_option.value;
    input = `<select ${name}><option value="">${esc(plainOf(el.placeholder) || "Choose…")}</option>${options(el).map((o) => `<option value="${esc(o.value)}" ${o.value === chosen ? "selected" : ""}>${esc(plainOf(o.text))}</option>`).join("")}</select>`;
  } else if (el.type === "multi_static_select" || el.type === "checkboxes") {
    const chosen = new Set((entry.selected_options || []).map((o) => o.value));
    input = `<select multiple ${name}>${options(el).map((o) => `<option value="${esc(o.value)}" ${chosen.has(o.value) ? "selected" : ""}>${esc(plainOf(o.text))}</option>`).join("")}</select>`;
  } else if (el.type === "users_select") {
    const people = state.workspace.users.filter((u) => !u.is_bot);
    input = `<select ${name}><option value="">Choose a person…</option>${people.map((u) => `<option value="${esc(u.id)}" ${u.id === entry.selected_user ? "selected" : ""}>@${esc(u.name)}</option>`).join("")}</select>`;
  } else if (el.type === "datepicker") {
    input = `<input type="date" ${name} value="${esc(entry.selected_date || "")}">`;
  } else if (el.type === "timepicker") {
    input = `<input type="time" ${name} value="${esc(entry.selected_time || "")}">`;
  } else if (el.type === "conversations_select" || el.type === "channels_select") {
    input = `<select ${name}><option value="">Choose a channel…</option>${state.workspace.channels.filter((c) => !c.is_im).map((c) => `<option value="${esc(c.id)}">#${esc(c.name)}</option>`).join("")}</select>`;
  } else {
    input = `<input type="text" ${name}>`;
  }
  const error = state.errors[block.block_id] ? `<div class="error">${esc(state.errors[block.block_id])}</div>` : "";
  const hint = block.hint ? `<div class="hint">${textOf(block.hint)}</div>` : "";
  const optional = block.optional ? ' <span class="hint">(optional)</span>' : "";
  return `<div class="field"><label for="${esc(id)}">${esc(plainOf(block.label))}${optional}</label>${input}${hint}${error}</div>`;
}
function renderModal(view) {
  const key = view ? `${view.id}:${view.hash || ""}` : "";
  if (key === state.viewKey) return; // keep what the person has typed so far
  state.viewKey = key;
  state.view = view;
  if (!view) {
    $("modal-backdrop").hidden = true;
    state.errors = {};
    return;
  }
  const where = {kind: "view", where: view.id};
  const body = (view.blocks || []).map((b) => (b.type === "input" ? field(b) : blocks([b], where))).join("");
  const submit = view.submit ? `<button type="submit" class="sk-button primary">${esc(plainOf(view.submit))}</button>` : "";
  $("modal").innerHTML = `<h2>${esc(plainOf(view.title))}</h2>${body}<div class="modal-buttons"><button type="button" class="sk-button" id="modal-close">${esc(plainOf(view.close) || "Cancel")}</button>${submit}</div>`;
  $("modal-backdrop").hidden = false;
  const first = $("modal").querySelector("input, textarea, select");
  if (first) first.focus();
}
function formValues() {
  const values = {};
  const view = state.view;
  for (const block of (view.blocks || []).filter((b) => b.type === "input")) {
    const el = block.element;
    const input = $(`f-${block.block_id}-${el.action_id}`);
    const kind = el.type;
    let entry = {type: kind};
    if (kind === "plain_text_input") entry.value = input.value === "" ? null : input.value;
    else if (kind === "static_select" || kind === "radio_buttons") entry.selected_option = options(el).find((o) => o.value === input.value) || null;
    else if (kind === "multi_static_select" || kind === "checkboxes") entry.selected_options = options(el).filter((o) => [...input.selectedOptions].some((s) => s.value === o.value));
    else if (kind === "users_select") entry.selected_user = input.value || null;
    else if (kind === "datepicker") entry.selected_date = input.value || null;
    else if (kind === "timepicker") entry.selected_time = input.value || null;
    else if (kind === "channels_select") entry.selected_channel = input.value || null;
    else if (kind === "conversations_select") entry.selected_conversation = input.value || null;
    else entry.value = input.value || null;
    (values[block.block_id] = values[block.block_id] || {})[el.action_id] = entry;
  }
  return values;
}

// ---- what the person does

async function submitModal(event) {
  event.preventDefault();
  const view = state.view;
  if (!view) return;
  const answer = await act("submit", {view_id: view.id, values: formValues()});
  if (answer && answer.kept_open) {
    state.errors = answer.errors || {};
    state.viewKey = "";
    renderModal(view);
  } else {
    state.errors = {};
  }
}
async function press(target) {
  const d = target.dataset;
  if (d.confirm) {
    const dialog = JSON.parse(d.confirm);
    if (!window.confirm(`${plainOf(dialog.title)}\n\n${plainOf(dialog.text)}`)) return;
  }
  target.disabled = true;
  await act("press", {kind: d.kind, where: d.where, ts: d.ts || null, block_id: d.block, action_id: d.action});
}
function suggestions() {
  const text = $("composer").value;
  const list = $("suggestions");
  if (!text.startsWith("/") || text.includes(" ")) { list.hidden = true; return []; }
  const found = state.workspace.commands.filter((c) => c.command.startsWith(text));
  list.innerHTML = found.map((c, i) => `<li data-command="${esc(c.command)}" class="${i === state.suggestion ? "active" : ""}">${esc(c.command)} <small>${esc(c.description)}${c.usage_hint ? " · " + esc(c.usage_hint) : ""}</small></li>`).join("");
  list.hidden = found.length === 0;
  return found;
}
async function send(event) {
  event.preventDefault();
  const input = $("composer");
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  $("suggestions").hidden = true;
  await act(text.startsWith("/") ? "command" : "message", {text});
}

document.addEventListener("click", (event) => {
  const target = event.target.closest("button, a, li");
  if (!target) return;
  if (target.matches(".sk-button[data-kind]")) { press(target); return; }
  if (target.matches("a[data-channel]")) {
    event.preventDefault();
    state.channel = target.dataset.channel; state.thread = null; refresh(); return;
  }
  if (target.matches(".replies")) { state.thread = target.dataset.thread; refresh(); return; }
  if (target.id === "close-thread") { state.thread = null; refresh(); return; }
  if (target.id === "modal-close") { act("cancel", {view_id: state.view.id}); return; }
  if (target.matches("#suggestions li")) {
    $("composer").value = target.dataset.command + " "; $("suggestions").hidden = true; $("composer").focus();
  }
});
$("composer").addEventListener("input", () => { state.suggestion = -1; suggestions(); });
$("composer").addEventListener("keydown", (event) => {
  const found = suggestions();
  if (!found.length || !["ArrowDown", "ArrowUp", "Tab"].includes(event.key)) return;
  event.preventDefault();
  if (event.key === "Tab") {
    const pick = found[Math.max(state.suggestion, 0)];
    $("composer").value = pick.command + " "; $("suggestions").hidden = true; return;
  }
  state.suggestion = (state.suggestion + (event.key === "ArrowDown" ? 1 : found.length - 1)) % found.length;
  suggestions();
});
$("composer-form").addEventListener("submit", send);
$("reply-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("reply").value.trim();
  if (!text || !state.thread) return;
  $("reply").value = "";
  await act("message", {text, thread_ts: state.thread});
});
$("modal").addEventListener("submit", submitModal);
$("as-user").addEventListener("change", async (event) => {
  let user = event.target.value;
  if (!user) {
    const name = (window.prompt("Act as someone new: their name") || "").trim().replace(/^@/, "");
    if (!name) { event.target.value = state.user; return; }
    user = name;
  }
  const data = await api("people", {user});
  state.user = data.id;
  localStorage.setItem("local-slack-user", state.user);
  state.viewKey = "";
  await refresh();
});

async function follow() {
  // Long poll: the server answers when the workspace changed (or after a while).
  for (;;) {
    try {
      const change = await api("changes?after=" + state.seq);
      if (change.seq !== state.seq) { state.seq = change.seq; await refresh(); }
    } catch (error) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

refresh().then(() => { state.seq = state.workspace.seq; follow(); });
