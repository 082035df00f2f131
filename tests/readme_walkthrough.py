#!/usr/bin/env python3
"""Runs every command of README.md's walk-through, as printed, against a local
suite of the real binaries (clients, notifications, meetings, inspections, sales and a
real redis-server) started in a temporary directory.

    readme_walkthrough.py README.md BUILD_DIR

The commands are read from the README itself, so that they cannot drift:
every ```sh block, in order, and every inline `build/cli/atrium ...` span.
The temporary directory stands for the repository root: `build` links to
BUILD_DIR and `.local/keys/jwt.key` is the suite's signing key, so the paths
print in the README work unchanged. Shell variables set by one command (A=,
K=, MGR=, export ATRIUM_TOKEN=...) carry over to the next.

What the README leaves to the reader is filled in from earlier answers:
`accounts/<id>`, `meetings/<m>`, `approvals/<a>`, `actions/<action>`,
`inspections/<date>` take the id that the latest earlier answer naming that
collection printed; a placeholder is one id wherever it appears (so
`notices/<m>` is the meeting's notice). A command left incomplete
(`…`) fails the test.

A command must succeed, unless the README's next line is a comment
`# error: CODE: ... [REASON]`: then it must fail with that code and reason.
A trailing comment that is a state (`# CONTRACTED`) must be in the answer.
A block that starts `notices watch` is another terminal: its watchers run in
the background with that block's variables, and what they print is kept.
The departments' watchers sign asynchronously, so a command refused with
NOT_FOUND or FAILED_PRECONDITION is tried again for a while before it fails
(a refused call changes nothing).

The hotel's time zone is chosen so that the inspection window (8:00-18:00
hotel time) is open while the test runs.
"""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

RETRY_FOR_SECONDS = 60
START_TIMEOUT_SECONDS = 30


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


# ---------------------------------------------------------------- the README


def open_quote(text):
    """Whether `text` ends inside a quoted string (comments do not count)."""
    quote, i = None, 0
    while i < len(text):
        c = text[i]
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or text[i - 1] in " \t\n"):
            end = text.find("\n", i)
            if end < 0:
                return False
            i = end
        elif c == "\\":
            i += 1
        i += 1
    return quote is not None


def logical_lines(block):
    """Joins backslash continuations and open quotes (a JSON request over
    several lines) into one command line each; keeps comment lines."""
    out, current = [], ""
    for line in block.splitlines():
        if not current and line.strip().startswith("#"):
            out.append(line.strip())
            continue
        current = current + "\n" + line if current else line
        if current.endswith("\\"):  # bash reads the continuation as printed
            continue
        if open_quote(current):  # inside a quoted --request '...'
            continue
        if current.strip():
            out.append(current.strip())
        current = ""
    if current.strip():
        out.append(current.strip())
    return out


def split_comment(line):
    """'cmd  # note' -> ('cmd', 'note'): a # outside quotes after a space."""
    quote = None
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and i > 0 and line[i - 1] in " \t":
            return line[:i].rstrip(), line[i + 1 :].strip()
    return line, ""


def steps_of(readme):
    """The README's commands in order: (kind, block_index, command, note,
    expected_error) with kind 'run' or 'watch'."""
    steps = []
    pieces = re.split(r"^```(\w*)\n(.*?)^```\n", readme, flags=re.S | re.M)
    # re.split yields text, lang, body, text, lang, body, ...
    block_index = 0
    for i in range(0, len(pieces), 3):
        prose = pieces[i]
        for span in re.findall(r"`(build/cli/atrium [^`]+)`", prose):
            steps.append(("run", None, span, "", None))
        if i + 2 >= len(pieces):
            break
        lang, body = pieces[i + 1], pieces[i + 2]
        if lang != "sh":
            continue
        block_index += 1
        lines = logical_lines(body)
        terminal = "other" if any(" notices watch " in l for l in lines) else "main"
        for j, line in enumerate(lines):
            if line.startswith("#"):
                continue
            command, note = split_comment(line)
            if command.startswith("scripts/"):  # the two commands that install and build
                continue
            expected = None
            if j + 1 < len(lines) and lines[j + 1].startswith("# error:"):
                m = re.match(r"# error: ([A-Z_]+): .*?(?:\[([A-Z_]+)\])?$", lines[j + 1])
                if not m:
                    fail("cannot read the expected error " + lines[j + 1])
                expected = (m.group(1), m.group(2))
            kind = "watch" if " notices watch " in command else "run"
            steps.append((kind, (terminal, block_index), command, note, expected))
    return steps


