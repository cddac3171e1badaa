// Jalon — the dashboard in the browser, its entry point: signs in, draws
// the header and the navigation, and routes each address to its page.
//
// A single page over the /v1 API: every figure on screen is the API's,
// fetched with the person's session cookie, so a person sees exactly what
// their roles may read. No build step, no dependency: the browser loads these ES modules as
// they are in tools/web/assets/js, and the French labels from
// /assets/labels.js (the server's own table).
//
// Pages (hash routes), one module each:
//   #/                        Accueil: every readable direction      accueil.js
//   #/direction/DEJ[?as_of=|?position=]  Direction: one plan         direction.js
//   #/direction/DEJ/action/A1.2      an action and its forms         action.js
//   #/direction/DEJ/indicateur/I3    an indicator and its forms      indicateur.js
//   #/direction/DEJ/axe/A1           an axis: its place on Direction direction.js
//   #/direction/DEJ/revue            reviews and mid-term revision   revue.js
//   #/direction/DEJ/projet           writing the plan                projet.js
//   #/historique/DEJ          Historique: audit trail, time slider   historique.js
//   #/calendrier/DEJ          Calendrier et relances                 calendrier.js
//   #/evaluation/DEJ[?cycle=] Évaluation: tables, downloads, docs    evaluation.js
//   #/administration          Administration: people (admin)         administration.js
//   #/plans/DEJ               older reminders' link: shown as #/direction/DEJ
// Signing in and out: connexion.js.
import {renderHome} from './accueil.js';
import {renderAction} from './action.js';
import {renderAdministration} from './administration.js';
import {hasRole, messageOf, roleName, session} from './api.js';
import {renderCalendar} from './calendrier.js';
import {renderSignIn, signOut, whoIsSignedIn} from './connexion.js';
import {renderDirection} from './direction.js';
import {fill, h} from './dom.js';
import {renderEvaluation} from './evaluation.js';
import {renderHistory} from './historique.js';
import {renderIndicator} from './indicateur.js';
import {renderProject} from './projet.js';
import {renderReviews} from './revue.js';

function renderChrome(route) {
  const sessionEl = document.getElementById('session');
  const nav = document.getElementById('navigation');
  sessionEl.replaceChildren();
  nav.replaceChildren();
  if (!session.who) return;
  const roles = (session.who.roles || []).map(roleName).join(', ');
  sessionEl.append(h('span', {id: 'personne-connectee'},
    `Connecté : ${session.who.display_name || session.who.name}${roles ? ` (${roles})` : ''}`),
    h('button.secondaire', {type: 'button', onclick: logout}, 'Se déconnecter'));
  const items = [['#/', 'Accueil', route.page === 'accueil']];
  if (hasRole('admin')) items.push(['#/administration', 'Administration', route.page === 'administration']);
  if (route.code) {
    const c = route.code;
    items.push([`#/direction/${c}`, 'Direction', route.page === 'direction'],
               [`#/direction/${c}/projet`, 'Rédiger le projet', route.page === 'projet'],
               [`#/direction/${c}/revue`, 'Revues', route.page === 'revue'],
               [`#/historique/${c}`, 'Historique', route.page === 'historique'],
               [`#/calendrier/${c}`, 'Calendrier et relances', route.page === 'calendrier'],
               [`#/evaluation/${c}`, 'Évaluation', route.page === 'evaluation']);
  }
  nav.append(h('ul', {}, items.map(([href, text, current]) =>
    h('li', {}, h('a', {href, 'aria-current': current ? 'page' : null}, text))),
    route.code ? h('li.direction-courante', {}, `Direction ${route.code}`) : null));
}

async function logout() {
  await signOut();
  location.hash = '#/';
  route();
}

// After a sign-in: a direction's person lands on its own plan; the others on Accueil.
function signedIn() {
  const home = session.who.direction ? `#/direction/${session.who.direction}` : '#/';
  if ((location.hash || '#/') === '#/' && location.hash !== home) {
    location.hash = home;  // hashchange renders it
    return;
  }
  route();
}

// ---------------------------------------------------------------- router

