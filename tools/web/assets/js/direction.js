// Direction (#/direction/DEJ[?as_of=|?position=]): one plan, its two
// gauges, its missions, strengths and weaknesses, axes, actions and
// indicators, and its previous cycles. With as_of or position, the plan as
// it stood then (a previous cycle's plan at its close is at the position
// its cycle's entry gives).
import {api, messageOf, openDocument} from './api.js';
import {indicatorChart, targetChangeText} from './chart.js';
import {ficheSection} from './fiche.js';
import {writtenPlan} from './projet-lecture.js';
import {announce, dateTime, enc, fill, gauge, h, label, longDate, num, pct, progressBar, statusBadge, table,
        withUnit} from './dom.js';

// The plan's two gauges and counts, large.
export function headline(dash) {
  return h('div.jauges', {},
    h('div.jauge-grande', {},
      h('div.legende', {}, 'Réalisation — avancement des actions'),
      h('div.valeur', {'data-figure': 'execution'}, pct(dash.execution)),
      gauge(dash.execution, 'execution', 'Réalisation')),
    h('div.jauge-grande', {},
      h('div.legende', {}, 'Performance — atteinte des cibles'),
      h('div.valeur', {'data-figure': 'performance'}, pct(dash.performance)),
      gauge(dash.performance, 'performance', 'Performance')),
    h('div.jauge-grande', {},
      h('div.legende', {}, 'Actions en retard / à risque'),
      h('div.valeur', {}, h('span', {'data-figure': 'late'}, num(dash.late_actions)), ' / ',
        h('span', {'data-figure': 'at_risk'}, num(dash.at_risk_actions))),
      h('div.legende', {}, `au ${longDate(dash.at)}`)));
}

function missionMatrix(plan) {
  // In the methodology sheet's order, not the labels' (alphabetical) one.
  const values = ['listening', 'kindness', 'support', 'reactivity', 'proximity', 'adaptability'];
  const ambitions = ['user_relationship', 'efficiency', 'social_innovation', 'ways_of_working'];
  const cell = (m, group, key) => {
    const score = m[group] ? m[group][key] : undefined;
    if (typeof score !== 'number') return h('td.score', {}, h('span', {'aria-label': 'non évaluée'}, '—'));
    return h('td.score.score-' + score, {title: `${label(group === 'values' ? 'value' : 'ambition', key)} : ${score} sur 3`}, String(score));
  };
  return [
    h('div.tableau-defilant', {tabindex: 0, role: 'region', 'aria-label': 'Missions, valeurs et ambitions'}, h('table.matrice', {id: 'matrice'},
      h('caption', {}, 'Contribution de chaque mission aux valeurs et aux ambitions (0 : aucune, 3 : forte)'),
      h('colgroup', {}, h('col.col-mission'), [...values, ...ambitions].map(() => h('col'))),
      h('thead', {},
        h('tr', {}, h('td'), h('th', {scope: 'colgroup', colspan: values.length}, 'Valeurs'),
          h('th', {scope: 'colgroup', colspan: ambitions.length}, 'Ambitions')),
        h('tr', {}, h('th', {scope: 'col'}, 'Mission'),
          values.map((v) => h('th', {scope: 'col'}, label('value', v))),
          ambitions.map((a) => h('th', {scope: 'col'}, label('ambition', a))))),
      h('tbody', {}, plan.missions.map((m) => h('tr', {},
        h('th', {scope: 'row'}, `${m.id} — ${m.title}`),
        values.map((v) => cell(m, 'values', v)),
        ambitions.map((a) => cell(m, 'ambitions', a))))))),
    h('p.legende-matrice', {}, [0, 1, 2, 3].map((n) => h('span', {}, h('span.case.score-' + n), `${n}`)),
      h('span', {}, '— : mission non encore interrogée'))];
}

