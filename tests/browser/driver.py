#!/usr/bin/env python3
"""Load local HTML files in Debian's headless chromium and check them.

The Chrome DevTools Protocol is spoken over --remote-debugging-pipe (file
descriptors 3 and 4, messages of JSON ended by a NUL byte), so the driver
needs the Python standard library alone: no websocket module, nothing
downloaded. For each page it records every console message
(Runtime.consoleAPICalled), uncaught exception (Runtime.exceptionThrown),
browser log entry (Log.entryAdded: CSP violations, blocked loads) and
network request (Network.requestWillBeSent) other than the page's own
file:// URL; evaluates the checks given by the test in the page; saves a
full-page PNG screenshot; and reports the load time from the page's
navigation timing. A page fails on a console error, an uncaught exception,
a log entry of level error, any request, or a check that does not give true.

Usage by hand (docs/testing.md):

    python3 tests/browser/driver.py PAGE.html --out build/browser/by-hand \
        --check rows "document.querySelectorAll('#ranking tr[data-id]').length > 0"

Exit status: 0 every page passed, 1 a page failed (each failure on stderr,
one line each), 2 usage, 77 no chromium (CTest's SKIP_RETURN_CODE).
"""

import argparse
import base64
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time

SKIP = 77

# Where chromium is looked for, in order (MERIT_CHROMIUM first). Debian's
# /usr/bin/chromium is a shell wrapper that adds flags from /etc/chromium.d;
# the binary behind it is started directly, so that the flags below are all
# the flags there are.
CANDIDATES = ["/usr/lib/chromium/chromium", "chromium", "chromium-browser",
              "google-chrome"]


class Failure(Exception):
    """The browser could not be driven (start, protocol error, timeout)."""


def find_chromium():
    env = os.environ.get("MERIT_CHROMIUM")
    if env:
        return env if shutil.which(env) else None
    for c in CANDIDATES:
        path = shutil.which(c)
        if path:
            return path
    return None


