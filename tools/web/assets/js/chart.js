// An indicator's chart, drawn in SVG: no library, nothing fetched.
import {dateTime, dayNumber, longDate, num, withUnit} from './dom.js';
import {s} from './svg.js';


// "Cible changée le 15 janvier 2018 par Comité de pilotage : 60 % → 50 % au
// 31 décembre 2019 — Révision à mi-parcours (enregistré le …)".
export function targetChangeText(c, before, unit) {
  return `Cible changée le ${longDate(c.date)}` + (c.by ? ` par ${c.by}` : '') +
    ` : ${withUnit(before.value, unit)} → ${withUnit(c.target.value, unit)} au ${longDate(c.target.date)}` +
    (c.reason ? ` — ${c.reason}` : '') + (c.recorded ? ` (enregistré le ${dateTime(c.recorded)})` : '');
}

// An indicator's chart: the measurements, the baseline, the initial target
// and the one in force on the dashboard's date, the expected trajectory
// (baseline to target), and a mark at each target change, with its date,
// author and reason. `ind` is the plan's indicator (its `target` the
// initial one), `dashInd` the dashboard's.
export function indicatorChart(ind, dashInd) {
  const W = 420, H = 220, L = 46, R = 22, T = 14, B = 30;
  const ms = (ind.measurements || []).map((m) => ({day: dayNumber(m.date), value: m.value, date: m.date}))
    .sort((a, b) => a.day - b.day);
  const base = {day: dayNumber(ind.baseline.date), value: ind.baseline.value};
  const changes = ind.target_changes || [];
  const initial = changes.length ? {day: dayNumber(ind.target.date), value: ind.target.value} : null;
  const last = changes.length ? changes[changes.length - 1].target : ind.target;
  const inForce = dashInd && dashInd.target_date ? {value: dashInd.target, date: dashInd.target_date} : last;
  const target = {day: dayNumber(inForce.date), value: inForce.value};
  const marks = changes.map((c, k) => ({day: dayNumber(c.date), value: c.target.value, change: c,
                                        before: k ? changes[k - 1].target : ind.target}));
  const days = [base.day, target.day, ...ms.map((m) => m.day), ...marks.map((m) => m.day)]
    .concat(initial ? [initial.day] : []);
  const vals = [base.value, target.value, ...ms.map((m) => m.value), ...marks.map((m) => m.value)]
    .concat(initial ? [initial.value] : []);
  let x0 = Math.min(...days), x1 = Math.max(...days);
  if (x1 - x0 < 30) x1 = x0 + 30;
  // The y range: the values with a margin, on round ticks (1, 2 or 5 x 10^n).
  const lo = Math.min(...vals), hi = Math.max(...vals);
  const raw = ((hi - lo) || Math.abs(hi) || 1) / 4;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((x) => x >= raw);
  let y0 = Math.floor((lo - step * 0.25) / step) * step, y1 = Math.ceil((hi + step * 0.25) / step) * step;
  if (y0 < 0 && lo >= 0) y0 = 0;
  const X = (d) => L + (d - x0) / (x1 - x0) * (W - L - R);
  const Y = (v) => T + (1 - (v - y0) / (y1 - y0)) * (H - T - B);
  const unit = ind.unit || '';
  const parts = [];
  // Grid and y ticks.
  for (let v = y0; v <= y1 + step / 1000; v += step) {
    parts.push(s('line', {class: 'grille', x1: L, x2: W - R, y1: Y(v), y2: Y(v)}),
               s('text', {x: L - 6, y: Y(v) + 4, 'text-anchor': 'end'}, num(Math.round(v * 1e6) / 1e6)));
  }
  // Years on the x axis.
  const firstYear = new Date(x0 * 86400000).getUTCFullYear() + 1;
  const lastYear = new Date(x1 * 86400000).getUTCFullYear();
  for (let y = firstYear; y <= lastYear; y++) {
    const d = dayNumber(`${y}-01-01`);
    parts.push(s('line', {class: 'grille', x1: X(d), x2: X(d), y1: T, y2: H - B}),
               s('text', {x: X(d), y: H - B + 16, 'text-anchor': 'middle'}, String(y)));
  }
  parts.push(s('line', {class: 'axe-graphique', x1: L, x2: L, y1: T, y2: H - B}),
             s('line', {class: 'axe-graphique', x1: L, x2: W - R, y1: H - B, y2: H - B}));
  const maintain = ind.polarity === 'maintain_above' || ind.polarity === 'maintain_below';
  if (initial && (initial.value !== target.value || initial.day !== target.day)) {
    parts.push(s('polyline', {class: 'cible-initiale', points: maintain
      ? `${X(x0)},${Y(initial.value)} ${X(initial.day)},${Y(initial.value)}`
      : `${X(base.day)},${Y(base.value)} ${X(initial.day)},${Y(initial.value)}`},
      s('title', {}, `Cible initiale : ${withUnit(initial.value, unit)} au ${longDate(ind.target.date)}`)));
  }
  for (const m of marks) {
    const c = m.change;
    parts.push(s('g', {class: 'changement-cible'},
      s('line', {x1: X(m.day), x2: X(m.day), y1: T, y2: H - B}),
      s('circle', {cx: X(m.day), cy: Y(m.value), r: 4}),
      s('title', {}, targetChangeText(c, m.before, unit))));
  }
  parts.push(s('polyline', {class: 'trajectoire', points: maintain
    ? `${X(x0)},${Y(target.value)} ${X(target.day)},${Y(target.value)}`
    : `${X(base.day)},${Y(base.value)} ${X(target.day)},${Y(target.value)}`},
    s('title', {}, 'Trajectoire attendue')));
  parts.push(s('line', {class: 'cible', x1: X(target.day) - 8, x2: X(target.day) + 8, y1: Y(target.value), y2: Y(target.value)},
    s('title', {}, `Cible : ${withUnit(target.value, unit)} au ${longDate(inForce.date)}`)));
  if (ms.length) {
    parts.push(s('polyline', {class: 'mesures', points: [base, ...ms].map((m) => `${X(m.day)},${Y(m.value)}`).join(' ')}));
  }
  parts.push(s('circle', {class: 'reference', cx: X(base.day), cy: Y(base.value), r: 4},
    s('title', {}, `Valeur de référence : ${withUnit(base.value, unit)} au ${longDate(ind.baseline.date)}`)));
  for (const m of ms) {
    parts.push(s('circle', {class: 'point', cx: X(m.day), cy: Y(m.value), r: 3.5},
      s('title', {}, `${longDate(m.date)} : ${withUnit(m.value, unit)}`)));
  }
  const titleId = 'g-titre-' + ind.id, descId = 'g-desc-' + ind.id;
  const desc = `Référence ${withUnit(base.value, unit)} (${longDate(ind.baseline.date)}), ` +
    `${ms.length} mesure(s)` + (ms.length ? `, dernière ${withUnit(ms[ms.length - 1].value, unit)} (${longDate(ms[ms.length - 1].date)})` : '') +
    `, cible ${withUnit(target.value, unit)} au ${longDate(inForce.date)}` +
    (changes.length ? `, ${changes.length} changement(s) de cible.` : '.');
  return s('svg', {class: 'graphique', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `${titleId} ${descId}`},
    s('title', {id: titleId}, `Évolution de l'indicateur ${ind.id}`), s('desc', {id: descId}, desc), parts);
}
