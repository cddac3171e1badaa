// Connexion: the sign-in page (login and password), who is signed in, and
// sign-out. The session lives in an HttpOnly cookie the page never reads;
// the page keeps only who it is and the CSRF token its changes carry.
import {api, forgetSession, messageOf, rememberSession} from './api.js';
import {fill, h} from './dom.js';

// Whether the cookie signs someone in (then session.who says who). An
// anonymous reader (server.anonymous_read) is asked to sign in, as before.
export async function whoIsSignedIn() {
  try {
    const who = await api('/v1/whoami');
    if (who.anonymous) {
      forgetSession();
      return false;
    }
    rememberSession(who);
    return true;
  } catch (err) {
    if (err.status === 401) {
      forgetSession();
      return false;
    }
    throw err;
  }
}

// Ends the session on the server (the cookie no longer opens anything),
// then forgets it here.
export async function signOut() {
  try {
    await api('/v1/session', {method: 'DELETE'});
  } catch (e) { /* ended already: nothing more to do */ }
  forgetSession();
}

// The sign-in form; `onSignedIn` runs once the person is signed in.
export function renderSignIn(main, error, onSignedIn) {
  document.title = 'Connexion — Jalon';
  const alert = h('div.alerte', {id: 'erreur-connexion', role: 'alert', hidden: !error}, error || '');
  const field = (name, text, type, autocomplete) => h('div.champ', {},
    h('label', {for: 'connexion-' + name}, text),
    h('input', {id: 'connexion-' + name, name, type, autocomplete, required: true, size: 30,
                'aria-describedby': 'erreur-connexion'}));
  const form = h('form', {id: 'connexion', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    const login = form.elements.login.value.trim(), password = form.elements.password.value;
    for (const input of form.querySelectorAll('input')) input.removeAttribute('aria-invalid');
    const bad = !login ? form.elements.login : !password ? form.elements.password : null;
    const show = (message, input) => {
      fill(alert, message);
      alert.hidden = false;
      if (input) input.setAttribute('aria-invalid', 'true');
      (input || form.elements.login).focus();
    };
    if (bad) return show(bad.name === 'login' ? 'Indiquez votre identifiant.' : 'Indiquez votre mot de passe.', bad);
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      await api('/v1/session', {method: 'POST', body: {login, password}});
      await whoIsSignedIn();
      onSignedIn();
    } catch (err) {
      form.elements.password.value = '';
      show(messageOf(err), err.field === 'login' ? form.elements.login : form.elements.password);
    } finally {
      button.disabled = false;
    }
  }},
    field('login', 'Identifiant', 'text', 'username'),
    field('password', 'Mot de passe', 'password', 'current-password'),
    h('button', {type: 'submit'}, 'Se connecter'));
  fill(main, h('div.carte-connexion', {},
    h('h1', {}, 'Connexion'),
    h('p.chapeau', {}, 'Connectez-vous avec l\'identifiant et le mot de passe que l\'administration de Jalon vous a remis.'),
    alert, form));
  form.elements.login.focus();
}
