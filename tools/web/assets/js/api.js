// The /v1 API as the page calls it: the signed-in person (the session
// cookie, which the page never sees, and its CSRF token), the fetch wrapper,
// the French message for a failed call, and downloads.
import {announce, h} from './dom.js';

// A jalond serving several cities serves each one's dashboard at
// /t/{ville}/ and its API under the same prefix; one city: at the root.
const BASE = (location.pathname.match(/^\/t\/[a-z][a-z0-9-]{0,31}(?=\/)/) || [''])[0];
// Who is signed in (GET /v1/whoami, or the sign-in's answer), with the
// CSRF token that every change must carry; kept in memory only: a page
// load asks /v1/whoami again, with the cookie.
export const session = {who: null};
export function rememberSession(who) { session.who = who; }
export function forgetSession() { session.who = null; }

class ApiError extends Error {
  // error: the answer's {status, message, field?, message_fr?, changed_by?};
  // body: the whole answer, when it is JSON (an update sheet's preview).
  constructor(status, detail, error = {}, body = null) {
    super(detail || String(status));
    this.status = status;
    this.detail = detail;
    this.error = error || {};
    this.body = body;
    this.messageFr = this.error.message_fr;  // the server's French message
    this.field = this.error.field;
  }
}

export async function api(path, opts = {}) {
  const headers = {};
  const method = opts.method || 'GET';
  if (method !== 'GET' && session.who && session.who.csrf_token) headers['X-CSRF-Token'] = session.who.csrf_token;
  // opts.raw: a File or Blob sent as it is (an uploaded spreadsheet).
  if (opts.body !== undefined && opts.raw === undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(BASE + path, {method, headers, credentials: 'same-origin',
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
  if (res.status === 204) return null;
  if (opts.blob) return res.blob();
  return res.json();
}

// The French message for a failed call.
export function messageOf(err, what) {
  if (err.messageFr) return err.messageFr;
  const detail = err.detail ? ` (détail technique : ${err.detail})` : '';
  switch (err.status) {
    case 0: return 'Le serveur Jalon ne répond pas. Vérifiez votre connexion et réessayez.';
    case 400: return `Demande refusée${what ? ' : ' + what : ''}${detail}.`;
    case 401: return 'Votre session a pris fin. Reconnectez-vous.';
    case 403: return `Accès refusé : vos rôles ne permettent pas ${what || 'cette opération'}.`;
    case 404: return `Introuvable${what ? ' : ' + what : ''}${detail}.`;
    case 409: return 'Le projet a changé entre-temps : rechargez la page et recommencez.';
    case 413: return 'La demande est trop volumineuse.';
    case 503: return 'Le service est momentanément indisponible (écritures suspendues). Réessayez plus tard.';
    default: return `Erreur du serveur (${err.status})${detail}.`;
  }
}

// Downloads a file of the API, as a blob (the same call as the others).
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

// Whether the user holds `role`.
export const hasRole = (role) => !!(session.who && (session.who.roles || [session.who.role]).includes(role));
// Whether the user may change the plan of direction `code`.
export const canWrite = (code) => hasRole('admin') || hasRole('direction:' + code);

// A role in words: 'direction:DEJ' reads "direction DEJ".
export function roleName(role) {
  if (role === 'admin') return 'administration';
  if (role === 'steering') return 'service de pilotage';
  if (role === 'auditor') return 'audit';
  if (role.startsWith('direction:')) return 'direction ' + role.slice(10);
  if (role.startsWith('reader:')) return 'lecture ' + role.slice(7);
  return role;
}
