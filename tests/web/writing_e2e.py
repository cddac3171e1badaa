"""Writing a projet de direction from nothing in the browser (issue "Writing
the projet de direction in the browser"): as admin, a direction, its plan,
the state of play, the identity card, the SWOT (with a refused item without
evidence), two missions and their scores, an axis; as steering, the axis
validated against an orientation from the city's list; then a scenario with
its means, an action and an indicator. Then the export holds what was typed,
the brief shows it, axe-core finds nothing serious on the writing page, and
a direction's person is offered no steering form and gets 403 from the API.
Called by e2e.py with its browser, its API clients and its check()."""
import json
import os
import urllib.error
import urllib.request

CODE = "DCU"


def send(b, form_js, values, what):
    """Fills the form `form_js` (a JS expression) with `values` by input name,
    submits it, and waits for the page drawn again or a refusal."""
    b.run("document.querySelectorAll('#contenu .succes').forEach((x) => x.remove());")
    b.run(f"const f = {form_js}; const d = f.closest('details'); if (d) d.open = true;")
    for name, value in values.items():
        b.run(f"const el = ({form_js}).querySelector('[name=\"{name}\"]'); el.value = {json.dumps(value)};")
    b.run(f"({form_js}).querySelector('button[type=submit]').click();")
    # The page drawn again with its status, or this form's own refusal (a
    # form refused earlier on the page keeps its marks until the page is
    # drawn again).
    b.wait(f"!!document.querySelector('#contenu .succes:not([hidden])') || "
           f"(() => {{ const f = {form_js}; return !!f && (!!f.querySelector('[aria-invalid=true]') || "
           f"[...f.querySelectorAll('.alerte')].some((x) => !x.hidden)); }})()", what)
    ok = b.js("!!document.querySelector('#contenu .succes:not([hidden])')")
    if not ok:
        print("note  " + what + ": " + b.js(f"(() => {{ const f = {form_js}; return f ? [...f.querySelectorAll("
                                            f"'[role=alert]')].map((x) => x.textContent).join(' | ') : 'no form'; }})()"))
    if ok:
        b.wait("!document.getElementById('contenu').hasAttribute('aria-busy')", what + " drawn")
    return ok


def form(command, nth=0, within="#contenu"):
    return f"document.querySelectorAll({json.dumps(within + ' form[data-command=' + command + ']')})[{nth}]"


