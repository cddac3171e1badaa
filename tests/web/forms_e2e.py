"""The forms of the plan's life in the browser (DESIGN.md, "Forms" and
"Pages"), as the people who use them: a direction reports progress and
records a measurement from the pages its reminders lead to, a wrong value is
refused in French at its field with nothing appended, a double click appends
once, and the steering office holds a review. Called by e2e.py with its
browser, its signed-in sessions and its check()."""
import json
import os
import time


def head(api):
    return api.get("/v1/verify")["head_position"]


def submit(b, command, values, key=None):
    """Fills the form of `command` (the one of reminder `key` if given) and submits it."""
    sel = f"form[data-command={command}]"
    b.run(f"const f = document.querySelector({json.dumps(sel)}); f.closest('details') && (f.closest('details').open = true);")
    for name, value in values.items():
        b.run(f"const el = document.querySelector({json.dumps(sel)}).querySelector('[name=\"{name}\"]');"
              f"el.focus(); el.value = {json.dumps(value)};")
    b.run(f"document.querySelector({json.dumps(sel)}).querySelector('button[type=submit]').click();")


def wait_redrawn(b, what):
    """Waits for the page drawn again after a command: its role=status message."""
    b.wait("!!document.querySelector('#contenu > .succes[role=status]')", what)
    return b.js("document.querySelector('#contenu > .succes[role=status]').textContent")