function swotQuadrants(plan) {
  const quadrants = ['internal_strength', 'internal_weakness', 'external_strength', 'external_weakness'];
  return h('div.quadrants', {id: 'atouts-faiblesses'}, quadrants.map((q) => {
    const items = (plan.swot || []).filter((x) => x.quadrant === q);
    return h('section.quadrant', {'aria-labelledby': 'q-' + q},
      h('h3', {id: 'q-' + q}, label('quadrant', q)),
      items.length ? h('ul', {}, items.map((x) => h('li', {}, x.text,
        x.evidence ? h('span.preuve', {}, `Élément de preuve : ${x.evidence.source || '—'}` +
                                           (x.evidence.date ? ` (${longDate(x.evidence.date)})` : '')) : null)))
                   : h('p.preuve', {}, 'Aucun élément.'));
  }));
}

// An action's dated changes (the plan's action, as show returns it): its
// reschedules, budget changes, completion or cancellation, in French.
function actionChanges(full) {
  if (!full) return null;
  const by = (x) => (x.by ? ` par ${x.by}` : '') + (x.reason ? ` — ${x.reason}` : '');
  const items = [
    ...(full.reschedules || []).map((x) =>
      `Replanifiée le ${longDate(x.date)}${by(x)} : du ${longDate(x.start)} au ${longDate(x.due)}`),
    ...(full.budget_changes || []).map((x) =>
      `Budget revu le ${longDate(x.date)}${by(x)} : ${num(x.budget_eur)} €, ${num(x.fte)} ETP`),
    full.completed ? `Achevée le ${longDate(full.completed)}` : null,
    full.cancelled ? `Annulée le ${longDate(full.cancelled)}` : null].filter((x) => x);
  if (!items.length) return null;
  return h('details.changements', {}, h('summary', {}, `Historique (${items.length})`),
    h('ul', {}, items.map((x) => h('li', {}, x))));
}

// An action carried over from the previous cycle says which it was.
function carriedFrom(plan, id) {
  const full = (plan.actions || []).find((x) => x.id === id);
  return full && full.carried_from
    ? h('span.preuve', {}, ` — reprise de l'action ${full.carried_from} du cycle précédent`) : null;
}

// `linked`: whether the actions and indicators link to their own pages
// (the current plan's; a previous cycle's are shown here only).
function axesAndActions(plan, dash, linked = true) {
  return dash.axes.map((axis) => {
    const full = plan.axes.find((a) => a.id === axis.id) || {};
    const v = full.validation;
    return h('section.axe', {'data-axis': axis.id, 'aria-labelledby': 'axe-' + axis.id},
      h('div.axe-entete', {},
        h('h3', {id: 'axe-' + axis.id}, `${axis.id} — ${axis.title}`),
        h('div.badges', {},
          axis.dropped ? h('span.statut.statut-cancelled', {}, 'Abandonné') : null,
          v ? h('span.statut.statut-done', {}, `Validé le ${longDate(v.date)}`) : h('span.statut.statut-open', {}, 'Non validé'))),
      v ? h('p.preuve', {}, `Orientation politique : ${v.orientation || '—'} — validé par ${v.by || '—'}`) : null,
      h('p', {}, 'Réalisation : ', h('strong', {'data-figure': 'axis-execution'}, pct(axis.execution)),
        ' · Performance : ', h('strong', {'data-figure': 'axis-performance'}, pct(axis.performance))),
      typeof axis.budget_eur === 'number' ? h('p', {}, 'Budget prévu : ',
        h('strong', {'data-figure': 'axis-budget'}, `${num(axis.budget_eur)} €`),
        ' · Dépensé : ', h('strong', {'data-figure': 'axis-spent'}, `${num(axis.spent_eur)} €`)) : null,
      table(['Action', 'Avancement', 'Statut', 'Pilote', 'Échéance'], axis.actions.map((a) =>
        h('tr', {'data-action': a.id},
          h('th', {scope: 'row'}, linked ? h('a', {href: `#/direction/${plan.direction.code}/action/${enc(a.id)}`},
            `${a.id} — ${a.title}`) : `${a.id} — ${a.title}`, carriedFrom(plan, a.id)),
          h('td', {'data-figure': 'progress'}, progressBar(a.progress, `Avancement de l'action ${a.id}`)),
          h('td', {}, statusBadge('action_status', a.status)),
          h('td', {}, a.owner || '—'),
          h('td', {}, longDate(a.due), actionChanges(plan.actions.find((x) => x.id === a.id))))), {label: `Actions de l'axe ${axis.id}`}));
  });
}

