// The plan's 4-year calendar: its actions as bars across the plan's period,
// grouped by axis, with the cycle's reviews, the mid-term revision and the
// evaluation year marked. Drawn in SVG, nothing fetched. A table with the
// same dates follows it for screen readers and for printing.
import {dayNumber, h, label, longDate, table} from './dom.js';
import {s} from './svg.js';

const cut = (text, n) => (text.length > n ? text.slice(0, n - 1) + '…' : text);
const MARK = {review: 'Revue', revision: 'Révision à mi-parcours', evaluation: 'Évaluation finale'};

export function planTimeline(plan, dash, occurrences) {
  const p = plan.plan || {};
  if (!p.period_start || !p.period_end) return null;
  const x0 = dayNumber(p.period_start), x1 = dayNumber(p.period_end);
  const status = {};
  for (const axis of dash.axes) for (const a of axis.actions) status[a.id] = a.status;
  const rows = [];
  for (const axis of plan.axes || []) {
    const actions = (plan.actions || []).filter((a) => a.axis === axis.id);
    if (!actions.length) continue;
    rows.push({axis});
    for (const a of actions) rows.push({action: a});
  }
  const W = 1000, L = 230, R = 16, T = 40, ROW = 22;
  const H = T + rows.length * ROW + 12;
  const X = (d) => L + (Math.min(Math.max(d, x0), x1) - x0) / (x1 - x0) * (W - L - R);
  const parts = [];
  const firstYear = Number(p.period_start.slice(0, 4)), lastYear = Number(p.period_end.slice(0, 4));
  for (let y = firstYear; y <= lastYear; y++) {
    const d = Math.max(dayNumber(`${y}-01-01`), x0);
    parts.push(s('line', {class: 'grille', x1: X(d), x2: X(d), y1: T - 6, y2: H - 8}),
               s('text', {x: X(d) + 4, y: 18}, String(y)));
  }
  for (const o of occurrences || []) {
    if (!MARK[o.schedule]) continue;
    const d = dayNumber(o.due);
    parts.push(s('line', {class: 'jalon-' + o.schedule, x1: X(d), x2: X(d), y1: T - 12, y2: H - 8},
      s('title', {}, `${MARK[o.schedule]} : ${longDate(o.due)}`)));
  }
  rows.forEach((r, i) => {
    const y = T + i * ROW;
    if (r.axis) {
      parts.push(s('text', {class: 'axe-gantt', x: 4, y: y + 15}, cut(`${r.axis.id} — ${r.axis.title}`, 34)));
      return;
    }
    const a = r.action;
    const st = status[a.id] || a.status;
    parts.push(s('text', {x: 14, y: y + 15}, cut(`${a.id} ${a.title}`, 32)),
      s('rect', {class: 'barre-gantt statut-' + st, x: X(dayNumber(a.start)), y: y + 4, rx: 3,
                 width: Math.max(3, X(dayNumber(a.due)) - X(dayNumber(a.start))), height: ROW - 8},
        s('title', {}, `${a.id} — ${a.title} : du ${longDate(a.start)} au ${longDate(a.due)} (${label('action_status', st)})`)));
  });
  const svg = s('svg', {class: 'gantt', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'gantt-titre'},
    s('title', {id: 'gantt-titre'}, 'Calendrier du plan d\'action sur la période du projet'), parts);
  return h('figure.calendrier-projet', {},
    svg,
    h('figcaption', {}, 'Barres : les actions, de leur début à leur échéance, groupées par axe. Traits verticaux : ',
      'revues semestrielles (pointillés), révision à mi-parcours et évaluation finale (traits pleins). ',
      'Les mêmes dates figurent dans le tableau ci-dessous.'),
    h('details', {}, h('summary', {}, 'Le calendrier sous forme de tableau'),
      table(['Action', 'Axe', 'Début', 'Échéance', 'Statut'], (plan.actions || []).map((a) => h('tr', {},
        h('th', {scope: 'row'}, `${a.id} — ${a.title}`), h('td', {}, a.axis), h('td', {}, longDate(a.start)),
        h('td', {}, longDate(a.due)), h('td', {}, label('action_status', status[a.id] || a.status)))),
      {label: 'Calendrier des actions'})));
}
