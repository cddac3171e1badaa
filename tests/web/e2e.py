#!/usr/bin/python3
"""End-to-end test of the web UI: a real jalond on 127.0.0.1 with the demo
city, driven by Debian's headless Chromium over the DevTools protocol.

It logs in, opens every page, checks that the numbers shown equal the API's,
moves the time slider to a past date and checks a known past value there,
acknowledges a reminder as the direction, follows the link of a reminder
email received by a real SMTP server (Debian's aiosmtpd), checks that a
direction cannot open another's page, and saves one screenshot per page.
Page load times are printed (measured, not asserted).

The clock is the one simulated part: the demo city is run through its cycle
to 15 October 2018 (`jalon demo simulate`), and jalond starts on
16 October 2018 so that its reminders are live.

Usage: e2e.py --jalond PATH --jalon PATH --out DIR
Exit status 0 when every check passed; the failures are listed otherwise.
"""
import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import urllib.error
import mailbox
from email import policy
from email.parser import BytesParser

import a11y
import cycle_e2e
import forms_e2e
import writing_e2e
from e2e_people import (PASSWORD, add_people, check_administration, check_sign_in_and_out,
                        fill_sign_in, login, refused, sign_out_browser)

CHROMIUM = "/usr/bin/chromium"
TOKENS = {
    "t-admin": "admin",
    "t-steering": "steering",
    "t-auditor": "auditor",
    "t-dej": "direction:DEJ",
    "t-dcs": "direction:DCS",
    "t-dev": "direction:DEV",
    "t-drh": "direction:DRH",
    "t-dsi": "direction:DSI",
}
FAILURES = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what, flush=True)
    if not ok:
        FAILURES.append(what)
    return ok