function indicatorCards(plan, dash, linked = true) {
  return h('div.indicateurs', {}, dash.indicators.map((d) => {
    const ind = plan.indicators.find((i) => i.id === d.id);
    if (!ind) return null;
    const unit = d.unit || '';
    return h('section.indicateur', {'data-indicator': d.id, 'aria-labelledby': 'ind-' + d.id},
      h('h3', {id: 'ind-' + d.id}, linked ? h('a', {href: `#/direction/${plan.direction.code}/indicateur/${enc(d.id)}`},
        `${d.id} — ${d.name}`) : `${d.id} — ${d.name}`),
      indicatorChart(ind, d),
      h('ul.legende-graphique', {'aria-hidden': 'true'},
        h('li', {}, h('span.trait'), 'mesures'), h('li', {}, h('span.trait.trajectoire'), 'trajectoire attendue'),
        h('li', {}, h('span.trait.cible'), 'cible'),
        (ind.target_changes || []).length ? h('li', {}, h('span.trait.initiale'), 'cible initiale') : null),
      h('dl', {},
        h('dt', {}, 'Référence'), h('dd', {}, `${withUnit(d.baseline, unit)} (${longDate(ind.baseline.date)})`),
        h('dt', {}, 'Cible initiale'), h('dd', {'data-figure': 'initial_target'}, withUnit(d.initial_target, unit)),
        h('dt', {}, 'Cible actuelle'), h('dd', {'data-figure': 'target'}, `${withUnit(d.target, unit)} au ${longDate(d.target_date)}`),
        h('dt', {}, 'Dernière mesure'), h('dd', {'data-figure': 'latest'},
          d.latest === null ? 'aucune' : `${withUnit(d.latest, unit)} (${longDate(d.latest_date)})`),
        h('dt', {}, 'Atteinte'), h('dd', {'data-figure': 'attainment'}, pct(d.attainment)),
        h('dt', {}, 'Trajectoire'), h('dd', {}, statusBadge('trajectory', d.trajectory)),
        (ind.target_changes || []).length ? [h('dt', {}, 'Changements de cible'),
          h('dd', {}, h('ul', {}, ind.target_changes.map((c, k) => h('li', {'data-target-change': k},
            targetChangeText(c, k ? ind.target_changes[k - 1].target : ind.target, unit)))))] : null));
  }));
}

// The plan's earlier cycles, each readable as it stood at its close, with
// its evaluation.
function previousCycles(plan, code) {
  const cycles = (plan.plan || {}).previous_cycles || [];
  if (!cycles.length) return null;
  return h('section', {'aria-labelledby': 'titre-cycles-precedents'},
    h('h2', {id: 'titre-cycles-precedents'}, 'Cycles précédents'),
    h('ul', {id: 'cycles-precedents'}, cycles.map((c) => h('li', {'data-cycle': c.cycle},
      `Cycle ${c.cycle} : « ${c.title} », du ${longDate(c.period_start)} au ${longDate(c.period_end)}` +
      (c.dated ? `, daté du ${longDate(c.dated)}` : '') + '. ',
      h('a', {href: `#/direction/${code}?position=${c.last_position}`}, `Le projet du cycle ${c.cycle} à sa clôture`),
      ' · ', h('a', {href: `#/evaluation/${code}?cycle=${c.cycle}`}, `L'évaluation du cycle ${c.cycle}`)))));
}

