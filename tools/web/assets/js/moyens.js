// A scenario's means (ProposeScenario's optional `means`): the staff in
// full-time equivalents and the budget of each year of the plan's period,
// and the cost of new projects. The retained scenario's means are shown
// side by side with what the plan's actions take: the sum of their budgets,
// and the FTE of the actions active each year.
import {h, num, numCell, table} from './dom.js';

// The years of the plan's period, as strings ("2016" … "2020").
export function planYears(plan) {
  const p = plan.plan || {};
  const first = Number((p.period_start || '').slice(0, 4));
  const last = Number((p.period_end || '').slice(0, 4));
  if (!first || !last || last < first) return [];
  return Array.from({length: last - first + 1}, (_, i) => String(first + i));
}

// The fields of a ProposeScenario form that type its means.
export function meansFields(plan) {
  const years = planYears(plan);
  return [
    ...years.map((y) => ({name: `means.fte.${y}`, label: `Moyens humains ${y} (en ETP)`, type: 'number'})),
    ...years.map((y) => ({name: `means.budget_eur.${y}`, label: `Budget ${y} (en euros)`, type: 'number'})),
    {name: 'means.new_projects_eur', label: 'Coût des nouveaux projets (en euros)', type: 'number'}];
}

const live = (a) => a.status !== 'cancelled';
// Whether action `a` runs during `year`.
const activeIn = (a, year) => live(a) && (a.start || '') <= `${year}-12-31` && (a.due || '') >= `${year}-01-01`;

// The retained scenario's means against the actions' budgets and FTE; null
// when no scenario is retained.
export function retainedMeans(plan, opts = {}) {
  const retained = (plan.scenarios || []).find((s) => s.retained);
  if (!retained) return null;
  const means = retained.means || {};
  const actions = plan.actions || [];
  const years = planYears(plan);
  const fte = means.fte || {};
  const budget = means.budget_eur || {};
  const rows = years.map((y) => h('tr', {'data-year': y},
    h('th', {scope: 'row'}, y),
    numCell(y in fte ? num(fte[y]) : '—'),
    numCell(num(actions.filter((a) => activeIn(a, y)).reduce((s, a) => s + (a.fte || 0), 0))),
    numCell(y in budget ? num(budget[y]) + ' €' : '—')));
  const planned = Object.values(budget).reduce((s, v) => s + v, 0) + (means.new_projects_eur || 0);
  const spent = actions.filter(live).reduce((s, a) => s + (a.budget_eur || 0), 0);
  return h('div.moyens', {id: opts.id || 'moyens-retenus'},
    h('p', {}, `Scénario retenu : ${retained.id} — ${retained.title}.`),
    Object.keys(means).length ? null : h('p', {}, 'Ce scénario n\'indique pas ses moyens.'),
    table(['Année', {title: 'ETP du scénario', num: true}, {title: 'ETP des actions en cours', num: true},
           {title: 'Budget du scénario', num: true}], rows,
          {caption: 'Moyens du scénario retenu et moyens des actions, année par année'}),
    h('dl.moyens-totaux', {},
      h('dt', {}, 'Coût des nouveaux projets'), h('dd', {}, 'new_projects_eur' in means ? num(means.new_projects_eur) + ' €' : '—'),
      h('dt', {}, 'Budget total du scénario (années et nouveaux projets)'), h('dd', {'data-figure': 'scenario'}, num(planned) + ' €'),
      h('dt', {}, 'Somme des budgets des actions'), h('dd', {'data-figure': 'actions'}, num(spent) + ' €')));
}
