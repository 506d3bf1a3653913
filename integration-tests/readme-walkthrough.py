#!/usr/bin/env python3
"""The README is a test: every shell block marked <!-- walkthrough --> runs, in README order, in one bash session
against one `make run`, as a newcomer types it in a second terminal. A command that fails stops the run. A comment line
`# {...}` or `# [...]` right after a command is the output the README shows for it: the command's stdout must be JSON
that holds it (every member shown, with these values; members not shown may be there too). In shown values,
`<anything>` stands for any text and a trailing `...` for any rest, so ids and times can be masked.

Usage: integration-tests/readme-walkthrough.py [README.md]   (PORT: the port make run is given; default: a free one)
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

MARK = "<!-- walkthrough -->"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV_FILE = os.path.join(ROOT, "target", "local-registry.env")


def blocks(readme):
    """The marked shell blocks: (line number, [lines])."""
    lines = open(readme, encoding="utf-8").read().split("\n")
    found, i = [], 0
    while i < len(lines):
        if lines[i].strip() == MARK:
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j >= len(lines) or not lines[j].startswith("```sh"):
                sys.exit(f"README line {i + 1}: {MARK} must stand right before a ```sh block")
            k = j + 1
            while k < len(lines) and not lines[k].startswith("```"):
                k += 1
            found.append((j + 2, lines[j + 1:k]))
            i = k
        i += 1
    return found


def commands(start, lines):
    """(line number, command text, expected output or None) for each command of a block."""
    result, i = [], 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() or line.lstrip().startswith("#"):
            i += 1
            continue
        number, text = start + i, [line]
        while text[-1].rstrip().endswith("\\") and i + 1 < len(lines):
            i += 1
            text.append(lines[i])
        i += 1
        expected = []
        while i < len(lines) and re.match(r"\s*# [\[{]", lines[i]) or (expected and i < len(lines) and re.match(r"\s*#  ", lines[i])):
            expected.append(lines[i].strip()[2:])
            i += 1
        result.append((number, "\n".join(text), " ".join(expected) if expected else None))
    return result


def matches(shown, actual, path="$"):
    """None when `actual` holds what the README shows, else where it differs."""
    if isinstance(shown, dict):
        if not isinstance(actual, dict):
            return f"{path}: expected an object, got {json.dumps(actual)[:200]}"
        for key, value in shown.items():
            if key not in actual:
                return f"{path}: no member {key} in {json.dumps(actual)[:300]}"
            differs = matches(value, actual[key], f"{path}.{key}")
            if differs:
                return differs
        return None
    if isinstance(shown, list):
        if not isinstance(actual, list) or len(actual) != len(shown):
            return f"{path}: expected {len(shown)} elements, got {json.dumps(actual)[:300]}"
        for n, (s, a) in enumerate(zip(shown, actual)):
            differs = matches(s, a, f"{path}[{n}]")
            if differs:
                return differs
        return None
    if isinstance(shown, str) and isinstance(actual, str):
        pattern = "".join(".*" if re.fullmatch(r"<[^>]*>", part) else re.escape(part) for part in re.split(r"(<[^>]*>)", shown))
        if pattern.endswith(re.escape("...")):
            pattern = pattern[: -len(re.escape("..."))] + ".*"
        return None if re.fullmatch(pattern, actual, re.S) else f"{path}: expected {shown!r}, got {actual!r}"
    return None if shown == actual else f"{path}: expected {json.dumps(shown)}, got {json.dumps(actual)}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_registry(port, log):
    if os.path.exists(ENV_FILE):
        os.remove(ENV_FILE)
    env = dict(os.environ, PORT=str(port))
    process = subprocess.Popen(["make", "--no-print-directory", "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.time() + 600
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"make run exited with {process.returncode} before it was ready; its output is in {log.name}")
        if os.path.exists(ENV_FILE):
            return process
        time.sleep(0.5)
    os.killpg(process.pid, signal.SIGINT)
    sys.exit("make run was not ready within 10 minutes")


def main():
    readme = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "README.md")
    steps = [c for start, lines in blocks(readme) for c in commands(start, lines)]
    if not steps:
        sys.exit("no walkthrough blocks in " + readme)
    work = tempfile.mkdtemp(prefix="readme-walkthrough-")
    port = int(os.environ.get("PORT") or free_port())
    log = open(os.path.join(work, "make-run.log"), "w")
    print(f"readme-walkthrough: make run on port {port} (its output: {log.name})", flush=True)
    registry = start_registry(port, log)
    failures = []
    try:
        script = ["set -o pipefail", f"cd {ROOT}"]
        for n, (line, text, _) in enumerate(steps):
            script.append(f"{{\n{text}\n}} > {work}/{n}.out 2> {work}/{n}.err\necho $? > {work}/{n}.rc\n"
                          f"[ \"$(cat {work}/{n}.rc)\" = 0 ] || exit 0")
        # A newcomer's shell: no AWS settings, and not inside make (MAKELEVEL would make each `make admin` print its directory).
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")
               and k not in ("TABLE_NAME", "DYNAMODB_ENDPOINT", "MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
        env["PORT"] = str(port)
        # No ~/.aws of the machine's: the README's exports are all the CLI gets.
        env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
        subprocess.run(["bash", "-c", "\n".join(script)], env=env, timeout=900)
        ran = 0
        for n, (line, text, expected) in enumerate(steps):
            rc_file = f"{work}/{n}.rc"
            if not os.path.exists(rc_file):
                break
            ran += 1
            rc = open(rc_file).read().strip()
            out = open(f"{work}/{n}.out", encoding="utf-8", errors="replace").read()
            err = open(f"{work}/{n}.err", encoding="utf-8", errors="replace").read()
            first = text.split("\n")[0]
            if rc != "0":
                failures.append(f"README line {line}: `{first}` exited {rc}\n  stdout: {out[-2000:]}\n  stderr: {err[-2000:]}")
                break
            if expected is not None:
                try:
                    shown = json.loads(expected)
                except ValueError as e:
                    failures.append(f"README line {line}: the output shown after `{first}` is not JSON: {e}")
                    continue
                try:
                    actual = json.loads(out)
                except ValueError:
                    failures.append(f"README line {line}: `{first}` printed no JSON: {out[:500]!r}")
                    continue
                differs = matches(shown, actual)
                if differs:
                    failures.append(f"README line {line}: `{first}`: {differs}")
            print(f"  ok  README:{line}  {first[:110]}", flush=True)
    finally:
        os.killpg(registry.pid, signal.SIGINT)
        try:
            code = registry.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(registry.pid, signal.SIGKILL)
            code = "killed"
        log.close()
    # Ctrl-C reaches make and the JVM together (one process group): make ends as interrupted, the JVM exits 0 after one
    # line, so make prints no "Error 130" of its own.
    output = open(log.name, encoding="utf-8", errors="replace").read()
    if code not in (0, -signal.SIGINT) or "make: ***" in output or not output.rstrip().endswith("Partner Registry (local) stopped."):
        failures.append(f"make run did not stop cleanly on Ctrl-C (exit {code}; it must end with its one line and no make error)")
    passed = ran - len([f for f in failures if f.startswith("README line")])
    print(f"readme-walkthrough: {passed} passed, {len(steps) - passed} failed")
    for failure in failures:
        print("FAILED " + failure)
    if failures:
        print(f"make run's output: {log.name}")
        tail = open(log.name, encoding="utf-8", errors="replace").read()[-4000:]
        print(tail)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
