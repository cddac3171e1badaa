"""The web UI's sign-in, sign-out and administration, for e2e.py: people
added through the API, the sign-in form filled in as a person would, the
session cookie checked from outside the page after signing out, and the
administration page's forms with their French errors."""
import json
import os
import urllib.error
import urllib.request

# Every token's name in e2e.py is also the login of a person holding its
# role, with this password (add_people, once jalond runs).
PASSWORD = "Essai-e2e-2016!"


def add_people(api, tokens):
    """One person per token, whose login is the token's name: 'Personne <role>'."""
    for login, role in tokens.items():
        api.post("/v1/commands", {"type": "RegisterPerson", "command_id": "e2e-add-" + login,
                                  "data": {"login": login, "name": "Personne " + role,
                                           "email": login + "@ville.fr", "roles": [role]}})
        api.post("/v1/commands", {"type": "SetPassword", "command_id": "e2e-pw-" + login,
                                  "data": {"login": login, "password": PASSWORD}})


def status_with_cookie(url, cookie):
    """The status of GET /v1/whoami with only the session cookie `cookie`."""
    req = urllib.request.Request(url + "/v1/whoami", headers={"Cookie": "jalon_session=" + cookie})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def fill_sign_in(b, login, password):
    """Types `login` and `password` into the sign-in form shown and sends it."""
    b.js("document.getElementById('connexion-login').focus()")
    b.send("Input.insertText", {"text": login})
    b.js("document.getElementById('connexion-password').focus()")
    b.send("Input.insertText", {"text": password})
    b.js("document.querySelector('#connexion button[type=submit]').click()")


def refused(b, login, password=PASSWORD):
    """Signs in as `login` on the form shown; true if it is refused in French."""
    fill_sign_in(b, login, password)
    b.wait("!document.getElementById('erreur-connexion').hidden", "the refusal of " + login)
    return "Identifiant ou mot de passe incorrect" in b.js(
        "document.getElementById('erreur-connexion').textContent")


def sign_out_browser(b):
    """Forgets the browser's cookies: a browser without a session."""
    b.send("Network.clearBrowserCookies")


def login(b, url, token, path="/"):
    """Signs out whoever is in and in as the person `token`."""
    b.send("Page.navigate", {"url": url + path})
    b.wait("location.origin === " + json.dumps(url) + " && location.pathname === " + json.dumps(path),
           "jalond's page")
    sign_out_browser(b)
    b.send("Page.reload")
    b.wait("document.readyState === 'complete'", "the reload")
    b.wait("!!document.getElementById('connexion-login')", "the sign-in form")
    before = b.js("document.body.dataset.ready || ''")
    fill_sign_in(b, token, PASSWORD)
    b.wait(f"document.body.dataset.ready && document.body.dataset.ready !== {json.dumps(before)} && "
           "!document.getElementById('contenu').hasAttribute('aria-busy')", "the first page after login")


def check_sign_in_and_out(b, url, check):
    """Signs in through the page, sees the person's name, signs out, and checks that
    the old cookie no longer opens anything."""
    login(b, url, "t-steering")
    shown = b.js("(document.getElementById('personne-connectee') || {textContent: ''}).textContent")
    check("Personne steering" in shown, f"the signed-in person's name is shown ({shown!r})")
    check(not b.js("!!document.querySelector('input[name=jeton]')"), "no token box in the page")
    check("jalon_session" not in b.js("document.cookie"), "the session cookie is HttpOnly")
    cookies = b.send("Network.getCookies", {"urls": [url + "/"]})["cookies"]
    old = next((c["value"] for c in cookies if c["name"] == "jalon_session"), "")
    check(old and status_with_cookie(url, old) == 200, "the cookie opens the session")
    b.js("[...document.querySelectorAll('#session button')].find(x => x.textContent === 'Se déconnecter').click()")
    b.wait("!!document.getElementById('connexion-login')", "the sign-in form after signing out")
    check(status_with_cookie(url, old) == 401, "after signing out, the old cookie is refused (401)")


def check_administration(b, url, out, check):
    """The admin adds a person in #/administration; a weak password is refused in French."""
    login(b, url, "t-admin")
    b.go(url + "/#/administration", "administration")
    form = "document.querySelector('form[data-command=RegisterPerson]')"
    b.js(f"""(() => {{ const f = {form};
      f.elements.login.value = 'n.nouveau'; f.elements.name.value = 'Noé Nouveau';
      f.elements.email.value = 'n.nouveau@ville.fr'; f.elements.roles.value = 'reader:DEJ';
      f.querySelector('button').click(); }})()""")
    b.wait("(document.querySelector('#contenu [role=status]') || {hidden: true}).hidden === false",
           "the person added")
    check("Noé Nouveau" in b.js("document.querySelector('#contenu table').textContent"),
          "the new person is listed")
    pw = ("[...document.querySelectorAll('form[data-command=SetPassword]')]"
          ".find(f => f.elements.login.value === 'n.nouveau')")
    b.js(f"(() => {{ const f = {pw}; f.closest('details').open = true; f.elements.password.value = 'court';"
         " f.querySelector('button').click(); })()")
    b.wait(f"{pw}.elements.password.getAttribute('aria-invalid') === 'true'", "the weak password refused")
    message = b.js(f"document.getElementById({pw}.elements.password.id + '-erreur').textContent")
    check("trop court" in message, f"a weak password is refused in French next to its input ({message!r})")
    b.screenshot(os.path.join(out, "administration.png"))