// An action or an indicator of a previous cycle, asked for by its address
// (a reminder sent during that cycle links to it): where it can be read now.
// `kind`: 'actions' or 'indicators'. False when the id is none of the
// earlier cycles'.
export function earlierEntityPage(main, plan, code, kind, id) {
  const p = plan.plan || {};
  if (!(((p.earlier_ids || {})[kind]) || []).includes(id)) return false;
  const what = kind === 'actions' ? `L'action ${id}` : `L'indicateur ${id}`;
  const carried = kind === 'actions' ? (plan.actions || []).find((a) => a.carried_from === id) : null;
  document.title = `${what} — cycle précédent — ${plan.direction.name || code} — Jalon`;
  fill(main,
    h('p.fil', {}, h('a', {href: `#/direction/${code}`}, plan.direction.name || code), ` › ${id}`),
    h('h1', {}, `${what}, d'un cycle précédent`),
    h('div.info', {role: 'note', id: 'element-cycle-precedent'},
      `${what} appartient à un cycle précédent du projet : le projet en cours, « ${p.title} », ouvre le cycle ` +
      `${p.cycle}. ${kind === 'actions' ? 'Elle' : 'Il'} se lit dans le projet de son cycle tel qu'il était à sa clôture.`),
    carried ? h('p', {}, 'Elle a été reprise dans ce cycle : ',
      h('a', {href: `#/direction/${code}/action/${enc(carried.id)}`}, `l'action ${carried.id} — ${carried.title}`), '.')
      : null,
    h('ul', {}, (p.previous_cycles || []).map((c) => h('li', {},
      h('a', {href: `#/direction/${code}?position=${c.last_position}`},
        `Le projet du cycle ${c.cycle} à sa clôture (« ${c.title} »)`)))));
  return true;
}

export async function renderDirection(main, code, params) {
  // One point of the log at most: a position (a previous cycle at its
  // close), or a date.
  const position = params.get('position');
  const asOf = position ? null : params.get('as_of');
  const q = position ? `?position=${enc(position)}` : asOf ? `?as_of=${enc(asOf)}` : '';
  const [plan, now] = await Promise.all([
    api(`/v1/plans/${enc(code)}${q}`),
    api(`/v1/plans/${enc(code)}/dashboard${q}${asOf ? '&at=' + asOf.slice(0, 10) : ''}`)]);
  const p = plan.plan || {};
  // A plan whose period has ended is measured at its end, not today.
  const dash = position && p.period_end && p.period_end < now.at
    ? await api(`/v1/plans/${enc(code)}/dashboard${q}&at=${p.period_end}`) : now;
  const name = plan.direction.name || code;
  document.title = position ? `${name} — cycle ${p.cycle || 1}, position ${position} — Jalon` : `${name} — Jalon`;
  fill(main, 
    h('h1', {}, name),
    h('p.chapeau', {}, `${p.title || 'Projet de direction'} — du ${longDate(p.period_start)} au ${longDate(p.period_end)}` +
      (plan.direction.pole ? ` — ${plan.direction.pole}` : '')),
    asOf ? h('div.info', {role: 'note'}, `Le projet tel qu'il était enregistré le ${dateTime(asOf)} (position ${plan.position} du journal). `,
      h('a', {href: `#/direction/${code}`}, 'Revenir à aujourd\'hui')) : null,
    position ? h('div.info', {role: 'note', id: 'vue-position'},
      `Le projet tel qu'il était enregistré à la position ${plan.position} du journal : cycle ${p.cycle || 1}, ` +
      `du ${longDate(p.period_start)} au ${longDate(p.period_end)}. Ses chiffres sont calculés au ${longDate(dash.at)}. `,
      h('a', {href: `#/direction/${code}`}, 'Revenir au projet en cours')) : null,
    h('div.actions-page', {},
      h('button', {type: 'button', onclick: () => window.print()}, 'Imprimer'),
      // The newcomers' brief of the plan shown: now, at a date, or at the
      // position read (a previous cycle at its close).
      h('button.secondaire', {type: 'button', onclick: () => openDocument(`/v1/plans/${enc(code)}/brief?format=html${
        position ? '&position=' + enc(position) : asOf ? '&as_of=' + enc(asOf) : ''}`)
        .catch((e) => announce(messageOf(e)))}, 'Présentation aux nouveaux arrivants')),
    headline(dash),
    writtenPlan(plan),
    h('h2', {}, 'Missions, valeurs et ambitions'), missionMatrix(plan),
    h('h2', {}, 'Atouts et faiblesses'), swotQuadrants(plan),
    h('h2', {}, 'Axes de progrès et actions'), axesAndActions(plan, dash, !position),
    h('h2', {}, 'Indicateurs'), indicatorCards(plan, dash, !position),
    previousCycles(plan, code),
    asOf || position ? null : ficheSection(code));
}