class Browser:
    """One headless chromium with a fresh profile, driven over a pipe.

    Flags, and why:
    --headless=new        the real browser without a window (the old
                          headless mode is a separate, different renderer)
    --no-sandbox          chromium refuses to start as root with its
                          sandbox, and containers (CI, this project's
                          machines) often run tests as root or without user
                          namespaces; the pages are local files merit wrote
    --disable-gpu         no GPU in CI; software rendering gives the same
                          pixels on every machine
    --disable-dev-shm-usage  /dev/shm is small in containers
    --host-resolver-rules no host name resolves, so a page that tries the
                          network is caught (the request is still recorded)
                          but never reaches anything
    --user-data-dir       a fresh profile in the build folder, removed and
                          made again at each start
    """

    def __init__(self, profile, timeout, width=1280, height=900):
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.next_id = 0
        self.buffer = b""
        self.events = []
        exe = find_chromium()
        if exe is None:
            raise FileNotFoundError("chromium")
        shutil.rmtree(profile, ignore_errors=True)
        os.makedirs(profile)
        self.profile = profile
        args = [
            exe, "--headless=new", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", "--remote-debugging-pipe",
            "--user-data-dir=" + profile, "--no-first-run",
            "--no-default-browser-check", "--disable-background-networking",
            "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--disable-default-apps",
            "--disable-features=Translate,MediaRouter,OptimizationHints",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--hide-scrollbars", "--mute-audio", "--force-color-profile=srgb",
            "--window-size=%d,%d" % (width, height), "about:blank",
        ]
        # Two pipes: the browser reads commands on fd 3 and writes answers
        # and events on fd 4. Both ends are first moved above 10 so that
        # dup2 onto 3 and 4 in the child cannot overwrite one another.
        cmd_r, cmd_w = os.pipe()
        res_r, res_w = os.pipe()
        hi_cmd_r = _dup_high(cmd_r)
        hi_res_w = _dup_high(res_w)
        os.close(cmd_r)
        os.close(res_w)

        def child():
            os.dup2(hi_cmd_r, 3)
            os.dup2(hi_res_w, 4)
            os.setsid()

        env = dict(os.environ)
        env["XDG_CONFIG_HOME"] = os.path.join(profile, "config")
        env["XDG_CACHE_HOME"] = os.path.join(profile, "cache")
        self.log = open(os.path.join(profile, "chromium-stderr.log"), "wb")
        self.proc = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
            close_fds=False, preexec_fn=child, env=env)
        os.close(hi_cmd_r)
        os.close(hi_res_w)
        self.wfd = cmd_w
        self.rfd = res_r
        os.set_blocking(self.rfd, False)

    # -- the protocol ------------------------------------------------------

    def _read_message(self, until):
        while b"\0" not in self.buffer:
            left = until - time.monotonic()
            if left <= 0:
                raise Failure("timed out after %g s waiting for chromium"
                              % self.timeout)
            ready, _, _ = select.select([self.rfd], [], [], min(left, 0.5))
            if not ready:
                if self.proc.poll() is not None:
                    raise Failure("chromium ended (exit %s); see %s"
                                  % (self.proc.returncode, self.log.name))
                continue
            chunk = os.read(self.rfd, 1 << 20)
            if not chunk:
                raise Failure("chromium closed the pipe (exit %s); see %s"
                              % (self.proc.poll(), self.log.name))
            self.buffer += chunk
        msg, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(msg)

    def send(self, method, params=None, session=None, until=None):
        """Sends one command and returns its result; events that arrive in
        the meantime are kept in self.events."""
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            n = os.write(self.wfd, data)
            data = data[n:]
        until = min(until or self.deadline, self.deadline)
        while True:
            m = self._read_message(until)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise Failure("%s: %s" % (method, m["error"].get("message")))
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def wait_event(self, method, session, until):
        """Waits for an event (already arrived or to come)."""
        for i, e in enumerate(self.events):
            if e["method"] == method and e.get("sessionId") == session:
                return e
        while True:
            m = self._read_message(until)
            if "method" in m:
                self.events.append(m)
                if m["method"] == method and m.get("sessionId") == session:
                    return m

    def pump(self, seconds):
        """Collects events for a short while (late console messages)."""
        until = min(time.monotonic() + seconds, self.deadline)
        try:
            while True:
                m = self._read_message(until)
                if "method" in m:
                    self.events.append(m)
        except Failure:
            if time.monotonic() >= self.deadline:
                raise

    def close(self):
        try:
            if self.proc.poll() is None:
                try:
                    self.send("Browser.close",
                              until=time.monotonic() + 5)
                except Failure:
                    pass
                try:
                    self.proc.wait(5)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait()
        finally:
            for fd in (self.wfd, self.rfd):
                try:
                    os.close(fd)
                except OSError:
                    pass
            self.log.close()

    # -- one page ----------------------------------------------------------

    def check_page(self, path, checks, screenshot, max_height=16384):
        """Loads path (a local file), runs the checks and saves a
        screenshot. Returns a dict: failures (list of strings), messages
        (every console and log line), requests, timing."""
        url = "file://" + os.path.abspath(path)
        failures = []
        messages = []
        requests = []
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget",
                            {"targetId": target, "flatten": True})["sessionId"]
        first_event = len(self.events)
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(domain + ".enable", session=session)
        nav = self.send("Page.navigate", {"url": url}, session=session)
        if nav.get("errorText"):
            failures.append("%s: cannot load: %s" % (path, nav["errorText"]))
        else:
            self.wait_event("Page.loadEventFired", session, self.deadline)
            # Two animation frames and a moment more, for what the page or
            # the browser reports after the load event.
            self.send("Runtime.evaluate", {
                "expression": "new Promise(r => requestAnimationFrame(() =>"
                              " requestAnimationFrame(() => setTimeout(r, 50))))",
                "awaitPromise": True}, session=session)
            self.pump(0.2)

        for e in self.events[first_event:]:
            if e.get("sessionId") != session:
                continue
            p = e.get("params", {})
            m = e["method"]
            if m == "Runtime.consoleAPICalled":
                text = " ".join(_remote_text(a) for a in p.get("args", []))
                line = "console.%s: %s" % (p.get("type"), text)
                messages.append(line)
                if p.get("type") in ("error", "assert"):
                    failures.append("%s: %s" % (path, line))
            elif m == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                text = d.get("exception", {}).get("description") or d.get("text")
                line = "uncaught exception: %s" % text
                messages.append(line)
                failures.append("%s: %s" % (path, line))
            elif m == "Log.entryAdded":
                en = p.get("entry", {})
                line = "log %s (%s): %s%s" % (
                    en.get("level"), en.get("source"), en.get("text"),
                    " [%s]" % en["url"] if en.get("url") else "")
                messages.append(line)
                if en.get("level") == "error":
                    failures.append("%s: %s" % (path, line))
            elif m == "Network.requestWillBeSent":
                req_url = p.get("request", {}).get("url", "")
                if req_url != url:
                    requests.append(req_url)
                    failures.append("%s: network request to %s" % (path, _short(req_url)))

        for name, expr in checks:
            r = self.send("Runtime.evaluate", {
                "expression": expr, "returnByValue": True,
                "awaitPromise": True}, session=session)
            if "exceptionDetails" in r:
                d = r["exceptionDetails"]
                text = d.get("exception", {}).get("description") or d.get("text")
                failures.append("%s: check %s threw: %s" % (path, name, text))
                continue
            value = r.get("result", {}).get("value")
            if value is not True:
                failures.append("%s: check %s failed: %s"
                                % (path, name, _short(json.dumps(value), 400)))

        timing = {}
        if not nav.get("errorText"):
            timing = self.send("Runtime.evaluate", {
                "expression": TIMING_JS, "returnByValue": True},
                session=session).get("result", {}).get("value") or {}
            if screenshot:
                self._screenshot(session, screenshot, max_height, timing)
        self.send("Target.closeTarget", {"targetId": target})
        return {"failures": failures, "messages": messages,
                "requests": requests, "timing": timing}

    def _screenshot(self, session, out, max_height, timing):
        metrics = self.send("Page.getLayoutMetrics", session=session)
        size = metrics.get("cssContentSize") or metrics.get("contentSize")
        width = max(1, int(size["width"] + 0.999))
        height = max(1, int(size["height"] + 0.999))
        timing["page_height"] = height
        if height > max_height:
            timing["screenshot_cut_at"] = max_height
            height = max_height
        shot = self.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height,
                     "scale": 1}}, session=session)
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        with open(out, "wb") as f:
            f.write(base64.b64decode(shot["data"]))


