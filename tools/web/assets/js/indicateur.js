// Indicateur (#/direction/DEJ/indicateur/I3): one indicator, its chart,
// its baseline and targets with their lineage, its measurements, and the
// forms of its life: record a measurement, correct one, propose a target
// change, retire it.
import {api} from './api.js';
import {earlierEntityPage} from './direction.js';
import {indicatorChart} from './chart.js';
import {enc, fill, h, label, longDate, pct, statusBadge, table, withUnit} from './dom.js';
import {commandForm, flashBanner, formsSection, mayRun} from './formulaire.js';
import {reminderBanner, remindersOf} from './relances.js';

const FREQUENCY = {monthly: 'Mensuelle', quarterly: 'Trimestrielle', semiannual: 'Semestrielle', annual: 'Annuelle'};

// A target change in both shapes the plan has held them in.
function targetOf(change) {
  return change.target || change.to || {};
}

export async function renderIndicator(main, code, id) {
  const [plan, dash, reminders] = await Promise.all([
    api(`/v1/plans/${enc(code)}`), api(`/v1/plans/${enc(code)}/dashboard`), remindersOf(code)]);
  const ind = (plan.indicators || []).find((i) => i.id === id);
  if (!ind) {
    if (earlierEntityPage(main, plan, code, 'indicators', id)) return;
    const err = new Error('no such indicator');
    err.status = 404;
    err.detail = `l'indicateur ${id} n'existe pas dans le projet de la direction ${code}`;
    throw err;
  }
  const d = dash.indicators.find((x) => x.id === id) || {};
  const unit = ind.unit || '';
  document.title = `Indicateur ${id} — ${plan.direction.name || code} — Jalon`;
  const redraw = () => renderIndicator(main, code, id);
  const writable = mayRun('RecordMeasurement', code) && !ind.retired;
  const base = {code, version: plan.version, fixed: {indicator: id}, done: redraw};
  const measurements = [...(ind.measurements || [])].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
  const forms = writable ? [
    commandForm({...base, command: 'RecordMeasurement', legend: 'Saisir une mesure', submit: 'Enregistrer la mesure',
      success: 'Mesure enregistrée.',
      fields: [
        {name: 'value', label: `Valeur${unit ? ' (en ' + unit + ')' : ''}`, type: 'number', required: true},
        {name: 'date', label: 'Date de la mesure', type: 'date', required: true, value: dash.at},
        {name: 'source', label: 'Source', type: 'text', value: ind.source},
        {name: 'comment', label: 'Commentaire', type: 'textarea'}]}),
    measurements.length ? commandForm({...base, command: 'CorrectMeasurement', legend: 'Corriger une mesure',
      submit: 'Corriger', success: 'Mesure corrigée.',
      intro: 'La mesure d\'origine reste dans l\'historique : la correction s\'y ajoute, avec son motif.',
      fields: [
        {name: 'date', label: 'Mesure à corriger', type: 'select', required: true,
         options: measurements.map((m) => [m.date, `${longDate(m.date)} : ${withUnit(m.value, unit)}`])},
        {name: 'value', label: 'Valeur corrigée', type: 'number', required: true},
        {name: 'reason', label: 'Motif de la correction', type: 'text', required: true}]}) : null,
    commandForm({...base, command: 'ChangeTarget', legend: 'Proposer un changement de cible',
      submit: 'Enregistrer la nouvelle cible', success: 'Nouvelle cible enregistrée.',
      intro: 'La cible initiale et chaque révision restent visibles, avec leur date, leur auteur et leur motif.',
      fields: [
        {name: 'target.value', label: `Nouvelle valeur cible${unit ? ' (en ' + unit + ')' : ''}`, type: 'number', required: true},
        {name: 'target.date', label: 'À atteindre le', type: 'date', required: true, value: ind.target && ind.target.date},
        {name: 'reason', label: 'Motif', type: 'text', required: true}]}),
    commandForm({...base, command: 'RetireIndicator', legend: 'Retirer l\'indicateur', submit: 'Retirer l\'indicateur',
      success: 'Indicateur retiré.',
      fields: [{name: 'reason', label: 'Motif du retrait', type: 'text'}]}),
  ] : [];
  const changes = ind.target_changes || [];
  fill(main,
    h('p.fil', {}, h('a', {href: `#/direction/${code}`}, plan.direction.name || code), ' › Indicateurs'),
    h('h1', {}, `Indicateur ${id} — ${ind.name}`),
    flashBanner(),
    reminderBanner(reminders, [`indicator/${id}`], {code, version: plan.version, writable, done: redraw}),
    h('div.graphique-indicateur', {}, indicatorChart(ind, d)),
    h('dl.fiche', {id: 'fiche-indicateur'},
      h('dt', {}, 'Nature'), h('dd', {}, label('indicator_kind', ind.kind)),
      h('dt', {}, 'Référence'), h('dd', {}, `${withUnit(ind.baseline.value, unit)} (${longDate(ind.baseline.date)})`),
      h('dt', {}, 'Cible initiale'), h('dd', {'data-figure': 'initial_target'}, withUnit(d.initial_target, unit)),
      h('dt', {}, 'Cible actuelle'), h('dd', {'data-figure': 'target'},
        `${withUnit(d.target, unit)}${d.target_date ? ' au ' + longDate(d.target_date) : ''}`),
      h('dt', {}, 'Dernière mesure'), h('dd', {'data-figure': 'latest'},
        d.latest === null || d.latest === undefined ? 'aucune' : `${withUnit(d.latest, unit)} (${longDate(d.latest_date)})`),
      h('dt', {}, 'Atteinte'), h('dd', {'data-figure': 'attainment'}, pct(d.attainment)),
      h('dt', {}, 'Trajectoire'), h('dd', {}, statusBadge('trajectory', d.trajectory || (ind.retired ? 'retired' : 'not_measured'))),
      h('dt', {}, 'Fréquence de mesure'), h('dd', {}, FREQUENCY[ind.frequency] || ind.frequency || '—'),
      h('dt', {}, 'Source'), h('dd', {}, ind.source || '—')),
    formsSection('Mettre à jour l\'indicateur', forms, ['RecordMeasurement']),
    changes.length ? [h('h2', {}, 'Révisions de la cible'),
      table(['Date', 'Nouvelle cible', 'Motif', 'Par'], changes.map((c) => h('tr', {},
        h('th', {scope: 'row'}, c.date ? longDate(c.date) : '—'),
        h('td', {}, `${withUnit(targetOf(c).value, unit)} au ${longDate(targetOf(c).date)}`),
        h('td', {}, c.reason || '—'), h('td', {}, c.by || '—'))), {id: 'revisions-cible', label: 'Révisions de la cible'})] : null,
    h('h2', {}, 'Mesures'),
    measurements.length
      ? table(['Date', {title: 'Valeur', num: true}, 'Source', 'Commentaire'], measurements.map((m) => h('tr', {},
          h('th', {scope: 'row'}, longDate(m.date)), h('td.nombre', {}, withUnit(m.value, unit)),
          h('td', {}, m.source || '—'),
          h('td', {}, [m.comment || '', ...(m.corrections || []).map((c) =>
            ` (corrigée : ${withUnit(c.from, unit)} → ${withUnit(c.to, unit)}${c.reason ? ', ' + c.reason : ''})`)].join('') || '—'))),
        {id: 'mesures', label: 'Mesures'})
      : h('p', {}, 'Aucune mesure saisie.'));
}
