"""Starting a plan's next cycle in the browser (issue "Writing the projet de
direction in the browser", part "Starting a plan"): a direction whose plan
runs 2014–2017 (its period has ended on jalond's clock, 16 October 2018)
is written through the API with missions, a state of play and three actions,
one done, one started, one planned. Then, as admin, in #/administration:
the demo's plans (2016–2020) say from which date their next cycle may be
opened; a next cycle starting before the plan's end is refused in French at
its field and appends nothing; the next cycle is opened with one of the two
missions. The writing page shows the carried mission, the state of play and
the two unfinished actions; an axis is proposed and one action is carried
into it. The Direction page lists the previous cycle, whose plan at its close
shows the old actions, and its evaluation is chosen by cycle. A steering or
direction person is offered no OpenCycle form, and the API answers 403.
The previous cycle's newcomer brief and review document open from its
Direction page and its evaluation, with its own plan. axe-core finds
nothing serious on the pages shown.
Called by e2e.py with its browser, its API clients and its check()."""
import json
import os
import urllib.error

from writing_e2e import form, send

CODE = "DSP"


def command(api, type_, **data):
    return api.post("/v1/commands", {"type": type_, "data": {"direction": CODE, **data}})


def refusal(api, type_, data):
    """The API's answer to a command expected to be refused: (status, error)."""
    try:
        api.post("/v1/commands", {"type": type_, "data": data})
        return 201, {}
    except urllib.error.HTTPError as e:
        try:
            return e.code, json.loads(e.read()).get("error", {})
        except ValueError:
            return e.code, {}


def write_first_cycle(admin):
    """The direction's first plan, as a direction would have written it."""
    admin.post("/v1/commands", {"type": "RegisterDirection",
                                "data": {"code": CODE, "name": "Direction des sports", "pole": "Vie locale"}})
    command(admin, "OpenPlan", title="Projet de direction 2014-2017", period_start="2014-01-01",
            period_end="2017-12-31", dated="2014-02-01")
    command(admin, "EditSection", section="presentation", text="La direction anime douze équipements sportifs.")
    command(admin, "EditSection", section="identity", site="Stade municipal", agents=58,
            activity_volume="1 200 créneaux par semaine", text="Douze équipements.")
    command(admin, "DefineMission", id="M1", title="Gérer les équipements")
    command(admin, "DefineMission", id="M2", title="Accompagner les clubs")
    command(admin, "AssessMission", mission="M1", values={"listening": 2}, ambitions={"efficiency": 3})
    command(admin, "ProposeAxis", id="A1", title="Rénover les gymnases", missions=["M1"])
    for aid, title, status in (("A1.1", "Refaire le sol du gymnase Jean-Moulin", "started"),
                               ("A1.2", "Isoler le gymnase Pasteur", "started"),
                               ("A1.3", "Créer un city-stade", "planned")):
        command(admin, "PlanAction", id=aid, axis="A1", title=title, owner="Chef du service des équipements",
                start="2015-01-01", due="2017-06-30", budget_eur=80000, fte=0.5, status=status)
    command(admin, "ReportProgress", action="A1.2", date="2017-03-01", percent=40)
    command(admin, "CompleteAction", action="A1.1", date="2016-06-01")
    command(admin, "HoldReview", date="2016-06-30", participants=["Directeur des sports"],
            decisions="Poursuivre la rénovation.")


def opened_document(b, button):
    """The HTML of the document the button whose text starts with `button`
    opens (openDocument's blob is caught, and its window not opened)."""
    b.run("window.__ouverts = []; window.open = () => null; "
          "URL.createObjectURL = (blob) => { window.__ouverts.push(blob); return 'about:blank'; };")
    b.run(f"[...document.querySelectorAll('button')].find((x) => x.textContent.startsWith({json.dumps(button)}))"
          ".click();")
    b.wait("window.__ouverts.length > 0", f"« {button} » to open its document")
    return b.js("window.__ouverts[0].text()")