# The navigation timing of the page, in milliseconds from the start of the
# navigation, and what the page holds.
TIMING_JS = """(() => {
  const n = performance.getEntriesByType('navigation')[0] || {};
  const p = {};
  for (const e of performance.getEntriesByType('paint')) p[e.name] = e.startTime;
  return {
    dom_interactive_ms: n.domInteractive,
    dom_content_loaded_ms: n.domContentLoadedEventEnd,
    load_ms: n.loadEventEnd,
    first_contentful_paint_ms: p['first-contentful-paint'],
    bytes: n.decodedBodySize,
    elements: document.getElementsByTagName('*').length
  };
})()"""


def _dup_high(fd):
    import fcntl
    return fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)


def _remote_text(obj):
    if "value" in obj:
        return str(obj["value"])
    return obj.get("description") or obj.get("type", "?")


def _short(s, n=200):
    s = s.replace("\n", "\\n")
    return s if len(s) <= n else s[:n] + "..."


def run_pages(pages, out_dir, timeout=60, max_height=16384, verbose=True):
    """Checks pages: a list of (html_path, checks, screenshot_name). One
    browser for all, fresh profile out_dir/profile. Returns (failures,
    results); raises FileNotFoundError when there is no chromium and
    Failure when the browser cannot be driven."""
    browser = Browser(os.path.join(out_dir, "profile"), timeout)
    failures = []
    results = []
    try:
        for path, checks, shot in pages:
            shot_path = os.path.join(out_dir, shot) if shot else None
            r = browser.check_page(path, checks, shot_path, max_height)
            r["path"] = path
            r["screenshot"] = shot_path
            results.append(r)
            failures += r["failures"]
            if verbose:
                report(r)
    finally:
        browser.close()
    return failures, results


