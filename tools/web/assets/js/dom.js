// Building the page: the h() element helper, the French formats of
// numbers and dates, the labels, and the widgets every page uses (gauges,
// tables, status badges, the screen reader announcement).
import {LABELS} from '../labels.js';

export const label = (group, code) => (LABELS[group] && LABELS[group][code]) || code;
export const enc = encodeURIComponent;

// h('tag.class', {attr: value}, children...): builds an element. Text
// children become text nodes, so nothing typed by staff is ever HTML.
export function h(spec, attrs, ...children) {
  const [tag, ...classes] = spec.split('.');
  const el = document.createElement(tag);
  if (classes.length) el.className = classes.join(' ');
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else if (k === 'style') Object.assign(el.style, v);  // CSSOM: allowed by the CSP
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}
// Replaces an element's content (arrays flattened, null skipped).
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}
function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const numberFormat = new Intl.NumberFormat('fr-FR', {maximumFractionDigits: 2});
// (v + 0 turns -0 into 0: no "-0 %".)
export const num = (v) => (typeof v === 'number' && isFinite(v) ? numberFormat.format(v + 0) : '—');
export const pct = (v) => (typeof v === 'number' && isFinite(v) ? numberFormat.format(v + 0) + ' %' : '—');
export const withUnit = (v, unit) => (typeof v === 'number' ? num(v) + (unit ? ' ' + unit : '') : '—');
const dateFormat = new Intl.DateTimeFormat('fr-FR', {day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC'});
const dateTimeFormat = new Intl.DateTimeFormat('fr-FR', {
  day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris'});
export function longDate(iso) {
  if (!iso || typeof iso !== 'string') return '—';
  const d = new Date(iso.length === 10 ? iso + 'T00:00:00Z' : iso);
  // « 1er janvier 2020 », as the documents write it (engine/util/french_date.h).
  return isNaN(d) ? iso : dateFormat.format(d).replace(/^1 /, '1er ');
}
// A text from the server with its ISO dates written in words (a reminder's
// expected data keeps its dates as data).
export const datesInWords = (text) => String(text || '').replace(/\b\d{4}-\d{2}-\d{2}\b/g, longDate);
// « 16 octobre 2018 à 09 h 00 » (Paris time), as the CLI writes an instant.
export function dateTime(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return iso || '—';
  const p = Object.fromEntries(dateTimeFormat.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.day === '1' ? '1er' : p.day} ${p.month} ${p.year} à ${p.hour} h ${p.minute}`;
}
export const dayNumber = (iso) => Math.floor(Date.parse(iso.slice(0, 10) + 'T00:00:00Z') / 86400000);
export const isoOfDay = (day) => new Date(day * 86400000).toISOString().slice(0, 10);
// `iso` moved by `n` days.
export const addDays = (iso, n) => isoOfDay(dayNumber(iso) + n);
// The same day `years` later (earlier if negative); 29 February becomes
// 28 February in a year that has none.
export function shiftYears(iso, years) {
  const [y, m, d] = iso.split('-').map(Number);
  const last = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
  return new Date(Date.UTC(y + years, m - 1, Math.min(d, last))).toISOString().slice(0, 10);
}

export function statusBadge(group, code) {
  return h('span.statut.statut-' + code, {}, label(group, code));
}
export function gauge(value, kind, name) {
  const measured = typeof value === 'number';
  const v = measured ? Math.max(0, Math.min(100, value)) : 0;
  // A figure not computed yet (a plan without indicators) is no meter, which
  // needs a value: it says so in words.
  return h('div.jauge', {role: measured ? 'meter' : 'img', 'aria-valuemin': measured ? 0 : null,
                         'aria-valuemax': measured ? 100 : null, 'aria-valuenow': measured ? value : null,
                         'aria-label': measured ? name : `${name} : pas encore calculée`, 'data-figure': kind},
    h('div.barre', {'aria-hidden': 'true'}, h('div.remplissage.' + kind, {style: {width: v + '%'}})),
    h('span.texte', {}, pct(value)));
}
export function progressBar(value, name = 'Avancement') {
  const v = Math.max(0, Math.min(100, value || 0));
  return h('div.progression', {},
    h('div.barre', {role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': value,
                    'aria-label': name},
      h('div.remplissage', {style: {width: v + '%'}})),
    h('span', {}, pct(value)));
}
// A table in a box that scrolls sideways on a narrow screen; the box takes
// the keyboard focus, so that it scrolls without a mouse (WCAG 2.1.1).
export function table(headers, rows, opts = {}) {
  return h('div.tableau-defilant', {tabindex: 0, role: 'region', 'aria-label': opts.caption || opts.label || 'Tableau'},
    h('table', {id: opts.id},
      opts.caption ? h('caption', {}, opts.caption) : null,
      h('thead', {}, h('tr', {}, headers.map((x) => h('th' + (x.num ? '.nombre' : ''), {scope: 'col'}, x.title || x)))),
      h('tbody', {}, rows)));
}

export const numCell = (content, attrs = {}) => h('td.nombre', attrs, content);

export function announce(text) {
  const el = document.getElementById('annonce');
  el.textContent = '';
  setTimeout(() => { el.textContent = text; }, 50);
}

// An entity of the log in words: 'action/A1.2' reads "Action A1.2".
export function entityName(entity) {
  const [kind, ...id] = entity.split('/');
  return label('entity', kind) + (id.length ? ' ' + id.join('/') : '');
}
