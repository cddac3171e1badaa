#!/usr/bin/python3
"""jalon-bench's companion for the web forms: the round trip of a form's
command in a real browser, against the same requests made without one.

It starts jalond with the demo city (as the browser test does), opens an
action's page in headless Chromium as its direction, and reports progress
through the page's form `--rounds` times. Each round is timed inside the
page, from the click on "Enregistrer" to the page drawn again with the new
figure (its role="status" message). The raw baseline, in the same run, is
the requests that round trip makes (POST /v1/commands, then the plan, its
dashboard and its reminders, which the page reads to draw itself) sent one
after the other from Python, with no browser.

Output: one line in jalon-bench's format, e.g.
case=form_roundtrip rounds=50 p50_ms=38 p95_ms=61 raw_p50_ms=9 raw_p95_ms=14 ratio=4.2

Usage: form_roundtrip.py --jalond PATH --jalon PATH [--rounds N]
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "web"))
import e2e  # noqa: E402  (the browser test's daemon and browser drivers)


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def raw_round(url, token, code, action, percent):
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    body = json.dumps({"type": "ReportProgress", "data": {"direction": code, "action": action,
                                                           "date": "2018-10-16", "percent": percent}})
    start = time.perf_counter()
    req = urllib.request.Request(url + "/v1/commands", data=body.encode(), headers=headers, method="POST")
    urllib.request.urlopen(req, timeout=30).read()
    for path in (f"/v1/plans/{code}", f"/v1/plans/{code}/dashboard", f"/v1/reminders?direction={code}"):
        urllib.request.urlopen(urllib.request.Request(url + path, headers=headers), timeout=30).read()
    return (time.perf_counter() - start) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jalond", required=True)
    parser.add_argument("--jalon", required=True)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--demo", default=os.path.join(HERE, "..", "..", "config", "demo"))
    args = parser.parse_args()
    args.jalond, args.jalon, args.demo = (os.path.abspath(p) for p in (args.jalond, args.jalon, args.demo))
    work = tempfile.mkdtemp(prefix="jalon-form-bench-")
    daemon, url, smtpd = e2e.start_daemon(args, work)
    browser = None
    code, action = "DEJ", "A1.2"
    try:
        browser = b = e2e.Browser(work)
        e2e.login(b, url, "t-dej")
        b.go(url + f"/#/direction/{code}/action/{action}", "action")
        page, raw = [], []
        for i in range(args.rounds):
            percent = 50 + i % 2
            # Timed in the page: the click, then every frame until the page
            # drawn again shows its status message.
            ms = b.js("""new Promise((resolve) => {
                const f = document.querySelector('form[data-command=ReportProgress]');
                f.querySelector('[name=percent]').value = '%d';
                const start = performance.now();
                f.querySelector('button[type=submit]').click();
                const poll = () => document.querySelector('#contenu > .succes[role=status]')
                    ? resolve(performance.now() - start) : requestAnimationFrame(poll);
                requestAnimationFrame(poll);
            })""" % percent)
            page.append(ms)
            b.wait("!!document.querySelector('form[data-command=ReportProgress]')", "the form drawn again")
            raw.append(raw_round(url, "t-dej", code, action, percent))
        p50, p95 = percentile(page, 50), percentile(page, 95)
        r50, r95 = percentile(raw, 50), percentile(raw, 95)
        print(f"case=form_roundtrip rounds={args.rounds} p50_ms={p50:.1f} p95_ms={p95:.1f} "
              f"raw_p50_ms={r50:.1f} raw_p95_ms={r95:.1f} ratio={p95 / r95:.2f}", flush=True)
    finally:
        if browser:
            browser.close()
        daemon.terminate()
        daemon.wait(timeout=20)
        smtpd.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
