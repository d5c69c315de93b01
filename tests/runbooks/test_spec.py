"""Runbook files: clear errors for bad ones (file, line, step, field), the others still load;
templates take trigger data only, escaped for where they land."""

import pytest

from commands.config import load_config
from commands.context import Context
from commands.errors import ConfigError
from commands.runbooks.catalog import catalog
from commands.runbooks.files import load_folder
from commands.runbooks.templates import TemplateError, render, render_body

AUTO = "name: x\nautomation: auto\n"
APPROVAL = "name: x\nautomation: approval\n"
GOOD = """
name: good_one
automation: auto
steps:
  - kind: wait
    duration: 1s
"""


def _write(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


def test_a_bad_file_is_named_with_line_step_and_field_and_the_others_load(tmp_path):
    _write(tmp_path, "a_good.yml", GOOD)
    _write(
        tmp_path,
        "b_bad.yml",
        "name: bad_one\nautomation: auto\nsteps:\n  - name: Open breaker\n    kind: http\n"
        "    method: POST\n    urll: http://x\n",
    )
    _write(tmp_path, "c_kind.yaml", "name: c\nautomation: auto\nsteps:\n  - kind: teleport\n")
    _write(tmp_path, "d_yaml.yml", "name: [unclosed\n")
    _write(tmp_path, "notes.txt", "not a runbook")
    found = load_folder(tmp_path)
    assert found.names() == ["good_one"]
    errors = "\n".join(found.errors)
    assert f"{tmp_path / 'b_bad.yml'}:7: step 1 ('Open breaker'), field urll: unknown key" in errors
    assert "step 1 ('Open breaker'), field url: Field required" in errors
    assert "c_kind.yaml:4: step 1: unknown step kind; the kinds are http, health_check" in errors
    assert "d_yaml.yml:2: not valid YAML" in errors
    assert len(found.errors) == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            APPROVAL + "steps:\n  - {kind: wait, duration: 1s}\n",
            "needs `approvers:`",
        ),
        ("name: x\nautomation: sometimes\nsteps:\n  - {kind: wait, duration: 1s}\n", "automation"),
        (AUTO + "steps: []\n", "steps"),
        (
            AUTO + "approvers: [alice]\nsteps:\n  - {kind: wait, duration: 1s}\n",
            "not a Slack user ID",
        ),
        (AUTO + "steps:\n  - {kind: wait, duration: soon}\n", "not a duration"),
        (
            AUTO + "steps:\n  - {kind: incident, severity: sev9, title: t}\n",
            "unknown severity",
        ),
        (
            AUTO + "steps:\n  - {kind: http, url: ftp://x}\n",
            "not an http(s) URL",
        ),
        (
            AUTO
            + "steps:\n  - {kind: health_check, url: 'http://x',"
            + " expect: {json: 'status healthy'}}\n",
            "is not a condition",
        ),
        (
            AUTO + "steps:\n  - {kind: http, url: 'http://x/{{ incident.title }}'}\n",
            "comes from chat",
        ),
        (
            AUTO + "steps:\n  - {kind: command, argv: [echo, hi]}\n",
            "command steps are off",
        ),
        (
            AUTO + "steps:\n  - {kind: http, url: '${NOT_SET_ANYWHERE}/x'}\n",
            "NOT_SET_ANYWHERE is not set",
        ),
        (
            AUTO + "triggers:\n  - {promql: up}\nsteps:\n  - {kind: wait, duration: 1s}\n",
            "needs a `condition:`",
        ),
    ],
)
def test_each_mistake_gets_a_message_that_says_what_to_fix(tmp_path, text, expected):
    _write(tmp_path, "x.yml", text)
    found = load_folder(tmp_path)
    assert found.runbooks == {}
    assert expected in found.errors[0], found.errors


def test_commands_load_when_the_config_allows_them(tmp_path):
    _write(
        tmp_path,
        "x.yml",
        AUTO + "steps:\n  - {kind: command, argv: [echo, hi]}\n",
    )
    assert load_folder(tmp_path, allow_commands=True).names() == ["x"]


