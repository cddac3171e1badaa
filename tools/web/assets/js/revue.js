// Revues (#/direction/DEJ/revue): the biannual reviews and the mid-term
// revision. Steering holds a review and closes the revision; the page lists
// what is open since the last review, so that the review has its agenda.
import {api} from './api.js';
import {enc, fill, h, longDate, pct, statusBadge, table} from './dom.js';
import {commandForm, flashBanner, formsSection, mayRun} from './formulaire.js';
import {reminderBanner, remindersOf} from './relances.js';

// What a review should look at: late and at-risk actions, indicators off
// their trajectory.
function openItems(code, dash) {
  const actions = [];
  for (const axis of dash.axes) {
    for (const a of axis.actions) {
      if (a.status === 'late' || a.status === 'at_risk') actions.push(a);
    }
  }
  const indicators = dash.indicators.filter((i) => i.trajectory === 'off_track');
  if (!actions.length && !indicators.length) return h('p', {}, 'Aucune action en retard ou à risque, aucun indicateur hors trajectoire.');
  return h('ul.points-ouverts', {},
    actions.map((a) => h('li', {}, h('a', {href: `#/direction/${code}/action/${enc(a.id)}`}, `Action ${a.id} — ${a.title}`),
      ' : ', statusBadge('action_status', a.status), `, avancement ${pct(a.progress)}`)),
    indicators.map((i) => h('li', {}, h('a', {href: `#/direction/${code}/indicateur/${enc(i.id)}`}, `Indicateur ${i.id} — ${i.name}`),
      ' : ', statusBadge('trajectory', i.trajectory), `, atteinte ${pct(i.attainment)}`)));
}

export async function renderReviews(main, code) {
  const [plan, dash, reminders] = await Promise.all([
    api(`/v1/plans/${enc(code)}`), api(`/v1/plans/${enc(code)}/dashboard`), remindersOf(code)]);
  document.title = `Revues — ${plan.direction.name || code} — Jalon`;
  const redraw = () => renderReviews(main, code);
  const base = {code, version: plan.version, done: redraw};
  const revision = plan.revision;
  const reviews = plan.reviews || [];
  const forms = [
    mayRun('HoldReview', code) ? commandForm({...base, command: 'HoldReview', legend: 'Tenir la revue semestrielle',
      submit: 'Enregistrer la revue', success: 'Revue enregistrée.',
      intro: 'La revue fait le point sur l\'avancement des actions et les indicateurs, et décide des suites.',
      fields: [
        {name: 'date', label: 'Date de la revue', type: 'date', required: true, value: dash.at},
        {name: 'participants', label: 'Participants', type: 'list', required: true,
         help: 'Un participant par ligne.', rows: 3},
        {name: 'decisions', label: 'Conclusions et décisions', type: 'textarea', required: true, rows: 5}]}) : null,
    revision && !revision.closed && mayRun('CloseRevision', code) ? commandForm({...base, command: 'CloseRevision',
      legend: 'Clore la révision à mi-parcours', submit: 'Clore la révision', success: 'Révision close.',
      fields: [
        {name: 'date', label: 'Date de clôture', type: 'date', required: true, value: dash.at},
        {name: 'decision', label: 'Décision de clôture', type: 'textarea', required: true}]}) : null,
  ];
  fill(main,
    h('p.fil', {}, h('a', {href: `#/direction/${code}`}, plan.direction.name || code), ' › Revues'),
    h('h1', {}, `Revues et révision — ${plan.direction.name || code}`),
    flashBanner(),
    reminderBanner(reminders, ['review', 'revision'], {code, version: plan.version,
      writable: mayRun('AcknowledgeReminder', code), done: redraw}),
    h('h2', {}, 'Points ouverts depuis la dernière revue'),
    openItems(code, dash),
    formsSection('Décisions du pilotage', forms, ['HoldReview', 'CloseRevision']),
    h('h2', {}, 'Revues tenues'),
    reviews.length
      ? table(['Revue', 'Date', 'Participants', 'Décisions'], reviews.map((r) => h('tr', {'data-review': r.number},
          h('th', {scope: 'row'}, `n° ${r.number}`), h('td', {}, longDate(r.date)),
          h('td', {}, (r.participants || []).join(', ')), h('td', {}, r.decisions || '—'))), {id: 'revues', label: 'Revues tenues'})
      : h('p', {}, 'Aucune revue tenue pour l\'instant.'),
    h('h2', {}, 'Révision à mi-parcours'),
    revision ? h('dl.fiche', {id: 'revision'},
      h('dt', {}, 'Ouverte le'), h('dd', {}, longDate(revision.date)),
      h('dt', {}, 'À clore avant le'), h('dd', {}, longDate(revision.due)),
      h('dt', {}, 'État'), h('dd', {}, revision.closed ? `Close le ${longDate(revision.closed)}` : 'Ouverte'),
      revision.decision ? [h('dt', {}, 'Décision'), h('dd', {}, revision.decision)] : null,
      h('dt', {}, 'Changements'), h('dd', {}, h('a', {href: `#/historique/${code}`},
        'Voir dans l\'historique les changements faits pendant la révision')))
      : h('p', {}, 'La révision à mi-parcours n\'est pas encore ouverte : le calendrier du cycle l\'ouvre à mi-parcours.'));
}