def report(r):
    t = r["timing"]
    print("page %s" % r["path"])
    for m in r["messages"]:
        print("  " + m)
    for u in r["requests"]:
        print("  request: " + u)
    if t:
        print("  load %.1f ms (DOMContentLoaded %.1f ms, first paint %s ms), "
              "%s bytes, %s elements, page height %s px%s" % (
                  t.get("load_ms") or 0, t.get("dom_content_loaded_ms") or 0,
                  "%.1f" % t["first_contentful_paint_ms"]
                  if t.get("first_contentful_paint_ms") else "-",
                  t.get("bytes"), t.get("elements"), t.get("page_height"),
                  " (screenshot cut at %s)" % t["screenshot_cut_at"]
                  if t.get("screenshot_cut_at") else ""))
    if r["screenshot"]:
        print("  screenshot %s" % r["screenshot"])
    print("  %s" % ("FAILED" if r["failures"] else "ok"))
    sys.stdout.flush()


def skip(why):
    print("SKIPPED: " + why)
    sys.stdout.flush()
    sys.exit(SKIP)


def main():
    ap = argparse.ArgumentParser(
        description="Load local HTML files in headless chromium: no console "
        "error, no network request, the checks true; a screenshot of each.")
    ap.add_argument("pages", nargs="+", help="HTML files")
    ap.add_argument("--out", required=True,
                    help="folder for the profile and the screenshots "
                    "(in the build folder)")
    ap.add_argument("--check", nargs=2, action="append", default=[],
                    metavar=("NAME", "JS"),
                    help="a JavaScript expression that must give true in "
                    "every page")
    ap.add_argument("--checks", help="a JSON file: [[name, expression], ...]")
    ap.add_argument("--timeout", type=float, default=60,
                    help="seconds for the whole run (default 60)")
    ap.add_argument("--max-height", type=int, default=16384,
                    help="screenshots are cut at this many CSS pixels")
    ap.add_argument("--metrics", help="write the timings as JSON here")
    ap.add_argument("--expect-failures", metavar="KINDS",
                    help="a negative test: pass only when the pages fail, "
                    "with at least one failure of each kind named "
                    "(comma-separated: console, exception, log, request, check)")
    a = ap.parse_args()

    checks = [tuple(c) for c in a.check]
    if a.checks:
        with open(a.checks) as f:
            checks += [tuple(c) for c in json.load(f)]
    for p in a.pages:
        if not os.path.isfile(p):
            print("driver: error: no such file '%s'" % p, file=sys.stderr)
            return 2
    pages = [(p, checks, os.path.splitext(os.path.basename(p))[0] + ".png")
             for p in a.pages]
    try:
        failures, results = run_pages(pages, a.out, a.timeout, a.max_height)
    except FileNotFoundError:
        skip("chromium not found (scripts/install-deps.sh installs Debian's "
             "chromium; MERIT_CHROMIUM names another)")
    except Failure as e:
        print("driver: error: %s" % e, file=sys.stderr)
        return 1
    if a.metrics:
        with open(a.metrics, "w") as f:
            json.dump([{"path": r["path"], **r["timing"]} for r in results],
                      f, indent=2)
    if a.expect_failures:
        return expect(failures, a.expect_failures.split(","))
    for f in failures:
        print("driver: error: " + f, file=sys.stderr)
    return 1 if failures else 0


KINDS = {
    "console": ": console.",
    "exception": ": uncaught exception",
    "log": ": log error",
    "request": ": network request",
    "check": ": check ",
}


def expect(failures, kinds):
    """The negative test: every kind named must have been caught."""
    status = 0
    for k in kinds:
        if k not in KINDS:
            print("driver: error: unknown failure kind '%s'" % k, file=sys.stderr)
            return 2
        caught = [f for f in failures if KINDS[k] in f]
        if caught:
            print("caught as expected (%s): %s" % (k, caught[0]))
        else:
            print("driver: error: expected a failure of kind '%s', none caught"
                  % k, file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