def run(b, url, apis, sign_in, check, auditor, out):
    admin, steering, dej = apis["admin"], apis["steering"], apis["direction:DEJ"]
    sign_in("admin")
    b.go(url + "/#/administration", "administration")
    check(send(b, form("DefineOrientation"), {"id": "O1", "title": "Une ville attentive à chacun"},
               "the orientation"), "admin defines a political orientation in #/administration")
    check(send(b, form("RegisterDirection"), {"code": CODE, "name": "Direction de la culture",
                                              "pole": "Services à la population"}, "the direction"),
          "admin registers a direction")
    check(send(b, form("OpenPlan"), {"direction": CODE, "title": "Projet de direction 2018-2021",
                                     "period_start": "2018-01-01", "period_end": "2021-12-31",
                                     "dated": "2018-02-01"}, "the plan"), "admin opens its plan")
    listed = b.js(f"!!document.querySelector('#directions tr[data-direction={CODE}]')")
    check(listed, "the new direction and its plan are listed")

    b.go(url + f"/#/direction/{CODE}/projet", "projet")
    for section, text in (("presentation", "La direction fait vivre trois médiathèques."),
                          ("legal", "Code du patrimoine ; délibération de 2015.")):
        check(send(b, form("EditSection", within=f"section[data-section={section}]"), {"text": text}, section),
              f"the state of play's block {section} is written")
    check(send(b, form("EditSection", within="section[data-section=identity]"),
               {"site": "Médiathèque centrale", "agents": "42", "activity_volume": "300 000 prêts par an",
                "text": "Trois sites."}, "the identity card"), "the identity card is written")
    quadrants = ["internal_strength", "internal_weakness", "external_strength", "external_weakness"]
    for i, q in enumerate(quadrants):
        check(send(b, form("AddSwotItem"), {"id": f"S{i + 1}", "quadrant": q, "text": f"Constat {q}",
                                            "evidence.source": "Rapport d'activité 2017",
                                            "evidence.date": "2017-12-31"}, q), f"a {q} item is added")
    before = admin.get("/v1/verify")["head_position"]
    refused = not send(b, form("AddSwotItem"), {"id": "S9", "quadrant": "internal_weakness",
                                                "text": "Une intuition"}, "the item without evidence")
    message = b.js("(document.querySelector('form[data-command=AddSwotItem] .erreur-champ:not([hidden])') "
                   "|| {textContent: ''}).textContent")
    check(refused and "des faits" in message,
          f"an item without evidence is refused in French at its field ({message!r})")
    check(admin.get("/v1/verify")["head_position"] == before, "the refused item appended nothing")
    for mid, title in (("M1", "Prêter des documents"), ("M2", "Animer le territoire")):
        check(send(b, form("DefineMission"), {"id": mid, "title": title}, mid), f"mission {mid} is defined")
    for nth in range(2):
        check(send(b, form("AssessMission", nth), {"values.listening": "3", "ambitions.efficiency": "2"},
                   "the scores"), f"mission M{nth + 1} is scored")
    b.run(f"({form('ProposeAxis')}).querySelector('input[name=missions]').checked = true;")
    check(send(b, form("ProposeAxis"), {"id": "A1", "title": "Ouvrir le dimanche"}, "the axis"),
          "an axis is proposed")
    auditor.audit(b, "the writing page")
    b.screenshot(os.path.join(out, "projet-ecrit.png"))

    sign_in("steering")
    b.go(url + f"/#/direction/{CODE}/projet", "projet")
    options = b.js(f"[...({form('ValidateAxis')}).querySelectorAll('select[name=orientation] option')]"
                   ".map((o) => o.value)")
    check(options == ["Une ville attentive à chacun"], f"the orientation is chosen from the city's list ({options})")
    check(send(b, form("ValidateAxis"), {"orientation": "Une ville attentive à chacun", "by": "Bureau municipal",
                                         "date": "2018-03-01"}, "the validation"), "steering validates the axis")

    sign_in("admin")
    b.go(url + f"/#/direction/{CODE}/projet", "projet")
    check(send(b, form("ProposeScenario"), {"id": "SC1", "title": "Le dimanche d'abord", "axes": "A1",
                                            "means.fte.2018": "2,5", "means.budget_eur.2018": "120000",
                                            "means.new_projects_eur": "50000"}, "the scenario"),
          "a scenario with its means is proposed")
    check(send(b, form("PlanAction"), {"id": "A1.1", "title": "Ouvrir la centrale le dimanche",
                                       "owner": "Chef de service", "start": "2018-04-01", "due": "2019-06-30",
                                       "budget_eur": "30000", "fte": "1"}, "the action"), "an action is planned")
    check(send(b, form("DefineIndicator"), {"name": "Entrées du dimanche", "unit": "entrées",
                                            "baseline.value": "0", "baseline.date": "2018-01-31",
                                            "target.value": "400", "target.date": "2019-12-31",
                                            "source": "Compteurs"}, "the indicator"), "an indicator is defined")
    plan = admin.get(f"/v1/plans/{CODE}")
    check(plan["sections"].get("presentation") == "La direction fait vivre trois médiathèques." and
          plan["identity"].get("agents") == 42 and len(plan["swot"]) == 4 and len(plan["missions"]) == 2 and
          plan["axes"][0]["validation"]["orientation"] == "Une ville attentive à chacun" and
          plan["scenarios"][0]["means"] == {"fte": {"2018": 2.5}, "budget_eur": {"2018": 120000},
                                            "new_projects_eur": 50000} and
          len(plan["actions"]) == 1 and len(plan["indicators"]) == 1,
          "the plan holds what was typed")
    exported = admin.get(f"/v1/plans/{CODE}/export")
    check(exported["scenarios"][0].get("means") == plan["scenarios"][0]["means"], "the export holds the means")
    req = urllib.request.Request(f"{url}/v1/plans/{CODE}/brief?format=html",
                                 headers={"Authorization": "Bearer " + admin.token})
    with urllib.request.urlopen(req, timeout=30) as r:
        brief = r.read().decode()
    check("trois médiathèques" in brief, "the brief shows the state of play")

    sign_in("direction:DEJ")
    b.go(url + "/#/direction/DEJ/projet", "projet")
    steering_forms = b.js("document.querySelectorAll('form[data-command=ValidateAxis], "
                          "form[data-command=RetainScenario]').length")
    check(steering_forms == 0, f"a direction's person is offered no ValidateAxis or RetainScenario form ({steering_forms})")
    try:
        dej.post("/v1/commands", {"type": "RetainScenario", "data": {"direction": "DEJ", "scenario": "SC1"}})
        status = 201
    except urllib.error.HTTPError as e:
        status = e.code
    check(status == 403, f"the API answers 403 to a direction's RetainScenario ({status})")
