// Action (#/direction/DEJ/action/A1.2): one action of the plan, its
// progress and its history, and the forms of its life: report progress,
// reschedule, complete, cancel, edit, and record spending (budget
// execution, shown apart from the progress).
import {api} from './api.js';
import {earlierEntityPage} from './direction.js';
import {enc, fill, h, longDate, num, pct, progressBar, statusBadge, table} from './dom.js';
import {commandForm, flashBanner, formsSection, mayRun} from './formulaire.js';
import {reminderBanner, remindersOf} from './relances.js';

const euros = (v) => (typeof v === 'number' ? num(v) + ' €' : '—');

// The changes of dates, in both shapes the plan has held them in.
function rescheduleRows(action) {
  return (action.reschedules || []).map((r) => {
    const to = r.to || r;
    return h('tr', {},
      h('td', {}, r.date ? longDate(r.date) : '—'),
      h('td', {}, `${longDate(to.start)} → ${longDate(to.due)}`),
      h('td', {}, r.reason || '—'), h('td', {}, r.by || '—'));
  });
}

export async function renderAction(main, code, id) {
  const [plan, dash, reminders] = await Promise.all([
    api(`/v1/plans/${enc(code)}`), api(`/v1/plans/${enc(code)}/dashboard`), remindersOf(code)]);
  const action = (plan.actions || []).find((a) => a.id === id);
  if (!action) {
    if (earlierEntityPage(main, plan, code, 'actions', id)) return;
    const err = new Error('no such action');
    err.status = 404;
    err.detail = `l'action ${id} n'existe pas dans le projet de la direction ${code}`;
    throw err;
  }
  let figures = {};
  for (const axis of dash.axes) {
    const a = axis.actions.find((x) => x.id === id);
    if (a) figures = a;
  }
  const axis = (plan.axes || []).find((x) => x.id === action.axis) || {};
  // The plan holds the initial dates and budget with their changes; the
  // dashboard gives those in force today.
  const now = {start: figures.start || action.start, due: figures.due || action.due,
               budget_eur: figures.budget_eur ?? action.budget_eur, fte: figures.fte ?? action.fte};
  document.title = `Action ${id} — ${plan.direction.name || code} — Jalon`;
  const redraw = () => renderAction(main, code, id);
  const open = action.status !== 'done' && action.status !== 'cancelled';
  const writable = mayRun('ReportProgress', code);
  const base = {code, version: plan.version, fixed: {action: id}, done: redraw};
  const today = dash.at;
  const forms = writable && open ? [
    commandForm({...base, command: 'ReportProgress', legend: 'Déclarer l\'avancement', submit: 'Enregistrer',
      success: 'Avancement enregistré.',
      fields: [
        {name: 'percent', label: 'Avancement (en %)', type: 'number', required: true, help: 'Un nombre de 0 à 100.'},
        {name: 'date', label: 'Date de l\'avancement', type: 'date', required: true, value: today},
        {name: 'note', label: 'Note', type: 'textarea', help: 'Ce qui a été fait, ce qui reste, les difficultés.'}]}),
    commandForm({...base, command: 'RescheduleAction', legend: 'Replanifier l\'action', submit: 'Replanifier',
      success: 'Nouvelles dates enregistrées.',
      fields: [
        {name: 'start', label: 'Nouvelle date de début', type: 'date', value: now.start},
        {name: 'due', label: 'Nouvelle échéance', type: 'date', value: now.due},
        {name: 'reason', label: 'Motif', type: 'text', required: true}]}),
    commandForm({...base, command: 'CompleteAction', legend: 'Déclarer l\'action terminée', submit: 'Déclarer terminée',
      success: 'Action déclarée terminée.',
      fields: [{name: 'date', label: 'Date d\'achèvement', type: 'date', value: today}]}),
    commandForm({...base, command: 'CancelAction', legend: 'Annuler l\'action', submit: 'Annuler l\'action',
      success: 'Action annulée.',
      fields: [
        {name: 'reason', label: 'Motif de l\'annulation', type: 'text'},
        {name: 'date', label: 'Date de l\'annulation', type: 'date', value: today}]}),
    commandForm({...base, command: 'EditAction', legend: 'Modifier l\'action', submit: 'Enregistrer les modifications',
      success: 'Action modifiée.',
      fields: [
        {name: 'title', label: 'Intitulé', type: 'text', value: action.title},
        {name: 'owner', label: 'Pilote', type: 'text', value: action.owner},
        {name: 'budget_eur', label: 'Budget (en euros)', type: 'number', value: now.budget_eur},
        {name: 'fte', label: 'Moyens humains (en ETP)', type: 'number', value: now.fte},
        {name: 'status', label: 'État', type: 'select', value: action.status,
         options: [['planned', 'Prévue'], ['started', 'Engagée']]}]}),
  ] : [];
  if (writable) {
    forms.push(commandForm({...base, command: 'RecordSpending', legend: 'Enregistrer une dépense', submit: 'Enregistrer la dépense',
      success: 'Dépense enregistrée.',
      intro: 'Une correction se saisit comme un montant négatif, avec son motif.',
      fields: [
        {name: 'amount_eur', label: 'Montant (en euros)', type: 'number', required: true},
        {name: 'date', label: 'Date de la dépense', type: 'date', required: true, value: today},
        {name: 'label', label: 'Libellé', type: 'text', required: true, help: 'Par exemple : facture, marché, bon de commande.'},
        {name: 'reason', label: 'Motif (pour une correction)', type: 'text'}]}));
  }
  const progress = [...(action.progress || [])].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
  fill(main,
    h('p.fil', {}, h('a', {href: `#/direction/${code}`}, plan.direction.name || code), ' › ',
      `Axe ${axis.id || action.axis}${axis.title ? ' — ' + axis.title : ''}`),
    h('h1', {}, `Action ${id} — ${action.title}`),
    flashBanner(),
    reminderBanner(reminders, [`action/${id}`], {code, version: plan.version, writable, done: redraw}),
    h('dl.fiche', {id: 'fiche-action'},
      h('dt', {}, 'Statut'), h('dd', {'data-figure': 'status'}, statusBadge('action_status', figures.status || action.status),
        action.completed ? ` le ${longDate(action.completed)}` : '', action.cancelled ? ` le ${longDate(action.cancelled)}` : ''),
      h('dt', {}, 'Avancement'), h('dd', {'data-figure': 'progress'}, progressBar(figures.progress)),
      h('dt', {}, 'Pilote'), h('dd', {}, action.owner || '—'),
      h('dt', {}, 'Début'), h('dd', {}, longDate(now.start)),
      h('dt', {}, 'Échéance'), h('dd', {}, longDate(now.due)),
      h('dt', {}, 'Budget prévu'), h('dd', {'data-figure': 'budget'}, euros(now.budget_eur)),
      h('dt', {}, 'Dépensé à ce jour'), h('dd', {'data-figure': 'spent'}, euros(figures.spent_eur),
        figures.budget_eur > 0 && typeof figures.spent_eur === 'number'
          ? ` (${pct(100 * figures.spent_eur / figures.budget_eur)} du budget prévu)` : ''),
      h('dt', {}, 'Moyens humains'), h('dd', {}, typeof now.fte === 'number' ? `${num(now.fte)} ETP` : '—')),
    formsSection('Mettre à jour l\'action', forms, ['ReportProgress']),
    h('h2', {}, 'Avancements déclarés'),
    progress.length
      ? table(['Date', {title: 'Avancement', num: true}, 'Note'], progress.map((p) => h('tr', {},
          h('th', {scope: 'row'}, longDate(p.date)), h('td.nombre', {}, pct(p.percent)), h('td', {}, p.note || '—'))),
        {id: 'avancements', label: 'Avancements déclarés'})
      : h('p', {}, 'Aucun avancement déclaré.'),
    (action.reschedules || []).length ? [h('h2', {}, 'Replanifications'),
      table(['Date', 'Nouvelles dates', 'Motif', 'Par'], rescheduleRows(action), {id: 'replanifications', label: 'Replanifications'})] : null,
    (action.budget_changes || []).length ? [h('h2', {}, 'Changements de budget et de moyens'),
      table(['Date', 'Budget', 'Moyens humains', 'Motif', 'Par'], action.budget_changes.map((c) => h('tr', {},
        h('th', {scope: 'row'}, longDate(c.date)), h('td', {}, euros(c.budget_eur)),
        h('td', {}, typeof c.fte === 'number' ? `${num(c.fte)} ETP` : '—'), h('td', {}, c.reason || '—'),
        h('td', {}, c.by || '—'))), {id: 'changements-budget', label: 'Changements de budget et de moyens'})] : null,
    (action.spending || []).length ? [h('h2', {}, 'Dépenses'),
      table(['Date', {title: 'Montant', num: true}, 'Libellé', 'Motif'], action.spending.map((x) => h('tr', {},
        h('th', {scope: 'row'}, longDate(x.date)), h('td.nombre', {}, euros(x.amount_eur)),
        h('td', {}, x.label || '—'), h('td', {}, x.reason || '—'))), {id: 'depenses', label: 'Dépenses'})] : null,
    h('p', {}, h('a', {href: `#/historique/${code}?entity=${enc('action/' + id)}`}, 'Voir l\'historique complet de l\'action')));
}
