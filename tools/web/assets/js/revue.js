// Revues (#/direction/DEJ/revue): the biannual reviews and the mid-term
// revision. Steering holds a review (conclusions, decisions linked to the
// actions and indicators they concern), sets the revision's modalities and
// closes it; the page lists
// what is open since the last review, so that the review has its agenda.
import {api} from './api.js';
import {enc, fill, h, label, longDate, pct, statusBadge, table} from './dom.js';
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

// The actions and indicators a decision may concern, as checkbox choices.
function concernOptions(plan) {
  return [...(plan.actions || []).map((a) => [`action/${a.id}`, `Action ${a.id} — ${a.title}`]),
    ...(plan.indicators || []).map((i) => [`indicator/${i.id}`, `Indicateur ${i.id} — ${i.name}`])];
}

// A review's decisions: a text (older reviews), or each decision with
// links to the items it concerns.
function decisionsOf(code, plan, decisions) {
  if (!Array.isArray(decisions)) return decisions || '—';
  if (!decisions.length) return '—';
  return h('ul.decisions', {}, decisions.map((d) => h('li', {}, d.text,
    (d.concerns || []).length ? [' — ', (d.concerns || []).map((c, i) => {
      const [kind, id] = c.split('/');
      const item = kind === 'action' ? (plan.actions || []).find((a) => a.id === id)
        : (plan.indicators || []).find((x) => x.id === id);
      const page = kind === 'action' ? 'action' : 'indicateur';
      return [i ? ', ' : '', h('a', {href: `#/direction/${code}/${page}/${enc(id)}`},
        `${kind === 'action' ? 'Action' : 'Indicateur'} ${id}${item ? ' — ' + (item.title || item.name) : ''}`)];
    })] : null)));
}

// The changes recorded while the revision is open (to its close, or now).
function revisionChanges(code, revision) {
  const list = h('div', {'data-figure': 'revision-changes'}, 'Chargement des changements…');
  const to = revision.closed ? `&to=${enc(revision.closed + 'T23:59:59Z')}` : '';
  api(`/v1/plans/${enc(code)}/history?from=${enc(revision.date + 'T00:00:00Z')}${to}`).then((hist) => {
    const events = (hist.entries || []).filter((e) => !/^(Reminder|Delivery|Occurrence)/.test(e.type));
    fill(list, events.length
      ? h('ul', {}, events.slice(-50).map((e) => h('li', {}, `${longDate((e.recorded_at || '').slice(0, 10))} — `,
          label('event', e.type), e.entity ? ` (${e.entity})` : '', ` — ${e.actor_name || e.actor || ''}`)))
      : h('p', {}, 'Aucun changement pendant la révision.'),
    h('p', {}, h('a', {href: `#/historique/${code}`}, 'Voir l\'historique complet')));
  }).catch(() => fill(list, h('a', {href: `#/historique/${code}`}, 'Voir les changements dans l\'historique')));
  return list;
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
        {name: 'conclusions', label: 'Conclusions', type: 'textarea', rows: 4},
        {name: 'decisions.text', label: 'Décision', type: 'textarea', rows: 3,
         help: 'Une décision par revue saisie ici ; cochez les actions et indicateurs qu\'elle concerne.'},
        {name: 'decisions.concerns', label: 'Elle concerne', type: 'checkboxes', options: concernOptions(plan)}],
      shape: (d) => {
        const x = d.decisions || {};
        d.decisions = x.text ? [{text: x.text, concerns: x.concerns || []}] : [];
      }}) : null,
    revision && !revision.closed && mayRun('SetRevisionModalities', code) ? commandForm({...base,
      command: 'SetRevisionModalities', legend: 'Fixer les modalités de la révision', submit: 'Enregistrer les modalités',
      success: 'Modalités enregistrées.',
      fields: [
        {name: 'scope', label: 'Ce que couvre la révision', type: 'textarea', required: true, value: revision.scope || ''},
        {name: 'modalities', label: 'Modalités', type: 'textarea', required: true, value: revision.modalities || '',
         help: 'Qui y participe, comment, selon quel calendrier.'}]}) : null,
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
    formsSection('Décisions du pilotage', forms, ['HoldReview', 'SetRevisionModalities', 'CloseRevision']),
    h('h2', {}, 'Revues tenues'),
    reviews.length
      ? table(['Revue', 'Date', 'Participants', 'Conclusions', 'Décisions'], reviews.map((r) => h('tr', {'data-review': r.number},
          h('th', {scope: 'row'}, `n° ${r.number}`), h('td', {}, longDate(r.date)),
          h('td', {}, (r.participants || []).join(', ')), h('td', {}, r.conclusions || '—'),
          h('td', {}, decisionsOf(code, plan, r.decisions)))), {id: 'revues', label: 'Revues tenues'})
      : h('p', {}, 'Aucune revue tenue pour l\'instant.'),
    h('h2', {}, 'Révision à mi-parcours'),
    revision ? h('dl.fiche', {id: 'revision'},
      h('dt', {}, 'Ouverte le'), h('dd', {}, longDate(revision.date)),
      h('dt', {}, 'À clore avant le'), h('dd', {}, longDate(revision.due)),
      h('dt', {}, 'État'), h('dd', {}, revision.closed ? `Close le ${longDate(revision.closed)}` : 'Ouverte'),
      h('dt', {}, 'Ce qu\'elle couvre'), h('dd', {'data-figure': 'revision-scope'}, revision.scope || '—'),
      h('dt', {}, 'Modalités'), h('dd', {'data-figure': 'revision-modalities'}, revision.modalities || '—'),
      revision.decision ? [h('dt', {}, 'Décision'), h('dd', {}, revision.decision)] : null,
      h('dt', {}, 'Changements'), h('dd', {}, revisionChanges(code, revision)))
      : h('p', {}, 'La révision à mi-parcours n\'est pas encore ouverte : le calendrier du cycle l\'ouvre à mi-parcours.'));
}
