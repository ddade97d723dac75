"""``doclint check --external``: the stage from markdown to findings, the command line,
suppressions, no network without the flag, concurrent processes over one cache."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from doclint.config.loading import load_config
from doclint.core.findings import Severity
from doclint.engine import api as engine
from doclint.engine import workers
from doclint.engine.external import ExternalRun
from doclint.links.cache import CACHE_FILENAME
from doclint.links.model import LinkResult, Outcome
from doclint.parsing import parse_document
from doclint.rules import dead_link

from .conftest import fake_resolver, run_doclint
from .linkserver import Reply

FAST_CONFIG = """\
rules:
  dead-link:
    timeout: 1
    retries: 1
    retry-wait: 0.01
"""


def write_book(folder: Path, markdown: str, config: str = FAST_CONFIG) -> Path:
    (folder / "book.md").write_text(textwrap.dedent(markdown), encoding="utf-8")
    (folder / ".doclint.yml").write_text(config, encoding="utf-8")
    return folder


def check(folder: Path, run: ExternalRun, **kwargs) -> engine.CheckResult:
    config = load_config(cwd=folder)
    return engine.check(["book.md"], config, cwd=folder, external=run, **kwargs)


def messages(result: engine.CheckResult) -> list[tuple[int, int, str, str]]:
    return [(f.line, f.column, str(f.severity), f.message) for f in result.findings]


# ---------------------------------------------------------------------------------------
# The stage, in process


def test_dead_unconfirmed_and_skipped_links_become_findings(link_server, tmp_path) -> None:
    ok = link_server.route("/ok")
    gone = link_server.route("/gone", Reply(410))
    limited = link_server.route("/limited", Reply(429, {"Retry-After": "0"}))
    write_book(
        tmp_path,
        f"""\
        # Links

        - [ok]({ok}) and [again]({ok}#section)
        - [gone]({gone})
        - ![diagram]({limited})
        - <{gone}?v=2>
        - bare {ok}
        """,
    )
    result = check(tmp_path, ExternalRun(enabled=True, allow_private=True, use_cache=False))
    assert messages(result) == [
        (4, 3, "error", f"external link {gone} is dead: 410 Gone"),
        (
            5,
            3,
            "warning",
            f"external image {limited} is unconfirmed: 429 Too Many Requests: rate limited "
            "(after 2 attempts)",
        ),
        (6, 3, "error", f"external link {gone}?v=2 is dead: 404 Not Found"),
    ]
    assert len(link_server.requests("/ok")) == 1  # three links, one URL, one request


def test_private_addresses_are_info_and_never_contacted(link_server, tmp_path) -> None:
    url = link_server.route("/secret")
    write_book(tmp_path, f"[a]({url})\n[b](http://localhost:{link_server.port}/secret)\n")
    result = check(tmp_path, ExternalRun(enabled=True, use_cache=False))
    assert [(f.severity, f.line) for f in result.findings] == [
        (Severity.INFO, 1),
        (Severity.INFO, 2),
    ]
    assert "loopback" in result.findings[0].message
    assert link_server.requests() == [] and link_server.connections == 0


def test_a_suppression_comment_keeps_an_external_link_from_being_requested(
    link_server, tmp_path
) -> None:
    gone = link_server.route("/gone", Reply(404))
    elsewhere = link_server.route("/elsewhere", Reply(404))
    write_book(
        tmp_path,
        f"""\
        <!-- doclint-disable-next-line dead-link -->
        [gone]({gone})

        <!-- doclint-disable dead-link -->
        [elsewhere]({elsewhere})
        <!-- doclint-enable dead-link -->
        """,
    )
    result = check(tmp_path, ExternalRun(enabled=True, allow_private=True, use_cache=False))
    assert result.findings == []
    assert link_server.requests() == []


def test_external_is_off_unless_asked_for(link_server, tmp_path) -> None:
    url = link_server.route("/gone", Reply(404))
    write_book(tmp_path, f"[gone]({url})\n")
    assert check(tmp_path, ExternalRun(allow_private=True, use_cache=False)).findings == []
    config = FAST_CONFIG + "    external: true\n    allow-private: true\n"
    write_book(tmp_path, f"[gone]({url})\n", config)
    assert len(check(tmp_path, ExternalRun(use_cache=False)).findings) == 1
    assert check(tmp_path, ExternalRun(enabled=False)).findings == []  # --no-external
    assert check(tmp_path, ExternalRun(), ignore=["dead-link"]).findings == []
    assert len(link_server.requests()) == 2  # HEAD and GET, from the one run that checked


def test_exclusions_from_the_configuration(link_server, tmp_path) -> None:
    draft = link_server.route("/drafts/1", Reply(404))
    config = FAST_CONFIG + "    exclude-urls: ['/drafts/']\n    exclude-hosts: ['*.internal']\n"
    write_book(tmp_path, f"[d]({draft})\n[i](https://wiki.internal/page)\n", config)
    result = check(tmp_path, ExternalRun(enabled=True, allow_private=True, use_cache=False))
    assert [f.severity for f in result.findings] == [Severity.INFO, Severity.INFO]
    assert "excluded by the URL pattern '/drafts/'" in result.findings[0].message
    assert "excluded by the host pattern '*.internal'" in result.findings[1].message
    assert link_server.requests() == []


def test_no_network_is_one_summary_not_a_list_of_dead_links(tmp_path) -> None:
    links = "\n".join(f"- [p{n}](https://host{n % 4}.example/p{n})" for n in range(8))
    write_book(tmp_path, links + "\n")
    run = ExternalRun(enabled=True, use_cache=False, resolver=fake_resolver({}))
    result = check(tmp_path, run)
    assert len(result.findings) == 1
    finding = result.findings[0]
    assert finding.severity == Severity.WARNING and finding.line == 1
    assert finding.message.startswith("network unavailable: 8 external links on 4 hosts")


def test_external_findings_severities_follow_the_rule() -> None:
    doc = parse_document(
        "[a](https://a.example/x#y) ![b](https://b.example/) <https://c.example/>\n"
    )
    links = tuple(dead_link.external_links(doc))
    results = {
        "https://a.example/x": LinkResult(Outcome.DEAD, "404 Not Found", status=404),
        "https://b.example/": LinkResult(Outcome.WARNING, "403 Forbidden", status=403),
        "https://c.example/": LinkResult(Outcome.SKIPPED, "excluded", cause="excluded"),
    }
    as_warning = dead_link.external_findings([("doc.md", links)], results, Severity.WARNING)
    assert [(f.column, f.severity) for f in as_warning] == [
        (1, Severity.WARNING),
        (28, Severity.WARNING),
        (53, Severity.INFO),
    ]
    as_info = dead_link.external_findings([("doc.md", links)], results, Severity.INFO)
    assert {f.severity for f in as_info} == {Severity.INFO}


def test_the_parallel_path_hands_back_external_links(link_server, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(workers, "POOL_MIN_FILES", 2)
    monkeypatch.setattr(workers, "POOL_MIN_BYTES", 0)
    urls = [link_server.route(f"/page{n}", Reply(404 if n % 2 else 200)) for n in range(6)]
    for n, url in enumerate(urls):
        (tmp_path / f"ch{n}.md").write_text(f"# {n}\n\n[x]({url})\n", encoding="utf-8")
    (tmp_path / ".doclint.yml").write_text(FAST_CONFIG, encoding="utf-8")
    config = load_config(cwd=tmp_path)
    run = ExternalRun(enabled=True, allow_private=True, use_cache=False)
    parallel = engine.check(["."], config, cwd=tmp_path, jobs=2, external=run)
    serial = engine.check(["."], config, cwd=tmp_path, jobs=1, external=run)
    assert [f.path for f in parallel.findings] == ["ch1.md", "ch3.md", "ch5.md"]
    assert parallel.findings == serial.findings


# ---------------------------------------------------------------------------------------
# The command line, as real processes


def cli_env(tmp_path: Path) -> dict[str, str]:
    return {"DOCLINT_CACHE_DIR": str(tmp_path / "user-cache"), "GITHUB_TOKEN": ""}


def test_cli_external_exit_codes_and_cache_dir(link_server, tmp_path) -> None:
    ok, gone = link_server.route("/ok"), link_server.route("/gone", Reply(404))
    write_book(tmp_path, f"[ok]({ok})\n[gone]({gone})\n")
    args = ("check", "book.md", "--external", "--allow-private", "--cache-dir", "links-cache")
    completed = run_doclint(*args, cwd=tmp_path, env=cli_env(tmp_path))
    assert completed.returncode == 1, completed.stderr
    assert completed.stdout.splitlines()[0] == (
        f"book.md:2:1: error dead-link external link {gone} is dead: 404 Not Found"
    )
    assert completed.stderr == ""  # not a terminal: no progress bar
    assert (tmp_path / "links-cache" / CACHE_FILENAME).is_file()
    assert not (tmp_path / "user-cache").exists()
    assert run_doclint("check", "book.md", cwd=tmp_path).returncode == 0  # offline by default


def test_cli_default_refuses_loopback_without_a_connection(link_server, tmp_path) -> None:
    write_book(
        tmp_path,
        f"[a]({link_server.route('/a')})\n[b](http://localhost:{link_server.port}/a)\n",
    )
    completed = run_doclint("check", "book.md", "--external", cwd=tmp_path, env=cli_env(tmp_path))
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.count("info dead-link") == 2
    assert link_server.requests() == [] and link_server.connections == 0


def test_cli_corrupt_cache_is_rebuilt_with_a_warning(link_server, tmp_path) -> None:
    write_book(tmp_path, f"[ok]({link_server.route('/ok')})\n")
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    (cache_dir / CACHE_FILENAME).write_bytes(b"\0garbage" * 512)
    args = ("check", "book.md", "--external", "--allow-private", "--cache-dir", str(cache_dir))
    completed = run_doclint(*args, cwd=tmp_path, env=cli_env(tmp_path))
    assert completed.returncode == 0
    assert completed.stderr.startswith("doclint: warning: link cache ")
    assert "rebuilt it empty" in completed.stderr and "Traceback" not in completed.stderr
    again = run_doclint(*args, cwd=tmp_path, env=cli_env(tmp_path))
    assert again.stderr == "" and len(link_server.requests()) == 1  # the rebuilt cache works


def test_two_processes_at_once_over_one_cache(link_server, tmp_path) -> None:
    lines = []
    for n in range(30):
        url = link_server.route(f"/p{n}", Reply(404 if n % 5 == 0 else 200, delay=0.02))
        lines.append(f"- [p{n}]({url})")
    # What is tested is the shared cache: a patient timeout, so that a busy machine (two
    # processes asking 30 links each) cannot turn a slow answer into another finding.
    write_book(tmp_path, "\n".join(lines) + "\n", FAST_CONFIG.replace("timeout: 1", "timeout: 30"))
    command = [sys.executable, "-m", "doclint", "check", "book.md", "--external"]
    command += ["--allow-private", "--cache-dir", "shared-cache"]
    env = {**os.environ, **cli_env(tmp_path)}
    processes = [
        subprocess.Popen(
            command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    for process, (stdout, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 1, stderr.decode()
        assert stderr == b""
        assert stdout.decode().count("is dead: 404 Not Found") == 6
    assert outputs[0][0] == outputs[1][0]
    with sqlite3.connect(tmp_path / "shared-cache" / CACHE_FILENAME) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM links").fetchone() == (30,)
    asked = len(link_server.requests())
    third = run_doclint(*command[3:], cwd=tmp_path, env=cli_env(tmp_path))
    assert third.returncode == 1 and third.stdout == outputs[0][0].decode()
    assert len(link_server.requests()) == asked  # everything came from the cache


def test_cli_invalid_settings_are_one_line_exit_2(tmp_path) -> None:
    for setting, words in (
        ("accept: ['example.com']", '"accept" entry'),
        ("accept: ['*: 2xx']", "is not a status code"),
        ("timeout: -1", '"timeout" must be greater than 0'),
        ("exclude-urls: ['(']", 'invalid regular expression in "exclude-urls"'),
        ("retries: many", '"retries" of dead-link must be a whole number'),
    ):
        write_book(tmp_path, "x\n", f"rules:\n  dead-link:\n    {setting}\n")
        completed = run_doclint("check", "book.md", cwd=tmp_path)
        assert completed.returncode == 2
        assert completed.stderr.count("\n") == 1 and words in completed.stderr, completed.stderr
        assert completed.stderr.startswith("doclint: error: ")


# ---------------------------------------------------------------------------------------
# No network unless asked, and no httpx either

BLOCK_NETWORK = """\
import atexit, os, socket, sys

LOG = os.environ["DOCLINT_NETWORK_LOG"]


def record(what):
    with open(LOG, "a", encoding="utf-8") as log:
        log.write(what + "\\n")


def blocked(name, original):
    def guard(self, address, *args):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            record(f"{name} {address}")
            raise OSError("network blocked by the test")
        return original(self, address, *args)
    return guard


socket.socket.connect = blocked("connect", socket.socket.connect)
socket.socket.connect_ex = blocked("connect_ex", socket.socket.connect_ex)
_getaddrinfo = socket.getaddrinfo


def getaddrinfo(host, *args, **kwargs):
    record(f"getaddrinfo {host}")
    raise socket.gaierror(socket.EAI_AGAIN, "network blocked by the test")


socket.getaddrinfo = getaddrinfo


def report_httpx():
    if "httpx" in sys.modules:
        record("imported httpx")


atexit.register(report_httpx)
_exit = os._exit  # the doclint command (and each worker) ends without atexit handlers


def exit_reporting_httpx(status):
    report_httpx()
    _exit(status)


os._exit = exit_reporting_httpx
"""


def run_blocked(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    guard = tmp_path / "guard"
    guard.mkdir(exist_ok=True)
    (guard / "sitecustomize.py").write_text(BLOCK_NETWORK, encoding="utf-8")
    log = tmp_path / "network.log"
    log.unlink(missing_ok=True)
    env = {
        **cli_env(tmp_path),
        "PYTHONPATH": os.pathsep.join([str(guard), os.environ.get("PYTHONPATH", "")]),
        "DOCLINT_NETWORK_LOG": str(log),
    }
    completed = run_doclint(*args, cwd=tmp_path, env=env)
    return completed, log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def test_without_external_no_network_call_is_made(tmp_path) -> None:
    links = "\n".join(
        f"- [p{n}](https://host{n}.example/page) ![i](http://93.184.215.{n}/x.png)"
        for n in range(20)
    )
    write_book(
        tmp_path, "# Links\n\n" + links + "\n<https://example.org/>\nhttps://bare.example/\n"
    )
    for name in ("a", "b"):
        (tmp_path / f"{name}.md").write_text(links, encoding="utf-8")
    completed, attempts = run_blocked(tmp_path, "check", ".")
    assert completed.returncode == 0, completed.stderr
    assert attempts == []
    # The same guard does see a run that goes to the network: the test can fail.
    completed, attempts = run_blocked(tmp_path, "check", "book.md", "--external", "--no-cache")
    assert any(attempt.startswith("getaddrinfo host") for attempt in attempts)
    assert any(attempt.startswith("connect ('93.184.215.") for attempt in attempts)
    assert "imported httpx" in attempts
    assert "network unavailable" in completed.stdout


# ---------------------------------------------------------------------------------------
# Progress on a terminal


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_bar_only_on_a_terminal_and_not_when_quiet(link_server, tmp_path) -> None:
    import pty

    urls = [link_server.route(f"/p{n}", Reply(404 if n == 0 else 200)) for n in range(3)]
    write_book(tmp_path, "\n".join(f"[p]({url})" for url in urls) + "\n")

    def stderr_on_a_terminal(*extra: str) -> str:
        controller, terminal = pty.openpty()
        command = [sys.executable, "-m", "doclint", "check", "book.md", "--external"]
        process = subprocess.Popen(
            [*command, "--allow-private", "--no-cache", *extra],
            cwd=tmp_path,
            env={**os.environ, **cli_env(tmp_path)},
            stdout=subprocess.PIPE,
            stderr=terminal,
        )
        os.close(terminal)
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.communicate(timeout=60)
        os.close(controller)
        return b"".join(chunks).decode()

    shown = stderr_on_a_terminal()
    assert "external links [" in shown and "3/3, 1 dead" in shown
    assert shown.endswith("\r")  # wiped at the end
    assert stderr_on_a_terminal("--quiet") == ""


def test_settings_come_from_the_rule_the_command_line_and_the_environment() -> None:
    from doclint.engine.external import link_check_settings

    options = dead_link.Options(timeout=3, host_concurrency=2, accept=("*.example.com: 403",))
    settings = link_check_settings(options, ExternalRun(), {"GITHUB_TOKEN": "t0k"})
    assert (settings.timeout, settings.host_concurrency, settings.allow_private) == (3, 2, False)
    assert settings.github_token == "t0k" and "t0k" not in repr(settings)
    assert settings.accepts("docs.example.com", 403) and not settings.accepts("example.org", 403)
    overridden = link_check_settings(options, ExternalRun(allow_private=True), {})
    assert overridden.allow_private and overridden.github_token is None
