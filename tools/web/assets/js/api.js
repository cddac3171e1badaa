// The /v1 API as the page calls it: the user's token, the fetch wrapper,
// the French message for a failed call, and downloads that need the token.
import {announce, h} from './dom.js';

// A jalond serving several cities serves each one's dashboard at
// /t/{ville}/ and its API under the same prefix; one city: at the root.
const BASE = (location.pathname.match(/^\/t\/[a-z][a-z0-9-]{0,31}(?=\/)/) || [''])[0];
// A token belongs to one city: the session keys are per city.
const TOKEN_KEY = 'jalon.jeton' + BASE, WHO_KEY = 'jalon.identite' + BASE;
// The token and who it is stay for the browser session (sessionStorage):
// a page load then needs no extra round trip; a token withdrawn since is
// caught by the first 401.
export const session = {token: sessionStorage.getItem(TOKEN_KEY), who: null};
try { session.who = JSON.parse(sessionStorage.getItem(WHO_KEY)); } catch (e) { session.who = null; }

// Keeps the session for the browser session (after a sign-in, or once
// /v1/whoami has said who the token is).
export function rememberSession() {
  sessionStorage.setItem(TOKEN_KEY, session.token);
  sessionStorage.setItem(WHO_KEY, JSON.stringify(session.who));
}
// Forgets it: sign-out, or a token the server no longer accepts.
export function forgetSession() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(WHO_KEY);
  session.token = null;
  session.who = null;
}

class ApiError extends Error {
  // error: the answer's {status, message, field?, message_fr?, changed_by?};
  // body: the whole answer, when it is JSON (an update sheet's preview).
  constructor(status, detail, error = {}, body = null) {
    super(detail || String(status));
    this.status = status;
    this.detail = detail;
    this.error = error;
    this.body = body;
  }
}

export async function api(path, opts = {}) {
  const headers = {};
  if (session.token) headers.Authorization = 'Bearer ' + session.token;
  // opts.raw: a File or Blob sent as it is (an uploaded spreadsheet).
  if (opts.body !== undefined && opts.raw === undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(BASE + path, {method: opts.method || 'GET', headers,
                             body: opts.raw !== undefined ? opts.raw
                               : opts.body === undefined ? undefined : JSON.stringify(opts.body)});
  } catch (e) {
    throw new ApiError(0, String(e));
  }
  if (!res.ok) {
    let error = {}, body = null;
    try { body = await res.json(); error = body.error || {}; } catch (e) { /* not JSON */ }
    throw new ApiError(res.status, error.message || '', error, body);
  }
  if (opts.blob) return res.blob();
  return res.json();
}

// The French message for a failed call.
export function messageOf(err, what) {
  const detail = err.detail ? ` (détail technique : ${err.detail})` : '';
  switch (err.status) {
    case 0: return 'Le serveur Jalon ne répond pas. Vérifiez votre connexion et réessayez.';
    case 400: return `Demande refusée${what ? ' : ' + what : ''}${detail}.`;
    case 401: return 'Votre jeton n\'est pas ou plus accepté. Reconnectez-vous.';
    case 403: return `Accès refusé : votre jeton ne permet pas ${what || 'cette opération'}.`;
    case 404: return `Introuvable${what ? ' : ' + what : ''}${detail}.`;
    case 409: return 'Le projet a changé entre-temps : rechargez la page et recommencez.';
    case 413: return 'La demande est trop volumineuse.';
    case 503: return 'Le service est momentanément indisponible (écritures suspendues). Réessayez plus tard.';
    default: return `Erreur du serveur (${err.status})${detail}.`;
  }
}

// Downloads a file of the API (the token goes in a header, so a plain
// link cannot carry it).
export async function download(path, filename) {
  const blob = await api(path, {blob: true});
  const url = URL.createObjectURL(blob);
  const a = h('a', {href: url, download: filename});
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  announce(`Téléchargement de ${filename} lancé.`);
}
export async function openDocument(path) {
  const blob = await api(path, {blob: true});
  const url = URL.createObjectURL(new Blob([blob], {type: 'text/html'}));
  window.open(url, '_blank', 'noopener');
}

// Whether the user may change the plan of direction `code`.
export const canWrite = (code) => session.who && (session.who.role === 'admin' || session.who.direction === code);