# ---------------------------------------------------------------- the suite


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hotel_zone_with_open_window():
    """An IANA zone in which it is now about noon (Etc/GMT-N is UTC+N)."""
    hour = time.gmtime().tm_hour
    offset = (12 - hour) % 24
    if offset > 14:
        offset -= 24
    return "UTC" if offset == 0 else "Etc/GMT%+d" % -offset


class Suite:
    def __init__(self, root, build):
        self.root, self.build, self.procs = root, build, []
        self.logs = os.path.join(root, "logs")
        os.makedirs(self.logs)
        os.makedirs(os.path.join(root, ".local", "keys"))
        os.makedirs(os.path.join(root, "data"))
        os.symlink(build, os.path.join(root, "build"))
        for name in ("jwt.key", "page-token.key"):
            with open(os.path.join(root, ".local", "keys", name), "w") as f:
                f.write(secrets.token_hex(32))

    def spawn(self, name, argv):
        log = open(os.path.join(self.logs, name + ".log"), "w")
        p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=self.root, start_new_session=True)
        self.procs.append((name, p))
        return p

    def wait_for(self, name, p, pattern):
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        path = os.path.join(self.logs, name + ".log")
        while time.monotonic() < deadline:
            with open(path, errors="replace") as f:
                m = re.search(pattern, f.read())
            if m:
                return m
            if p.poll() is not None:
                break
            time.sleep(0.1)
        with open(path, errors="replace") as f:
            fail("%s did not start:\n%s" % (name, f.read()[-3000:]))

    def start(self):
        redis_port = free_port()
        p = self.spawn(
            "redis",
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        )
        self.wait_for("redis", p, r"Ready to accept connections")
        self.redis = "127.0.0.1:%d" % redis_port
        keys = os.path.join(self.root, ".local", "keys")
        common = [
            "--listen=127.0.0.1:0",
            "--jwt-key-file=" + os.path.join(keys, "jwt.key"),
            "--page-token-secret-file=" + os.path.join(keys, "page-token.key"),
            "--timezone=" + hotel_zone_with_open_window(),
        ]
        addr = {}

        def service(name, *extra):
            binary = os.path.join(self.build, "services", name, "atrium-" + name)
            db = "--db-path=" + os.path.join(self.root, "data", name + ".db")
            p = self.spawn(name, [binary, db] + common + list(extra))
            addr[name] = self.wait_for(name, p, r"serving on (127\.0\.0\.1:\d+)").group(1)

        service("notifications", "--redis=" + self.redis)
        service("clients", "--notifications-address=" + addr["notifications"])
        service("meetings", "--clients-address=" + addr["clients"], "--notifications-address=" + addr["notifications"])
        service("inspections", "--notifications-address=" + addr["notifications"], "--meetings-address=" + addr["meetings"])
        service("sales", "--clients-address=" + addr["clients"], "--meetings-address=" + addr["meetings"])
        env = {k: v for k, v in os.environ.items() if not k.startswith("ATRIUM_")}
        for name, a in addr.items():
            env["ATRIUM_%s_ADDR" % name.upper()] = a
        env["ATRIUM_REDIS"] = self.redis
        return env

    def stop(self):
        for _, p in reversed(self.procs):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for _, p in self.procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


# ---------------------------------------------------------------- the commands

NAME = r"[A-Za-z0-9][A-Za-z0-9._-]*"