def test_two_files_with_one_name_keep_the_first(tmp_path):
    _write(tmp_path, "a.yml", GOOD)
    _write(tmp_path, "b.yml", GOOD)
    found = load_folder(tmp_path)
    assert found.names() == ["good_one"] and "already used by a.yml" in found.errors[0]


def test_templates_are_escaped_for_where_they_land():
    data = {"labels": {"model": "qwen/../admin?x=1&y", "bad": "a\r\nX-Evil: 1"}}
    url = render("http://svc/health/llm?model={{ labels.model }}", data, "url")
    assert url == "http://svc/health/llm?model=qwen%2F..%2Fadmin%3Fx%3D1%26y"
    with pytest.raises(TemplateError, match="line break"):
        render("Bearer {{ labels.bad }}", data, "header")
    with pytest.raises(TemplateError, match="refused in a PromQL"):
        render('up{model="{{ labels.model }}"}', data, "promql")
    with pytest.raises(TemplateError, match="not in the trigger data"):
        render("{{ labels.missing }}", data, "url")
    assert render_body({"m": ["{{ labels.model }}"]}, data) == {"m": ["qwen/../admin?x=1&y"]}
    chat = {"incident": {"title": "rm -rf /"}}
    assert render("{{ incident.title }}", chat, "text") == "rm -rf /"
    for context in ("url", "header", "argv", "body", "promql"):
        with pytest.raises(TemplateError, match="comes from chat"):
            render("{{ incident.title }}", chat, context)


def test_config_accepts_a_folder_or_a_mapping_and_resolves_it_next_to_the_file(tmp_path):
    config_file = tmp_path / "sre-bot.yml"
    config_file.write_text("runbooks: books\n", encoding="utf-8")
    assert load_config(config_file).runbooks_folder() == tmp_path / "books"
    config_file.write_text(
        "runbooks:\n  folder: /abs/books\n  allow_commands: true\nhealth:\n"
        "  - name: qwen\n    url: http://svc/health/llm?model=qwen\n"
        "    expect: {status: 200, json: 'status == healthy'}\n"
        "    runbook: qwen_failure_downshift\n",
        encoding="utf-8",
    )
    config = load_config(config_file)
    assert str(config.runbooks_folder()) == "/abs/books" and config.runbooks.allow_commands
    assert config.health[0].failures == 3 and config.health[0].expect.json_ == ["status == healthy"]
    config_file.write_text(
        "health:\n  - name: q\n    url: http://x\n    failurez: 2\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"sre-bot.yml:4: health.0.failurez: unknown key"):
        load_config(config_file)


@pytest.mark.parametrize(
    ("argv", "refused"),
    [
        ('[sh, -c, "systemctl restart {{ labels.service }}"]', True),
        ('[/bin/bash, -ec, "kill {{ labels.pid }}"]', True),
        ('[env, LANG=C, python3.11, -c, "print({{ labels.x }})"]', True),
        ('[perl, -e, "print q({{ labels.x }})"]', True),
        ("[sh, -c, 'systemctl restart \"$1\"', sh, '{{ labels.service }}']", False),
        ("[systemctl, restart, '{{ labels.service }}']", False),
        ("[sh, -c, 'echo fixed']", False),
    ],
)
def test_a_template_inside_a_shell_script_is_refused_when_the_file_loads(tmp_path, argv, refused):
    _write(tmp_path, "x.yml", AUTO + f"steps:\n  - kind: command\n    argv: {argv}\n")
    found = load_folder(tmp_path, allow_commands=True)
    if refused:
        assert found.names() == [] and "inside a script" in found.errors[0], found.errors
    else:
        assert found.names() == ["x"], found.errors


@pytest.mark.parametrize("text", ["runbooks: books\n", "slack: {}\nrunbooks:\n  folder: books\n"])
def test_a_missing_runbooks_folder_names_the_config_line(tmp_path, text):
    path = tmp_path / "sre-bot.yml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    [error] = catalog(Context(None, config, None)).errors  # type: ignore[arg-type]
    line = text.count("\n")
    assert (
        error
        == f"{path}:{line}: runbooks: {tmp_path / 'books'}: the runbooks folder does not exist"
    )