def run(b, url, apis, sign_in, check, auditor, out):
    admin, steering = apis["admin"], apis["steering"]
    write_first_cycle(admin)

    # Only admin opens a cycle: while DSP's next cycle may be opened, the
    # others are offered no form, and the API refuses them.
    for role in ("steering", "direction:DEJ"):
        sign_in(role)
        b.go(url + "/#/administration", "administration")
        check(not b.js("!!document.querySelector('form[data-command=OpenCycle]')"),
              f"a {role} person is offered no OpenCycle form")
    status, _ = refusal(steering, "OpenCycle", {"direction": CODE, "title": "Projet", "period_start": "2018-01-01",
                                                "period_end": "2021-12-31", "dated": "2018-10-16"})
    check(status == 403, f"the API answers 403 to steering's OpenCycle ({status})")

    sign_in("admin")
    b.go(url + "/#/administration", "administration")
    waiting = b.js("(document.querySelector('[data-cycle-suivant=DEJ]') || {textContent: ''}).textContent")
    check("à partir du 1er janvier 2021, une fois achevée la période du projet" in waiting and
          not b.js("!!document.querySelector('[data-cycle-suivant=DEJ] form')"),
          f"DEJ's plan (2016–2020) has not ended: no form, the date it will be possible ({waiting!r})")
    cycle_form = form("OpenCycle", within=f"[data-cycle-suivant={CODE}]")
    shown = b.js(f"(() => {{ const f = {cycle_form}; if (!f) return null; const v = (n) => "
                 "f.querySelector(`[name=\"${n}\"]`).value; return {title: v('title'), period_start: "
                 "v('period_start'), period_end: v('period_end'), dated: v('dated'), missions: "
                 "[...f.querySelectorAll('input[name=missions]:checked')].map((x) => x.value)}; })()")
    today = admin.get("/v1/directions")[0]["at"]
    check(shown == {"title": "Projet de direction 2018–2021", "period_start": "2018-01-01",
                    "period_end": "2021-12-31", "dated": today, "missions": ["M1", "M2"]},
          f"{CODE}'s next cycle is offered, prefilled ({shown})")
    auditor.audit(b, "Administration with the next cycle's form")

    # A next cycle that starts before the plan ends: the server's French
    # reason at the field, nothing appended.
    before = admin.get("/v1/verify")["head_position"]
    refused = not send(b, cycle_form, {"period_start": "2017-06-01"}, "the early next cycle")
    at_field = b.js(f"(() => {{ const f = {cycle_form}; const i = f.querySelector('[name=period_start]'); "
                    "const e = document.getElementById(i.id + '-erreur'); return {invalid: "
                    "i.getAttribute('aria-invalid'), text: e.hidden ? '' : e.textContent}; })()")
    status, error = refusal(admin, "OpenCycle", {"direction": CODE, "title": "Projet", "period_start": "2017-06-01",
                                                 "period_end": "2021-12-31", "dated": today})
    check(refused and at_field["invalid"] == "true" and status == 400 and error.get("message_fr") and
          at_field["text"] == error["message_fr"],
          f"a next cycle starting before the plan's end is refused in French at period_start ({at_field['text']!r})")
    check(admin.get("/v1/verify")["head_position"] == before, "the refused next cycle appended nothing")

    # The next cycle, carrying M1 only.
    b.run(f"({cycle_form}).querySelector('input[name=missions][value=M2]').checked = false;")
    opened = send(b, cycle_form, {"period_start": "2018-01-01"}, "the next cycle")
    check(opened, "admin opens the next cycle")
    if not opened:
        return  # nothing to read in a cycle that is not there
    plan = admin.get(f"/v1/plans/{CODE}")
    p = plan["plan"]
    previous = (p.get("previous_cycles") or [{}])[0]
    check(p.get("cycle") == 2 and previous.get("cycle") == 1 and previous.get("title") == "Projet de direction 2014-2017",
          f"the plan is in its cycle 2, the first one listed before it ({p.get('cycle')}, {previous.get('title')})")
    check([m["id"] for m in plan["missions"]] == ["M1"] and not plan.get("axes") and not plan.get("actions"),
          f"the new plan has the chosen mission and no axis or action ({[m['id'] for m in plan['missions']]})")
    check(sorted(c["id"] for c in p.get("carry_over", [])) == ["A1.2", "A1.3"],
          f"the started and the planned actions are offered for carry-over ({p.get('carry_over')})")

    # The writing page: what is taken over, and the carry-over.
    b.go(url + f"/#/direction/{CODE}/projet", "projet")
    check(b.js("!!document.getElementById('reprise')"), "the writing page has « Reprise du cycle précédent »")
    mission = b.js("(document.querySelector('#matrice-projet tr[data-mission=M1]') || {textContent: ''}).textContent")
    check("Gérer les équipements" in mission and "pas encore interrogée" in mission and
          not b.js("!!document.querySelector('#matrice-projet tr[data-mission=M2]')"),
          f"the carried mission is shown, not yet questioned again, the other one not ({mission!r})")
    text = b.js("(document.querySelector('section[data-section=presentation] .texte-section') || "
                "{textContent: ''}).textContent")
    check(text == "La direction anime douze équipements sportifs.", f"the state of play is the starting text ({text!r})")
    offered = b.js("[...document.querySelectorAll('#actions-a-reprendre li[data-carry]')].map((x) => x.dataset.carry)")
    check(offered == ["A1.2", "A1.3"], f"the unfinished actions are listed for carry-over ({offered})")
    check(b.js("!document.querySelector('#reprise form') && "
               "!!document.querySelector('#reprise .info a')"),
          "without an axis, the page says to propose one first, with a link to that form")
    suggested = b.js(f"({form('ProposeAxis')}).querySelector('[name=id]').value")
    check(suggested == "A2", f"the new axis's id skips the previous cycle's ({suggested})")
    b.run(f"({form('ProposeAxis')}).querySelector('input[name=missions][value=M1]').checked = true;")
    check(send(b, form("ProposeAxis"), {"title": "Ouvrir les gymnases aux associations"}, "the axis"),
          "an axis is proposed in the new cycle")
    carry = form("PlanAction", within="#actions-a-reprendre li[data-carry='A1.2']")
    prefilled = b.js(f"(() => {{ const f = {carry}; if (!f) return null; const v = (n) => "
                     "f.querySelector(`[name=\"${n}\"]`).value; return [v('carried_from'), v('id'), v('axis'), "
                     "v('title'), v('owner'), v('start'), v('budget_eur')]; })()")
    check(prefilled == ["A1.2", "A2.1", "A2", "Isoler le gymnase Pasteur", "Chef du service des équipements",
                        "2018-01-01", "80000"], f"« Reprendre cette action » is prefilled ({prefilled})")
    auditor.audit(b, "the writing page with the carry-over")
    b.screenshot(os.path.join(out, "projet-reprise.png"))
    check(prefilled is not None and send(b, carry, {"due": "2018-12-31"}, "the carried action"),
          "A1.2 is carried into the new axis")
    action = next((a for a in admin.get(f"/v1/plans/{CODE}")["actions"] if a["id"] == "A2.1"), {})
    check(action.get("carried_from") == "A1.2" and action.get("axis") == "A2",
          f"the new action A2.1 is carried from A1.2 ({action})")
    offered = b.js("[...document.querySelectorAll('#actions-a-reprendre li[data-carry]')].map((x) => x.dataset.carry)")
    check(offered == ["A1.3"], f"A1.2 is no longer offered ({offered})")

    # The previous cycle, from the Direction page: its plan at its close.
    b.go(url + f"/#/direction/{CODE}", "direction")
    row = b.js("(document.querySelector('tr[data-action=\"A2.1\"]') || {textContent: ''}).textContent")
    check("reprise de l'action A1.2" in row, f"the Direction page says where A2.1 comes from ({row!r})")
    auditor.audit(b, "the Direction page of a new cycle")
    link = b.js("(document.querySelector('#cycles-precedents li[data-cycle=\"1\"] a') || {}).hash || ''")
    check(link == f"#/direction/{CODE}?position={previous.get('last_position')}",
          f"the Direction page lists the previous cycle with a link to its plan at its close ({link})")
    b.go(url + "/" + link, "direction")
    old_actions = b.js("[...document.querySelectorAll('tr[data-action]')].map((x) => x.dataset.action)")
    banner = b.js("(document.getElementById('vue-position') || {textContent: ''}).textContent")
    check(sorted(old_actions) == ["A1.1", "A1.2", "A1.3"] and "cycle 1" in banner,
          f"the previous cycle's plan shows its actions ({old_actions}) under a banner ({banner!r})")
    auditor.audit(b, "the previous cycle's Direction page")
    b.screenshot(os.path.join(out, "direction-cycle-precedent.png"))
    brief = opened_document(b, "Présentation aux nouveaux arrivants")
    check("Projet de direction 2014-2017" in brief and "Refaire le sol du gymnase Jean-Moulin" in brief and
          "cycle 1" in brief, "the previous cycle's Direction page opens its brief, with its old plan")

    # The address of an action of the previous cycle (a reminder sent then
    # links to it) says where it is read now, and what carries it.
    b.go(url + f"/#/direction/{CODE}/action/A1.2", "action")
    note = b.js("(document.getElementById('element-cycle-precedent') || {textContent: ''}).textContent")
    links = b.js("[...document.querySelectorAll('#contenu a')].map((a) => a.hash)")
    check("cycle précédent" in note and f"#/direction/{CODE}/action/A2.1" in links and
          f"#/direction/{CODE}?position={previous.get('last_position')}" in links and
          not b.js("!!document.querySelector('#contenu .alerte')"),
          f"the previous cycle's action A1.2 leads to its cycle's plan and to A2.1 ({note!r})")

    # Its evaluation, chosen by cycle.
    b.go(url + f"/#/evaluation/{CODE}?cycle=1", "evaluation")
    tables = admin.get(f"/v1/plans/{CODE}/evaluation?format=tables&cycle=1")["tables"]
    expected = next((len(t["rows"]) for t in tables if t["name"] == "actions"), None)
    rows = b.js("document.querySelectorAll('[data-table=actions] tbody tr').length")
    current = b.js("(document.querySelector('#choix-cycle [aria-current=page]') || {textContent: ''}).textContent")
    check(expected == 3 and rows == expected and current.startswith("Cycle 1"),
          f"the evaluation of cycle 1 is chosen and shows its {rows} actions (API: {expected}; {current!r})")
    # Its documents: the brief of its plan at its close, its own reviews.
    brief = opened_document(b, "Présentation aux nouveaux arrivants du cycle 1")
    check("Projet de direction 2014-2017" in brief and "Projet de direction 2018" not in brief,
          "the evaluation of cycle 1 opens that cycle's brief, with its old plan's title")
    options = b.js("[...document.querySelectorAll('#revue option')].map((o) => o.textContent)")
    check(options == ["n° 1 du 30 juin 2016"], f"cycle 1's held review is offered, none to prepare ({options})")
    review = opened_document(b, "Ouvrir le document")
    check("Revue semestrielle n° 1 du cycle 1" in review and "Projet de direction 2014-2017" in review,
          "cycle 1's review document opens, numbered in its cycle")
    auditor.audit(b, "the evaluation of a previous cycle")