class Runner:
    def __init__(self, root, env):
        self.root, self.env = root, env
        self.terminals = {}
        self.outputs = []
        self.bound = {}  # (collection, placeholder) -> id
        self.watchers = []

    def fill(self, command):
        def replace(m):
            coll, ph = m.group(1), m.group(2)
            if (coll, ph) not in self.bound:
                # notices/<m>: a placeholder means one id wherever it appears
                value = next((v for (c, p), v in self.bound.items() if p == ph), None)
                for out in reversed(self.outputs if value is None else []):
                    found = re.search(r"\b%s/(%s)" % (re.escape(coll), NAME), out)
                    if found and found.group(1) != "-":
                        value = found.group(1)
                        break
                if value is None:
                    fail("nothing printed so far names a %s for %s/%s in: %s" % (coll, coll, ph, command))
                self.bound[(coll, ph)] = value
            return "%s/%s" % (coll, self.bound[(coll, ph)])

        filled = re.sub(r"(\w+)/(<\w+>)", replace, command)
        if "…" in filled or re.search(r"<\w+>", filled):
            fail("the README's command is not complete as printed: " + command)
        return filled

    def env_of(self, where):
        terminal = where[0] if where else "main"
        if terminal == "other":  # each such block is a terminal of its own
            return self.terminals.setdefault(where, dict(self.terminals.get("main", self.env)))
        return self.terminals.setdefault("main", dict(self.env))

    def run(self, where, command):
        env = self.env_of(where)
        state = os.path.join(self.root, "state")
        script = "set -a\n%s\n__rc=$?\nenv -0 > %s\nexit $__rc\n" % (command, state)
        p = subprocess.run(["bash", "-c", script], cwd=self.root, env=env, capture_output=True, timeout=120)
        if os.path.exists(state):
            with open(state, "rb") as f:
                fresh = dict(item.split("=", 1) for item in f.read().decode().split("\0") if "=" in item)
            os.remove(state)
            env.clear()
            env.update({k: v for k, v in fresh.items() if k not in ("_", "SHLVL", "PWD", "OLDPWD", "__rc")})
        return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")

    def watch(self, where, command):
        env = dict(self.env_of(where))
        log = open(os.path.join(self.root, "logs", "watcher-%d.log" % len(self.watchers)), "w")
        p = subprocess.Popen(["bash", "-c", command], cwd=self.root, env=env, stdout=log,
                             stderr=subprocess.STDOUT, start_new_session=True)
        self.watchers.append((command, p, log.name))

    def stop_watchers(self):
        for _, p, _ in self.watchers:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
                p.wait(timeout=10)

    def step(self, kind, where, command, note, expected):
        filled = self.fill(command)
        print("$ " + filled, flush=True)
        if kind == "watch":
            self.watch(where, filled)
            time.sleep(0.5)
            for c, p, log in self.watchers:
                if p.poll() is not None:
                    with open(log) as f:
                        fail("the watcher stopped: %s\n%s" % (c, f.read()))
            return
        deadline = time.monotonic() + RETRY_FOR_SECONDS
        while True:
            rc, out, err = self.run(where, filled)
            if expected or rc == 0:
                break
            transient = re.match(r"error: (NOT_FOUND|FAILED_PRECONDITION): ", err) and self.watchers
            if not transient or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        sys.stdout.write(out)
        sys.stdout.write(err)
        self.outputs.append(out + err)
        if expected:
            code, reason = expected
            if rc == 0 or ("error: %s:" % code) not in err or (reason and "[%s]" % reason not in err):
                fail("expected %s [%s], got exit %d: %s" % (code, reason, rc, err.strip() or out.strip()))
            return
        if rc != 0:
            fail("exit %d: %s" % (rc, command))
        if re.fullmatch(r"[A-Z][A-Z_]+", note) and note not in out:
            fail("the README says this gives %s; it answered:\n%s" % (note, out))


def main():
    if len(sys.argv) != 3:
        fail("usage: readme_walkthrough.py README.md BUILD_DIR")
    with open(sys.argv[1]) as f:
        readme = f.read()
    steps = steps_of(readme)
    if not any("meetings sign-agreement" in s[2] for s in steps):
        fail("the walk-through was not found in " + sys.argv[1])
    root = tempfile.mkdtemp(prefix="atrium-readme-")
    suite = Suite(root, os.path.abspath(sys.argv[2]))
    ok = False
    try:
        runner = Runner(root, suite.start())
        for s in steps:
            runner.step(*s)
        runner.stop_watchers()
        printed = ""
        for command, _, log in runner.watchers:
            with open(log) as f:
                text = f.read()
            printed += text
            print("--- %s\n%s" % (command, text))
        # What the README says a watcher prints ("changed … → …"), it printed.
        for line in re.findall(r"`(changed [^`]+)`", readme):
            for piece in filter(None, (p.strip() for p in line.split("…"))):
                if piece not in printed:
                    fail("the README says a watcher prints `%s`; none printed %r" % (line, piece))
        ok = True
    finally:
        suite.stop()
        if ok:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print("logs kept in " + os.path.join(root, "logs"), file=sys.stderr)
    print("every command of the README's walk-through worked as printed")


if __name__ == "__main__":
    main()