function parseRoute() {
  const hash = location.hash.startsWith('#/') ? location.hash.slice(1) : '/';
  const [path, query] = hash.split('?');
  const parts = path.split('/').filter(Boolean);
  const params = new URLSearchParams(query || '');
  if (!parts.length) return {page: 'accueil', params};
  if (parts.length === 1 && parts[0] === 'administration') return {page: 'administration', params};
  // #/plans/{code}: the address that reminders sent by older versions carry.
  if (parts[0] === 'plans' && parts.length === 2) {
    history.replaceState(null, '', `#/direction/${parts[1]}`);
    parts[0] = 'direction';
  }
  const pages = {direction: 1, historique: 1, calendrier: 1, evaluation: 1};
  if (!pages[parts[0]] || !/^[A-Z][A-Z0-9_-]{0,15}$/.test(parts[1] || '')) return {page: 'inconnue', params};
  const code = parts[1];
  if (parts.length === 2) return {page: parts[0], code, params};
  // The pages of one part of a plan, under its direction: the addresses
  // that reminders carry (DESIGN.md, "Pages").
  const entity = {action: 'action', indicateur: 'indicateur', axe: 'axe'};
  if (parts[0] === 'direction' && parts.length === 4 && entity[parts[2]]) {
    return {page: entity[parts[2]], code, id: decodeURIComponent(parts[3]), params};
  }
  if (parts[0] === 'direction' && parts.length === 3 && parts[2] === 'revue') return {page: 'revue', code, params};
  if (parts[0] === 'direction' && parts.length === 3 && parts[2] === 'projet') return {page: 'projet', code, params};
  return {page: 'inconnue', params};
}

let generation = 0;
async function route() {
  const main = document.getElementById('contenu');
  const r = parseRoute();
  const mine = ++generation;
  try {
    if (!session.who && !(await whoIsSignedIn())) {
      renderChrome({});
      renderSignIn(main, null, signedIn);
      document.body.dataset.ready = String(mine);
      return;
    }
  } catch (err) {
    fill(main, h('div.alerte', {role: 'alert'}, messageOf(err)));
    return;
  }
  renderChrome(r);
  main.setAttribute('aria-busy', 'true');
  const started = performance.now();
  try {
    if (r.page === 'accueil') await renderHome(main);
    else if (r.page === 'direction') await renderDirection(main, r.code, r.params);
    else if (r.page === 'action') await renderAction(main, r.code, r.id);
    else if (r.page === 'indicateur') await renderIndicator(main, r.code, r.id);
    else if (r.page === 'revue') await renderReviews(main, r.code);
    else if (r.page === 'projet') await renderProject(main, r.code);
    else if (r.page === 'axe') {
      await renderDirection(main, r.code, r.params);
      const axis = main.querySelector(`[data-axis="${CSS.escape(r.id)}"]`);
      if (axis) axis.scrollIntoView();
    }
    else if (r.page === 'historique') await renderHistory(main, r.code);
    else if (r.page === 'calendrier') await renderCalendar(main, r.code);
    else if (r.page === 'evaluation') await renderEvaluation(main, r.code, r.params);
    else if (r.page === 'administration') await renderAdministration(main);
    else fill(main, h('h1', {}, 'Page introuvable'), h('p', {}, h('a', {href: '#/'}, 'Revenir à l\'accueil')));
  } catch (err) {
    if (mine !== generation) return;
    if (err.status === 401) {
      session.who = null;
      renderChrome({});
      renderSignIn(main, 'Votre session a pris fin : reconnectez-vous.', signedIn);
      return;
    }
    const what = r.code ? `de consulter la direction ${r.code}` : 'de consulter cette page';
    fill(main, h('h1', {}, 'Impossible d\'afficher la page'),
      h('div.alerte', {role: 'alert'}, messageOf(err, what)),
      h('p', {}, h('a', {href: '#/'}, 'Revenir à l\'accueil')));
  } finally {
    if (mine === generation) {
      main.removeAttribute('aria-busy');
      main.dataset.loadedMs = String(Math.round(performance.now() - started));
      // Since the navigation started: the page's whole load, for the e2e test.
      main.dataset.sinceNavigationMs = String(Math.round(performance.now()));
      main.dataset.page = r.page;
      document.body.dataset.ready = String(mine);
    }
  }
}

window.addEventListener('hashchange', () => {
  if (location.hash === '#contenu') return;  // the skip link
  route().then(() => document.getElementById('contenu').focus({preventScroll: true}));
});
document.getElementById('lien-evitement').addEventListener('click', (ev) => {
  ev.preventDefault();
  document.getElementById('contenu').focus();
});
route();