def run(b, url, apis, sign_in, check, auditor, out):
    admin, dej = apis["admin"], apis["direction:DEJ"]
    code = "DEJ"
    sign_in("direction:DEJ")

    # --- An action page, opened from its address as a reminder's link carries it.
    dash = dej.get(f"/v1/plans/{code}/dashboard")
    action = next(a for axis in dash["axes"] for a in axis["actions"]
                  if a["status"] not in ("done", "cancelled"))
    aid = action["id"]
    page = b.land(f"{url}/#/direction/{code}/action/{aid}")
    check(page == "action", f"#/direction/{code}/action/{aid} opens the action's page ({page})")
    forms = b.js("[...document.querySelectorAll('form[data-command]')].map(f => f.dataset.command)")
    check({"ReportProgress", "RescheduleAction", "CompleteAction", "CancelAction", "EditAction"} <= set(forms),
          f"the action's page has the forms of its life ({forms})")
    auditor.audit(b, "action page")
    b.screenshot(os.path.join(out, "action.png"))

    # A wrong value: the French reason at the field, aria-invalid, nothing appended.
    before = head(admin)
    submit(b, "ReportProgress", {"percent": "150"})
    b.wait("!!document.querySelector('form[data-command=ReportProgress] [aria-invalid=true]')", "the refusal")
    error = b.js("(() => { const el = document.querySelector('form[data-command=ReportProgress] [name=percent]');"
                 "const ids = (el.getAttribute('aria-describedby') || '').split(' ');"
                 "const box = ids.map((i) => document.getElementById(i)).find((x) => x && x.getAttribute('role') === 'alert');"
                 "return box ? box.textContent : ''; })()")
    check("pourcentage entre 0 et 100" in error,
          f"150 % is refused at the field, in French, and the input points to the message ({error!r})")
    check(head(admin) == before, "the refused progress report appended nothing")

    # A good value, submitted by a double click: one event, the page shows the new figure.
    percent = min(99, int(action["progress"]) + 7)
    b.run("const f = document.querySelector('form[data-command=ReportProgress]');"
          f"f.querySelector('[name=percent]').value = '{percent}';"
          "f.querySelector('[name=note]').value = 'Saisi depuis la page de l\\'action';"
          "const button = f.querySelector('button[type=submit]'); button.click(); button.click();")
    message = wait_redrawn(b, "the progress report")
    check(head(admin) == before + 1, f"a double click on Enregistrer appends one event ({head(admin) - before})")
    shown = b.js("document.querySelector('[data-figure=progress]').textContent")
    check(str(percent) in shown, f"the page shows the new progress {percent} % ({shown!r}; {message!r})")
    progress = next(a["progress"] for axis in dej.get(f"/v1/plans/{code}/dashboard")["axes"]
                    for a in axis["actions"] if a["id"] == aid)
    check(progress == percent, f"the dashboard's progress of {aid} is {percent} ({progress})")
    last = dej.get(f"/v1/plans/{code}/history?entity=action/{aid}")["entries"][-1]
    check(last.get("type") == "ProgressReported" and last.get("actor_name") == "Personne direction:DEJ",
          f"the history shows the report under the person's name ({last.get('type')}, {last.get('actor_name')})")
    auditor.audit(b, "action page after a report")

    # Spending: planned against spent, apart from the progress.
    def spent():
        return next(a["spent_eur"] for axis in dej.get(f"/v1/plans/{code}/dashboard")["axes"]
                    for a in axis["actions"] if a["id"] == aid)
    spent_before = spent()
    submit(b, "RecordSpending", {"amount_eur": "1234,5", "label": "Facture du prestataire"})
    # The page is drawn again with the new figure (the previous form's message is still shown until then).
    b.wait("(document.querySelector('[data-figure=spent]') || {}).textContent.includes('234,5')",
           "the page drawn again with what was spent")
    check(spent() == spent_before + 1234.5, f"the spending is recorded ({spent_before} -> {spent()})")
    before = head(admin)
    submit(b, "RecordSpending", {"amount_eur": "-10", "label": "Avoir"})
    b.wait("!!document.querySelector('form[data-command=RecordSpending] [name=reason][aria-invalid=true]')",
           "the correction's refusal")
    check(head(admin) == before, "a correction without its reason is refused at its field, nothing appended")

    # --- The indicator a reminder is about: record a measurement, the reminder closes.
    reminders = dej.get(f"/v1/reminders?direction={code}")["plans"][0]["reminders"]
    stale = next((r for r in reminders if r["state"] == "open" and r["subject"].startswith("indicator/")), None)
    check(stale is not None, "the demo has an open reminder about an indicator")
    if stale:
        iid = stale["subject"].split("/", 1)[1]
        page = b.land(f"{url}/#/direction/{code}/indicateur/{iid}")
        check(page == "indicateur", f"the indicator's page opens ({page})")
        check(b.js(f"!!document.querySelector('.relance[data-reminder=\"{stale['id']}\"]')"),
              "the page shows the open reminder above the form that resolves it")
        auditor.audit(b, "indicator page")
        b.screenshot(os.path.join(out, "indicateur.png"))
        before = head(admin)
        submit(b, "RecordMeasurement", {"value": "31,5", "comment": "Saisie depuis la relance"})
        wait_redrawn(b, "the measurement")
        latest = next(i for i in dej.get(f"/v1/plans/{code}/dashboard")["indicators"] if i["id"] == iid)
        check(latest["latest"] == 31.5, f"the measurement typed with a French comma is 31.5 ({latest['latest']})")
        state = None
        for _ in range(150):  # the scheduler ticks every 200 ms in the test's config
            state = next(r["state"] for r in dej.get(f"/v1/reminders?direction={code}")["plans"][0]["reminders"]
                         if r["id"] == stale["id"])
            if state == "resolved":
                break
            time.sleep(0.1)
        check(state == "resolved", f"the measurement resolves the reminder ({state})")

    # --- A direction does not hold reviews: the steering office does.
    page = b.land(f"{url}/#/direction/{code}/revue")
    check(page == "revue" and not b.js("!!document.querySelector('form[data-command=HoldReview]')"),
          "the direction's reviews page offers no HoldReview form")
    sign_in("steering")
    page = b.land(f"{url}/#/direction/{code}/revue")
    check(page == "revue", f"the reviews page opens for the steering office ({page})")
    auditor.audit(b, "reviews page")
    reviews_before = len(admin.get(f"/v1/plans/{code}")["reviews"])
    b.run(f"document.querySelector('form[data-command=HoldReview] input[type=checkbox][value=\"action/{aid}\"]').checked = true;")
    submit(b, "HoldReview", {"participants": "Directrice DEJ\nService de pilotage",
                             "conclusions": "Le dossier unique avance.",
                             "decisions.text": "Accélérer le dossier unique."})
    wait_redrawn(b, "the review")
    reviews = admin.get(f"/v1/plans/{code}")["reviews"]
    check(len(reviews) == reviews_before + 1 and reviews[-1]["participants"] == ["Directrice DEJ", "Service de pilotage"],
          f"the review is held with its participants ({reviews[-1] if reviews else None})")
    check(reviews and reviews[-1].get("decisions") == [{"text": "Accélérer le dossier unique.", "concerns": [f"action/{aid}"]}]
          and reviews[-1].get("conclusions") == "Le dossier unique avance.",
          f"the review's decision is linked to the action ({reviews[-1] if reviews else None})")
    check(b.js(f"!!document.querySelector('#revues tr[data-review=\"{len(reviews)}\"]')"),
          "the page lists the new review")
    check(b.js(f"!!document.querySelector('#revues tr[data-review=\"{len(reviews)}\"] a[href$=\"/action/{aid}\"]')"),
          "the listed decision links to the action it concerns")
    b.screenshot(os.path.join(out, "revue.png"))