def ensure_packages():
    """Chromium and the websocket module come from Debian; install them if
    this machine lacks them (tools/install-deps does it too)."""
    missing = []
    if not os.path.exists(CHROMIUM):
        missing.append("chromium")
    try:
        import websocket  # noqa: F401
    except ImportError:
        missing.append("python3-websocket")
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:
        missing.append("python3-aiosmtpd")
    if not missing:
        return
    print("installing " + " ".join(missing), flush=True)
    prefix = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(prefix + ["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(prefix + ["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + missing,
                   check=True, env=env)


def french_number(text):
    """'54,17 %' -> 54.17; '1 234,5' -> 1234.5; '—' -> None."""
    t = text.replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace("%", "")
    t = t.split("(")[0]
    t = re.sub(r"[^\d,.\-−]", "", t).replace("−", "-").replace(",", ".")
    if t in ("", "-"):
        return None
    return float(t)


def same(shown, value):
    if value is None:
        return shown is None
    return shown is not None and abs(shown - float(value)) < 0.005


class Api:
    def __init__(self, url, token):
        self.url, self.token = url, token

    def get(self, path):
        req = urllib.request.Request(self.url + path, headers={"Authorization": "Bearer " + self.token})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    def post(self, path, body):
        req = urllib.request.Request(self.url + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": "Bearer " + self.token,
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())


class Browser:
    """A headless Chromium page over the DevTools protocol."""

    def __init__(self, workdir):
        import websocket
        self.profile = os.path.join(workdir, "chromium")
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--no-first-run", "--disable-dev-shm-usage", "--lang=fr-FR", "--remote-debugging-port=0",
             "--user-data-dir=" + self.profile, "--window-size=1280,900", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.time() + 60
        while not os.path.exists(port_file) or not open(port_file).read().strip():
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError("chromium did not start")
            time.sleep(0.1)
        port = int(open(port_file).read().split()[0])
        pages = []
        while not pages and time.time() < deadline:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
                pages = [p for p in json.loads(r.read()) if p["type"] == "page"]
            time.sleep(0.1)
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=60,
                                              suppress_origin=True)
        self.next_id = 0
        self.errors = []
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send("Log.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})

    def _event(self, msg):
        method = msg.get("method")
        if method == "Runtime.exceptionThrown":
            self.errors.append(msg["params"]["exceptionDetails"].get("text", "") + " " +
                               json.dumps(msg["params"]["exceptionDetails"].get("exception", {}))[:300])
        elif method == "Log.entryAdded" and msg["params"]["entry"]["level"] == "error":
            entry = msg["params"]["entry"]
            # An API refusal the page handles (the 403 test) is logged by
            # Chromium as a failed resource load: not a page error.
            if entry.get("source") != "network":
                self.errors.append(entry.get("text", ""))
        elif method == "Runtime.consoleAPICalled" and msg["params"]["type"] == "error":
            self.errors.append(str(msg["params"]["args"])[:300])

    def send(self, method, params=None):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params or {}}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self._event(msg)

    def js(self, expression):
        r = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                           "awaitPromise": True})
        if "exceptionDetails" in r:
            raise RuntimeError(f"script failed: {expression[:80]}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def run(self, statements):
        """Runs statements in their own scope (their consts do not leak)."""
        return self.js("(() => { " + statements + " })()")

    def wait(self, expression, what, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.js(expression):
                return True
            time.sleep(0.05)
        raise RuntimeError("timed out waiting for " + what)

    def go(self, url, page):
        """Navigates and waits until the page `page` has rendered; returns the
        load time in ms (navigation start to rendered)."""
        before = self.js("document.body && document.body.dataset.ready || ''")
        start = time.time()
        if url.startswith("#"):
            self.js(f"location.hash = {json.dumps(url)}")
        else:
            self.send("Page.navigate", {"url": url})
        self.wait(f"document.body && document.body.dataset.ready && document.body.dataset.ready !== "
                  f"{json.dumps(before)} && document.getElementById('contenu').dataset.page === "
                  f"{json.dumps(page)} && !document.getElementById('contenu').hasAttribute('aria-busy')",
                  "page " + page)
        return (time.time() - start) * 1000

    def land(self, url):
        """Loads `url` afresh, as a link opened from an email, and returns the page
        it rendered ('login' for the sign-in form)."""
        self.send("Page.navigate", {"url": "about:blank"})
        self.wait("location.href === 'about:blank'", "a blank page")
        self.send("Page.navigate", {"url": url})
        self.wait("document.readyState === 'complete' && (!!document.getElementById('connexion-login') || "
                  "(!!document.body.dataset.ready && !document.getElementById('contenu').hasAttribute('aria-busy')))",
                  "the page at " + url)
        if self.js("!!document.getElementById('connexion-login')"):
            return "login"
        return self.js("document.getElementById('contenu').dataset.page")

    def screenshot(self, path):
        metrics = self.send("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        shot = self.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": 1280, "height": min(int(size["height"]), 3200), "scale": 1}})
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def write_city(path, data, mail, tokens, listen=True, port=0, smtp_port=None):
    """A city's settings: a whole jalon.toml, or (listen=False) one city's file of [[tenants]].
    With smtp_port, reminders go by SMTP to 127.0.0.1:smtp_port and link to jalond on `port`."""
    with open(path, "w") as f:
        if listen:
            f.write('[server]\nlisten = "127.0.0.1:%d"\n' % port)
        f.write('[storage]\ndata_dir = "%s"\n' % data)
        f.write('[scheduler]\nenabled = true\nperiod_ms = 200\n')
        if smtp_port is None:
            f.write('[delivery]\nchannel = "maildir"\nmaildir = "%s"\n' % mail)
        else:
            f.write('[delivery]\nchannel = "smtp"\ndashboard_url = "http://127.0.0.1:%d/"\n'
                    '[delivery.smtp]\nurl = "smtp://127.0.0.1:%d"\n' % (port, smtp_port))
        for token, role in tokens.items():
            f.write('[[tokens]]\nname = "%s"\nrole = "%s"\nsha256 = "%s"\n'
                    % (token, role, hashlib.sha256(token.encode()).hexdigest()))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_smtpd(work):
    """Debian's aiosmtpd on 127.0.0.1, writing what it receives to the maildir work/smtp."""
    port = free_port()
    proc = subprocess.Popen(["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                             "-c", "aiosmtpd.handlers.Mailbox", os.path.join(work, "smtp")],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "smtpd.log"), "w"))
    deadline = time.time() + 30
    while time.time() < deadline and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("aiosmtpd did not start (see smtpd.log)")


def received_emails(maildir):
    """The emails the SMTP server received, parsed with Python's email package:
    [{direction, to, name_line, links}], links being every http(s) address in the body."""
    out = []
    box = mailbox.Maildir(maildir, factory=None, create=False)
    for key in sorted(box.keys()):
        with box.get_file(key) as f:
            m = BytesParser(policy=policy.default).parse(f)
        body = m.get_body(preferencelist=("plain",)).get_content()
        out.append({"direction": str(m["X-Jalon-Direction"] or ""), "to": str(m["X-RcptTo"] or ""),
                    "body": body, "links": re.findall(r"https?://\S+", body)})
    return out


def start_daemon(args, work):
    """jalond on a known port (the emails link to it) with the demo city run through its
    cycle, its reminders sent by SMTP to an aiosmtpd that keeps running beside it."""
    data = os.path.join(work, "data")
    config = os.path.join(work, "jalon.toml")
    smtpd, smtp_port = start_smtpd(work)
    write_city(config, data, os.path.join(work, "mail"), TOKENS, port=free_port(), smtp_port=smtp_port)
    sim = subprocess.run([args.jalon, "demo", "simulate", "--to", "2018-10-15", "--data", data,
                          "--plans", args.demo, "--config", config], cwd=work, capture_output=True, text=True)
    if sim.returncode != 0:
        smtpd.kill()
        raise RuntimeError("demo simulate failed: " + sim.stdout + sim.stderr)
    return run_jalond(args, work, config) + (smtpd,)


def start_tenants(args, work):
    """The same demo city as 'ville-a' beside an empty 'ville-b', in one jalond."""
    write_city(os.path.join(work, "ville-a.toml"), os.path.join(work, "data"),
               os.path.join(work, "mail"), TOKENS, listen=False)
    write_city(os.path.join(work, "ville-b.toml"), os.path.join(work, "data-b"),
               os.path.join(work, "mail-b"), {"b-admin": "admin"}, listen=False)
    config = os.path.join(work, "villes.toml")
    with open(config, "w") as f:
        f.write('[server]\nlisten = "127.0.0.1:0"\n')
        f.write('[[tenants]]\nid = "ville-a"\nconfig = "ville-a.toml"\n')
        f.write('[[tenants]]\nid = "ville-b"\nconfig = "ville-b.toml"\n')
    return run_jalond(args, work, config)


def stop_daemon(daemon):
    daemon.send_signal(signal.SIGTERM)
    try:
        code = daemon.wait(timeout=20)
        check(code == 0, f"jalond exits 0 on SIGTERM ({code})")
    except subprocess.TimeoutExpired:
        daemon.kill()
        check(False, "jalond exits on SIGTERM")


def run_jalond(args, work, config):
    log = open(os.path.join(work, "jalond.log"), "w+")
    proc = subprocess.Popen([args.jalond, "--config", config, "--clock-start", "2018-10-16T07:00:00Z"],
                            stdout=log, stderr=subprocess.STDOUT, cwd=work)
    deadline = time.time() + 60
    while time.time() < deadline:
        log.seek(0)
        m = re.search(r"serving http://127\.0\.0\.1:(\d+)", log.read())
        if m:
            return proc, "http://127.0.0.1:" + m.group(1)
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    log.seek(0)
    raise RuntimeError("jalond did not start:\n" + log.read())


SHEET_FILES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "jobs", "sheet_files.py")


def upload_sheet(b, path):
    """Gives `path` to the file input "Déposer la fiche remplie", as a person picking it."""
    b.run("document.getElementById('fiche-fichier').value = ''")
    root = b.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = b.send("DOM.querySelector", {"nodeId": root, "selector": "#fiche-fichier"})["nodeId"]
    b.send("DOM.setFileInputFiles", {"nodeId": node, "files": [path]})


def sheet_round_trip(b, admin, work, out, auditor):
    check(b.js("[...document.querySelectorAll('button')].some(x => x.textContent === "
               "'Télécharger la fiche de saisie')"), "the Direction page offers the update sheet")
    check(b.js("document.querySelector('label[for=fiche-fichier]').textContent.startsWith("
               "'Déposer la fiche remplie')"), "the file input has its label")
    downloads = os.path.join(work, "telechargements")
    os.makedirs(downloads, exist_ok=True)
    b.send("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    b.run("[...document.querySelectorAll('button')].find(x => x.textContent === "
          "'Télécharger la fiche de saisie').click()")
    deadline, got = time.time() + 20, []
    while time.time() < deadline and not got:
        got = [f for f in os.listdir(downloads) if f.endswith(".xlsx")]
        time.sleep(0.2)
    check(len(got) == 1, f"the button downloads the workbook ({got})")
    blank, filled = os.path.join(downloads, got[0]), os.path.join(work, "fiche-remplie.xlsx")
    fills = {"actions": {"A2.1": {"nouvel avancement": 65, "date": "date:2018-10-10",
                                  "note": "Saisie par tableur"}},
             "indicateurs": {"I3": {"nouvelle valeur": "12,5", "date": "10/10/2018"}}}
    r = subprocess.run(["/usr/bin/python3", SHEET_FILES, "fill", blank, filled, json.dumps(fills)],
                       capture_output=True, text=True)
    check(r.returncode == 0, "openpyxl fills the downloaded workbook: " + r.stderr[-300:])
    head = admin.get("/v1/events?from=1&limit=1")["head_position"]
    upload_sheet(b, filled)
    b.wait("!!document.querySelector('.fiche-apercu table')", "the preview of the sheet")
    rows = b.js("[...document.querySelectorAll('.fiche-apercu tbody tr')].map(tr => tr.dataset.row)")
    check(rows == ["actions-3", "indicateurs-4"], f"the preview shows the two filled rows ({rows})")
    check(not b.js("!!document.querySelector('.fiche-apercu [role=alert]')"), "the preview has no error")
    check(admin.get("/v1/events?from=1&limit=1")["head_position"] == head, "a preview appends nothing")
    b.screenshot(os.path.join(out, "fiche-apercu.png"))
    auditor.audit(b, "the update sheet's preview")
    b.run("const x = [...document.querySelectorAll('.fiche-apercu button')].find(y => y.textContent === "
          "'Enregistrer'); x.click(); x.click();")
    b.wait("(document.querySelector('.fiche-apercu [role=status]') || {}).textContent === "
           "'2 lignes enregistrées.'", "the sheet's rows recorded")
    events = admin.get(f"/v1/events?from={head + 1}&limit=100")["events"]
    recorded = [e for e in events if e["type"] in ("ProgressReported", "MeasurementRecorded")]
    check(len(recorded) == 2 and len({e["command_id"] for e in recorded}) == 1,
          f"Enregistrer, clicked twice, appends the two rows once ({[e['type'] for e in events]})")
    head = admin.get("/v1/events?from=1&limit=1")["head_position"]
    upload_sheet(b, filled)
    b.wait("document.querySelector('.fiche-apercu').textContent.includes('déjà enregistrée')",
           "the preview of the same file again")
    check(not b.js("[...document.querySelectorAll('.fiche-apercu button')].some(y => y.textContent === "
                   "'Enregistrer')"), "the same file again offers nothing to record")
    check(admin.get("/v1/events?from=1&limit=1")["head_position"] == head, "uploading it again appends nothing")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jalond", required=True)
    parser.add_argument("--jalon", required=True)
    parser.add_argument("--out", required=True, help="directory for the screenshots")
    parser.add_argument("--demo", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                       "..", "..", "config", "demo"),
                        help="the demo city's plans (default: config/demo)")
    parser.add_argument("--axe", help="axe-core's axe.min.js, for the accessibility checks")
    args = parser.parse_args()
    args.jalond, args.jalon, args.demo = (os.path.abspath(p) for p in (args.jalond, args.jalon, args.demo))
    ensure_packages()
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="jalon-web-")
    daemon, url, smtpd = start_daemon(args, work)
    browser = None
    timings = {}
    try:
        admin = Api(url, "t-admin")
        add_people(admin, TOKENS)
        browser = b = Browser(work)
        auditor = a11y.Auditor(args.axe, check)
        auditor.available()

        # --- Login: a wrong token is refused in French, a good one enters.
        b.send("Page.navigate", {"url": url + "/"})
        b.wait("!!document.getElementById('connexion-login')", "the sign-in form")
        check(b.js("document.documentElement.lang") == "fr", "the page is in French (lang=fr)")
        b.screenshot(os.path.join(args.out, "connexion.png"))
        auditor.audit(b, "sign-in page")
        check(refused(b, "t-admin", "pas-le-mot-de-passe"), "a wrong password is refused with a French message")
        check(refused(b, "personne-inconnue"), "an unknown login gets the same French message")
        check_sign_in_and_out(b, url, check)
        check_administration(b, url, args.out, check)
        auditor.audit(b, "Administration")
        login(b, url, "t-admin")
        check(b.js("document.getElementById('contenu').dataset.page") == "accueil", "login lands on Accueil")

        # --- Accueil: every direction, figures equal the API's.
        # (login left the browser on Accueil)
        auditor.audit(b, "Accueil")
        directions = admin.get("/v1/directions")
        rows = b.js("""[...document.querySelectorAll('#directions tbody tr')].map(tr => ({
            code: tr.dataset.direction,
            execution: tr.querySelector('[data-figure=execution] .texte').textContent,
            performance: tr.querySelector('[data-figure=performance] .texte').textContent,
            late: tr.querySelector('[data-figure=late]').textContent,
            at_risk: tr.querySelector('[data-figure=at_risk]').textContent}))""")
        check(len(rows) == len(directions) == 5, f"Accueil lists the 5 directions ({len(rows)})")
        by_code = {d["code"]: d for d in directions}
        for r in rows:
            d = by_code.get(r["code"], {})
            check(same(french_number(r["execution"]), d.get("execution")) and
                  same(french_number(r["performance"]), d.get("performance")) and
                  same(french_number(r["late"]), d.get("late_actions")) and
                  same(french_number(r["at_risk"]), d.get("at_risk_actions")),
                  f"Accueil {r['code']}: {r} equals the API's")
        # Sorting and filtering.
        b.js("[...document.querySelectorAll('#directions th button')].find(x => "
             "x.textContent === 'Réalisation').click()")
        shown = b.js("[...document.querySelectorAll('#directions tbody tr')].map(tr => tr.dataset.direction)")
        expected = [d["code"] for d in sorted(directions, key=lambda d: -(d["execution"] or -1))]
        check(shown == expected, f"sorting by Réalisation: {shown} == {expected}")
        b.run("const f = document.getElementById('filtre'); f.value = 'enfance'; "
             "f.dispatchEvent(new Event('input'))")
        shown = b.js("[...document.querySelectorAll('#directions tbody tr')].map(tr => tr.dataset.direction)")
        check(shown == ["DEJ"], f"filtering on 'enfance' keeps DEJ only ({shown})")
        b.run("const f = document.getElementById('filtre'); f.value = ''; f.dispatchEvent(new Event('input'))")
        b.screenshot(os.path.join(args.out, "accueil.png"))

        # --- Direction: gauges, actions, indicators equal the API's dashboard.
        timings["Direction"] = b.go(url + "/#/direction/DEJ", "direction")
        auditor.audit(b, "Direction")
        dash = admin.get("/v1/plans/DEJ/dashboard")
        shown = b.js("""({execution: document.querySelector('.valeur[data-figure=execution]').textContent,
            performance: document.querySelector('.valeur[data-figure=performance]').textContent})""")
        check(same(french_number(shown["execution"]), dash["execution"]) and
              same(french_number(shown["performance"]), dash["performance"]),
              f"Direction DEJ gauges {shown} equal the dashboard's")
        progress = b.js("""Object.fromEntries([...document.querySelectorAll('tr[data-action]')].map(tr =>
            [tr.dataset.action, tr.querySelector('[data-figure=progress] span').textContent]))""")
        api_actions = {a["id"]: a for axis in dash["axes"] for a in axis["actions"]}
        check(len(progress) == len(api_actions) and all(
            same(french_number(progress[k]), a["progress"]) for k, a in api_actions.items() if k in progress),
            f"every action's progress equals the API's ({len(progress)} actions)")
        cards = b.js("""Object.fromEntries([...document.querySelectorAll('[data-indicator]')].map(c =>
            [c.dataset.indicator, {attainment: c.querySelector('[data-figure=attainment]').textContent,
                                   svg: !!c.querySelector('svg.graphique circle.point, svg.graphique circle.reference')}]))""")
        check(len(cards) == len(dash["indicators"]) and all(
            same(french_number(cards[i["id"]]["attainment"]), i["attainment"]) and cards[i["id"]]["svg"]
            for i in dash["indicators"]), f"every indicator has its chart and the API's attainment ({len(cards)})")
        check(b.js("document.querySelectorAll('#matrice tbody tr').length") ==
              len(admin.get("/v1/plans/DEJ")["missions"]), "the mission matrix has a row per mission")
        check(b.js("document.querySelectorAll('#atouts-faiblesses section').length") == 4,
              "strengths and weaknesses in four quadrants")
        check(b.js("[...document.querySelectorAll('.statut')].every(s => s.textContent.trim().length > 0)"),
              "every status is given in words")
        b.screenshot(os.path.join(args.out, "direction.png"))

        # --- The update sheet: download it with the button, fill it with
        # openpyxl, upload it, check the preview, Enregistrer (double click),
        # then upload it again to no effect.
        sheet_round_trip(b, admin, work, args.out, auditor)

        # --- Historique: the slider shows a known past value.
        timings["Historique"] = b.go(url + "/#/historique/DEJ", "historique")
        auditor.audit(b, "Historique")
        b.wait("!!document.getElementById('vue-passee')", "the plan at the slider's date")
        lo, hi = b.js("[+document.getElementById('curseur-date').min, +document.getElementById('curseur-date').max]")
        now_latest = {i["id"]: i["latest"] for i in dash["indicators"]}
        target_day, past = None, None
        for day in range(lo + (hi - lo) // 3, hi, 7):  # a date where I1 differed from today
            iso = time.strftime("%Y-%m-%d", time.gmtime(day * 86400))
            p = admin.get(f"/v1/plans/DEJ/dashboard?as_of={iso}T23:59:59Z&at={iso}")
            i1 = next(i for i in p["indicators"] if i["id"] == "I1")
            if i1["latest"] is not None and i1["latest"] != now_latest["I1"]:
                target_day, past = day, i1
                break
        check(target_day is not None, "a past date where indicator I1 differed from today exists")
        if target_day is not None:
            iso = time.strftime("%Y-%m-%d", time.gmtime(target_day * 86400))
            b.run(f"const s = document.getElementById('curseur-date'); s.value = {target_day}; "
                 "s.dispatchEvent(new Event('input')); s.dispatchEvent(new Event('change'))")
            b.wait(f"document.getElementById('vue-passee') && document.getElementById('vue-passee').dataset.asOf "
                   f"=== '{iso}T23:59:59Z'", "the slider's past view")
            shown = b.js("document.querySelector('#vue-passee tr[data-indicator=I1] [data-figure=latest]').textContent")
            check(same(french_number(shown), past["latest"]),
                  f"slider at {iso}: I1 shows {shown!r}, the API as of then says {past['latest']} "
                  f"(today {now_latest['I1']})")
        b.run("const s = document.getElementById('filtre-element'); s.value = 'indicator/I1'; "
             "s.dispatchEvent(new Event('change'))")
        entities = b.js("[...document.querySelectorAll('#journal tbody tr td:nth-child(5)')].map(t => t.textContent)")
        check(len(entities) > 0 and all(e == "Indicateur I1" for e in entities),
              f"the audit trail filters by entity ({len(entities)} rows of Indicateur I1)")
        b.js("document.querySelector('form.ligne-champs button[type=submit]').click()")
        b.wait("document.querySelectorAll('#diff .diff-colonnes section').length === 3", "the diff")
        b.screenshot(os.path.join(args.out, "historique.png"))

        # --- Évaluation: tables equal the API's evaluation.
        timings["Évaluation"] = b.go(url + "/#/evaluation/DEJ", "evaluation")
        auditor.audit(b, "Évaluation")
        evaluation = admin.get("/v1/plans/DEJ/evaluation")
        shown = b.js("""[...document.querySelectorAll('[data-table=plan] td')].filter(td =>
            td.dataset.key === 'execution' || td.dataset.key === 'performance').map(td => td.textContent)""")
        check(len(shown) == 2 and same(french_number(shown[0]), evaluation["execution"]) and
              same(french_number(shown[1]), evaluation["performance"]),
              f"Évaluation shows the dataset's execution and performance ({shown})")
        check(b.js("document.querySelectorAll('[data-table]').length") >= 8, "Évaluation shows every table")
        check(b.js("document.querySelectorAll('[data-table=indicateurs] tbody tr').length") ==
              len(evaluation["indicators"]), "one row per indicator in the indicators table")
        b.screenshot(os.path.join(args.out, "evaluation.png"))

        # --- The forms of the plan's life, from the pages reminders lead to.
        roles = {role: token for token, role in TOKENS.items()}
        forms_e2e.run(b, url, {role: Api(url, roles[role]) for role in ("admin", "direction:DEJ")},
                      lambda role: login(b, url, roles[role]), check, auditor, args.out)
        check(not b.errors, "no script error on the forms' pages: " + "; ".join(b.errors[:5]))
        writing_e2e.run(b, url, {role: Api(url, roles[role]) for role in ("admin", "steering", "direction:DEJ")},
                        lambda role: login(b, url, roles[role]), check, auditor, args.out)
        check(not b.errors, "no script error while writing a plan: " + "; ".join(b.errors[:5]))
        cycle_e2e.run(b, url, {role: Api(url, roles[role]) for role in ("admin", "steering")},
                      lambda role: login(b, url, roles[role]), check, auditor, args.out)
        check(not b.errors, "no script error while opening a next cycle: " + "; ".join(b.errors[:5]))

        # --- Calendrier et relances, as the direction: acknowledge one.
        reminders = admin.get("/v1/reminders")
        with_open = [p["direction"] for p in reminders["plans"]
                     if any(r["state"] == "open" for r in p["reminders"])]
        check(bool(with_open), f"the demo has open reminders on 16 October 2018 ({with_open})")
        code = "DEJ" if "DEJ" in with_open else (with_open or ["DEJ"])[0]
        login(b, url, "t-" + code.lower())
        check(b.js("document.getElementById('contenu').dataset.page") == "direction",
              f"the {code} user lands on its own plan")
        timings["Calendrier et relances"] = b.go(url + f"/#/calendrier/{code}", "calendrier")
        auditor.audit(b, "Calendrier et relances")
        schedule = admin.get(f"/v1/schedule?direction={code}")["plans"][0]["occurrences"]
        check(b.js("document.querySelectorAll('#calendrier tbody tr').length") == len(schedule),
              f"the cycle's {len(schedule)} occurrences are listed")
        rid = b.js("(document.querySelector('#relances button[data-reminder]') || {dataset: {}}).dataset.reminder")
        check(bool(rid), "an open reminder offers 'Prendre en compte'")
        if rid:
            b.screenshot(os.path.join(args.out, "calendrier.png"))
            b.js(f"document.querySelector('#relances button[data-reminder=\"{rid}\"]').click()")
            b.wait("!!document.querySelector('.succes, .alerte')", "the acknowledgement")
            check(bool(b.js("!!document.querySelector('.succes')")),
                  "the page confirms: " + b.js("document.querySelector('.succes, .alerte').textContent"))
            state = next(r["state"] for p in admin.get(f"/v1/reminders?direction={code}")["plans"]
                         for r in p["reminders"] if r["id"] == rid)
            check(state == "acknowledged", f"reminder {rid} is acknowledged in the API ({state})")
            check(b.js(f"document.querySelector('tr[data-reminder=\"{rid}\"]').dataset.state") == "acknowledged",
                  "the page shows it acknowledged")
        # A direction sees only its own plan on Accueil, and cannot open another's page.
        b.go(url + "/#/", "accueil")
        shown = b.js("[...document.querySelectorAll('#directions tbody tr')].map(tr => tr.dataset.direction)")
        check(shown == [code], f"the {code} user's Accueil lists {code} only ({shown})")
        other = "DRH" if code != "DRH" else "DEJ"
        b.go(url + f"/#/direction/{other}", "direction")
        check("Accès refusé" in b.js("(document.querySelector('.alerte') || {textContent: ''}).textContent"),
              f"the {code} user is refused {other}'s page, in French")

        # --- A reminder's email, as the SMTP server received it: each reminder's
        # link opens the page of what it is about (an action, an indicator, the
        # reviews), for its recipient; links sent by older versions still work.
        emails = received_emails(os.path.join(work, "smtp"))
        check(len(emails) > 0, f"the demo's reminders reached the SMTP server ({len(emails)} emails)")
        links = {link for e in emails for link in e["links"]}
        entity_page = re.compile(re.escape(url) + r"/#/direction/([A-Z][A-Z0-9_-]*)"
                                 r"(/(action|indicateur|axe)/[^/\s]+|/revue|/projet)?$")
        check(bool(links) and all(entity_page.match(link) for link in links),
              f"every email links to a page of a direction: {sorted(links)[:6]}")
        check(all(e["links"] and all(entity_page.match(l).group(1) == e["direction"] for l in e["links"])
                  for e in emails), "each email links only to pages of its own direction")
        check(any(re.search(r"/(action|indicateur)/", link) for link in links),
              "reminders about an action or an indicator link to its own page")
        email = next((e for e in reversed(emails) if e["direction"] == code), None)
        check(email is not None, f"{code} received a reminder email")
        if email:
            link = email["links"][0]
            kind = (entity_page.match(link).group(3) or entity_page.match(link).group(2) or "").strip("/")
            want = {"action": "action", "indicateur": "indicateur", "axe": "axe", "revue": "revue",
                    "projet": "projet"}.get(kind, "direction")
            page = b.land(link)
            check(page == want and b.js("location.href") == link,
                  f"{code}'s user opens the email's link {link}: page {page} (expected {want})")
            b.screenshot(os.path.join(args.out, "lien-relance.png"))
            # In a browser without a session: the sign-in form, then the page.
            sign_out_browser(b)
            check(b.land(link) == "login", "opened without a session, the link asks to sign in first")
            before = b.js("document.body.dataset.ready || ''")
            fill_sign_in(b, "t-" + code.lower(), PASSWORD)
            b.wait(f"document.body.dataset.ready && document.body.dataset.ready !== {json.dumps(before)} && "
                   "!document.getElementById('contenu').hasAttribute('aria-busy')", "the page after signing in")
            check(b.js("document.getElementById('contenu').dataset.page") == want and b.js("location.href") == link,
                  f"after signing in, the link's page is shown ({b.js('location.href')})")
            # The address that older versions sent.
            page = b.land(f"{url}/#/plans/{code}")
            check(page == "direction" and b.js("location.hash") == f"#/direction/{code}",
                  f"an older email's #/plans/{code} leads to #/direction/{code} ({page}, {b.js('location.hash')})")
        # An address the web UI does not know says so.
        page = b.land(f"{url}/#/direction/{code}/inconnue")
        check(page == "inconnue" and b.js("document.querySelector('#contenu h1').textContent") == "Page introuvable",
              f"an unknown address shows 'Page introuvable' ({page})")
        # Every address the emails carry opens its page without an error (as the admin).
        login(b, url, "t-admin")
        for link in sorted(links):
            page = b.land(link)
            alert = b.js("(document.querySelector('#contenu .alerte') || {textContent: ''}).textContent")
            check(page not in ("inconnue", None) and not alert, f"{link} opens its page ({page}) {alert}")

        # --- Direction and Évaluation print to A4 (PDF from the print stylesheet).
        for route, page in (("#/direction/DEJ", "direction"), ("#/evaluation/DEJ", "evaluation")):
            b.go(url + "/" + route, page)
            pdf = base64.b64decode(b.send("Page.printToPDF", {"preferCSSPageSize": True,
                                                               "printBackground": True})["data"])
            with open(os.path.join(args.out, page + ".pdf"), "wb") as f:
                f.write(pdf)
            boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
            a4 = bool(boxes) and all(abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in boxes)
            check(a4, f"{page} prints on A4 pages ({len(boxes)} page(s))")

        # --- Every page again, timed, against the demo city.
        login(b, url, "t-admin")
        # A full load each time: a blank page, then the page's address.
        for name, (route, page) in {"Accueil": ("#/", "accueil"), "Direction": ("#/direction/DEJ", "direction"),
                                    "Historique": ("#/historique/DEJ", "historique"),
                                    "Calendrier et relances": ("#/calendrier/DEJ", "calendrier"),
                                    "Évaluation": ("#/evaluation/DEJ", "evaluation")}.items():
            b.send("Page.navigate", {"url": "about:blank"})
            b.wait("location.href === 'about:blank'", "a blank page")
            b.go(url + "/" + route, page)
            timings[name] = float(b.js("document.getElementById('contenu').dataset.sinceNavigationMs"))
        check(not b.errors, "no script error or CSP violation in the console: " + "; ".join(b.errors[:5]))

        # --- Several cities in one jalond: the same dashboard under /t/{ville}/,
        # each city with its own data and its own tokens.
        stop_daemon(daemon)
        daemon = None
        daemon, url = start_tenants(args, work)
        add_people(Api(url + "/t/ville-b", "b-admin"), {"b-admin": "admin"})
        login(b, url, "t-admin", "/t/ville-a/")
        shown = b.js("[...document.querySelectorAll('#directions tbody tr')].map(tr => tr.dataset.direction)")
        city_a = [d["code"] for d in Api(url + "/t/ville-a", "t-admin").get("/v1/directions")]
        check(sorted(shown) == sorted(city_a) and "DEJ" in city_a,
              f"ville-a's Accueil lists its own directions ({shown})")
        b.go(url + "/t/ville-a/#/direction/DEJ", "direction")
        check(b.js("location.pathname") == "/t/ville-a/", "a city's pages stay under its prefix")
        b.send("Page.navigate", {"url": url + "/t/ville-b/"})
        b.wait("!!document.getElementById('connexion-login')", "ville-b asks for its own sign-in")
        check(refused(b, "t-admin"), "ville-a's person is refused by ville-b")
        login(b, url, "b-admin", "/t/ville-b/")
        check(b.js("document.querySelectorAll('#directions tbody tr').length") == 0,
              "ville-b's Accueil shows none of ville-a's directions")
        check("Aucun projet de direction" in b.js("document.getElementById('contenu').textContent"),
              "an empty city says so in French")
        b.screenshot(os.path.join(args.out, "ville-b-accueil.png"))
        check(not b.errors, "no script error under /t/{ville}/: " + "; ".join(b.errors[:5]))
    except Exception as e:  # a step that could not run is a failure, with its cause
        check(False, f"the run stopped: {e}")
    finally:
        if browser:
            browser.close()
        if daemon:
            stop_daemon(daemon)
        smtpd.terminate()
        smtpd.wait(timeout=10)
    print("page load times (ms, from navigation start to the page rendered with its data): " +
          ", ".join(f"{k} {v:.0f}" for k, v in timings.items()))
    if FAILURES:
        print(f"\n{len(FAILURES)} check(s) failed; jalond's log: {work}/jalond.log")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print(f"\nall checks passed; screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
