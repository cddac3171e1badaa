// Projet (#/direction/DEJ/projet): writing the projet de direction, in the
// order of the city's methodology sheet: the state of play, the strengths
// and weaknesses, the missions questioned against the values and the
// ambitions, the prospective reflection, the progress axes and their
// scenarios, and each axis's actions and indicators. Each part shows what
// is written, who wrote it and when, and the form that changes it. A plan
// that opens a new cycle starts with what it takes over from the previous
// one: the missions and the state of play to question again, the
// unfinished actions to carry over.
import {api} from './api.js';
import {addDays, dateTime, enc, fill, h, label, longDate, num, pct, shiftYears, table} from './dom.js';
import {commandForm, earlierIds, flashBanner, formsSection, mayRun, nextId} from './formulaire.js';
import {planTimeline} from './calendrier-projet.js';
import {meansFields, retainedMeans} from './moyens.js';
import {AMBITIONS, PROSPECTIVE, QUADRANTS, STATE_OF_PLAY, VALUES} from './methodologie.js';

// The latest change of each entity of the plan, from its history.
function latestChanges(history) {
  const latest = {};
  for (const e of history.entries || []) latest[e.entity] = e;
  return latest;
}

function written(change, code, entity) {
  if (!change) return h('p.auteur', {}, 'Pas encore rédigé.');
  return h('p.auteur', {}, `Dernière version : ${change.actor_name || change.actor}, le ${dateTime(change.recorded_at)}. `,
    h('a', {href: `#/historique/${code}?entity=${enc(entity)}`}, 'Voir son historique'));
}

function sectionBlock(ctx, {section, title, questions}) {
  const {plan, code, latest} = ctx;
  const text = (plan.sections || {})[section] || '';
  const fields = [{name: 'text', label: 'Texte', type: 'textarea', rows: 8, value: text,
                   help: 'Du texte simple : des paragraphes séparés par une ligne vide, des listes en début de ligne par « - ».'}];
  if (section === 'identity') {
    const id = plan.identity || {};
    fields.unshift(
      {name: 'site', label: 'Situation géographique (site central, équipements)', type: 'text', value: id.site},
      {name: 'agents', label: 'Nombre d\'agents', type: 'number', value: id.agents},
      {name: 'activity_volume', label: 'Volume global d\'activité', type: 'text', value: id.activity_volume});
  }
  const id = plan.identity || {};
  return h('section.bloc-section', {'data-section': section, 'aria-labelledby': 'sec-' + section},
    h('h3', {id: 'sec-' + section}, title),
    h('p.aide', {}, questions),
    section === 'identity' && (id.site || id.agents !== undefined || id.activity_volume)
      ? h('dl.fiche', {}, h('dt', {}, 'Site'), h('dd', {}, id.site || '—'),
        h('dt', {}, 'Agents'), h('dd', {}, id.agents !== undefined ? num(id.agents) : '—'),
        h('dt', {}, 'Volume d\'activité'), h('dd', {}, id.activity_volume || '—')) : null,
    text ? h('div.texte-section', {}, text) : null,
    written(latest['section/' + section], code, 'section/' + section),
    ctx.may('EditSection') ? formsSection(null, [commandForm({...ctx.base, command: 'EditSection', level: 4,
      key: section, legend: `Rédiger « ${title} »`, submit: 'Enregistrer le texte', fixed: {section},
      success: `« ${title} » enregistré.`, fields})]) : null);
}

function swotPart(ctx) {
  const {plan} = ctx;
  const items = plan.swot || [];
  return [
    h('p.aide', {}, 'S\'appuyer sur des faits, pas des intuitions ; distinguer l\'interne de l\'externe ; mettre ' +
      'l\'analyse en perspective avec les objectifs généraux.'),
    h('div.quadrants', {id: 'atouts-faiblesses'}, QUADRANTS.map(([q, title]) => {
      const mine = items.filter((x) => x.quadrant === q);
      return h('section.quadrant', {'aria-labelledby': 'pq-' + q}, h('h4', {id: 'pq-' + q}, label('quadrant', q)),
        mine.length ? h('ul', {}, mine.map((x) => h('li', {'data-swot': x.id}, `${x.text} `,
          h('span.preuve', {}, `(${x.evidence ? x.evidence.source + ', ' + longDate(x.evidence.date) : 'sans preuve'})`),
          ctx.may('RemoveSwotItem') ? formsSection(null, [commandForm({...ctx.base, command: 'RemoveSwotItem',
            key: x.id, level: 5, legend: `Retirer « ${x.text} »`, submit: 'Retirer', fixed: {id: x.id},
            success: 'Élément retiré.', fields: [{name: 'reason', label: 'Motif', type: 'text'}]})]) : null)))
          : h('p.preuve', {}, `Aucun ${title.toLowerCase()}.`));
    })),
    ctx.may('AddSwotItem') ? formsSection(null, [commandForm({...ctx.base, level: 3,
      command: 'AddSwotItem', legend: 'Ajouter un atout ou une faiblesse', submit: 'Ajouter', success: 'Élément ajouté.',
      fields: [
        {name: 'id', label: 'Identifiant', type: 'text', required: true, value: nextId('S', [...items.map((x) => x.id), ...earlierIds(plan, 'swot')])},
        {name: 'quadrant', label: 'Nature', type: 'select', required: true, options: QUADRANTS},
        {name: 'text', label: 'Le constat', type: 'textarea', required: true},
        {name: 'evidence.source', label: 'Le fait sur lequel il repose (source)', type: 'text', required: true,
         help: 'Un rapport, une enquête, un chiffre : des faits, pas des intuitions.'},
        {name: 'evidence.date', label: 'Date du fait', type: 'date', required: true}]})]) : null];
}

function missionsPart(ctx) {
  const {plan} = ctx;
  const missions = plan.missions || [];
  const score = (m, group, key) => {
    const v = m[group] && m[group][key];
    return typeof v === 'number' ? h('td.score.score-' + v, {}, String(v)) : h('td.score', {}, h('span', {'aria-label': 'non évaluée'}, '—'));
  };
  const scoreOptions = [['', '—'], ['0', '0 : aucune'], ['1', '1 : faible'], ['2', '2 : moyenne'], ['3', '3 : forte']];
  return [
    h('p.aide', {}, 'Détailler les principales missions de la direction, puis les interroger au regard des valeurs ' +
      '(humaines : écoute, bienveillance, accompagnement ; de service : réactivité, proximité, adaptabilité) et ' +
      'des ambitions du projet d\'administration.'),
    missions.length ? table(['Mission', ...VALUES.map(([, t]) => t), ...AMBITIONS.map(([, t]) => t)],
      missions.map((m) => h('tr', {'data-mission': m.id},
        h('th', {scope: 'row'}, `${m.id} — ${m.title}${m.retired ? ' (retirée)' : ''}`,
          m.values || m.ambitions ? null : h('span.preuve', {}, ' — pas encore interrogée')),
        VALUES.map(([k]) => score(m, 'values', k)), AMBITIONS.map(([k]) => score(m, 'ambitions', k)))),
      {label: 'Contribution des missions aux valeurs et aux ambitions', id: 'matrice-projet'}) : h('p', {}, 'Aucune mission.'),
    ctx.may('DefineMission') ? formsSection('Définir et interroger les missions', [
      commandForm({...ctx.base, command: 'DefineMission', legend: 'Définir une mission', submit: 'Ajouter la mission',
        success: 'Mission ajoutée.', fields: [
          {name: 'id', label: 'Identifiant', type: 'text', required: true, value: nextId('M', [...missions.map((m) => m.id), ...earlierIds(plan, 'missions')])},
          {name: 'title', label: 'Intitulé', type: 'text', required: true},
          {name: 'description', label: 'Description', type: 'textarea'}]}),
      ...missions.filter((m) => !m.retired).map((m) => commandForm({...ctx.base, command: 'AssessMission', key: m.id,
        legend: `Interroger la mission ${m.id} — ${m.title}`, submit: 'Enregistrer les notes', fixed: {mission: m.id},
        success: `Mission ${m.id} interrogée.`,
        intro: 'Contribution de la mission, de 0 (aucune) à 3 (forte).',
        fields: [...VALUES.map(([k, t]) => ({name: 'values.' + k, label: t, type: 'select', numeric: true,
                                             options: scoreOptions, value: m.values ? m.values[k] : ''})),
                 ...AMBITIONS.map(([k, t]) => ({name: 'ambitions.' + k, label: t, type: 'select', numeric: true,
                                                options: scoreOptions, value: m.ambitions ? m.ambitions[k] : ''}))]})),
      ...missions.filter((m) => !m.retired).map((m) => commandForm({...ctx.base, command: 'RetireMission', key: m.id,
        legend: `Retirer la mission ${m.id}`, submit: 'Retirer la mission', fixed: {mission: m.id},
        success: `Mission ${m.id} retirée.`, fields: [{name: 'reason', label: 'Motif', type: 'text'}]}))], [], 3) : null];
}

// The action ids a new action may not take: this plan's and its earlier
// cycles'.
const actionIds = (plan) => [...(plan.actions || []).map((x) => x.id), ...earlierIds(plan, 'actions')];

// The day a year after `iso`, minus one: a first year's last day.
const yearLater = (iso) => addDays(shiftYears(iso, 1), -1);

// What a plan opening a new cycle takes over from the previous one: the
// methodology's reminder that the missions and the state of play are to be
// questioned again, then the previous cycle's unfinished actions not yet
// carried over, each with the form that carries it into an axis of this
// plan.
function carryOverPart(ctx) {
  const {plan, code} = ctx;
  const p = plan.plan || {};
  const previous = (p.previous_cycles || []).slice(-1)[0];
  const axes = (plan.axes || []).filter((a) => !a.dropped);
  const carried = new Map((plan.actions || []).filter((a) => a.carried_from).map((a) => [a.carried_from, a.id]));
  const all = p.carry_over || [];
  const left = all.filter((c) => !carried.has(c.id));
  const done = all.filter((c) => carried.has(c.id));
  const goToAxisForm = (ev) => {
    ev.preventDefault();
    const form = document.querySelector('#contenu form[data-command="ProposeAxis"]');
    if (!form) return;
    const details = form.closest('details');
    if (details) details.open = true;
    form.scrollIntoView();
    const first = form.querySelector('input:not([type=hidden]), select, textarea');
    if (first) first.focus();
  };
  const start = p.period_start;
  const firstYearEnd = start && p.period_end ? [yearLater(start), p.period_end].sort()[0] : '';
  const carryForm = (c) => {
    const suggested = (axis) => nextId(axis + '.', actionIds(plan));
    const form = commandForm({...ctx.base, command: 'PlanAction', key: 'reprise-' + c.id, level: 4,
      legend: `Reprendre l'action ${c.id} — ${c.title}`, submit: 'Reprendre cette action',
      fixed: {carried_from: c.id}, success: `Action ${c.id} du cycle précédent reprise.`,
      intro: `Dans le cycle précédent : axe ${c.axis}${c.axis_title ? ' — ' + c.axis_title : ''}, ` +
        `du ${longDate(c.start)} au ${longDate(c.due)}.`,
      fields: [
        {name: 'axis', label: 'Axe de progrès de ce projet', type: 'select', required: true,
         options: axes.map((a) => [a.id, `${a.id} — ${a.title}`])},
        {name: 'id', label: 'Identifiant', type: 'text', required: true, value: suggested(axes[0].id),
         help: 'Un identifiant nouveau : ceux des cycles précédents ne sont pas réutilisés.'},
        {name: 'title', label: 'Intitulé', type: 'text', required: true, value: c.title},
        {name: 'owner', label: 'Pilote', type: 'text', required: true, value: c.owner},
        {name: 'start', label: 'Début', type: 'date', required: true, value: start,
         help: `Dans la période du projet : du ${longDate(p.period_start)} au ${longDate(p.period_end)}.`},
        {name: 'due', label: 'Échéance', type: 'date', required: true, value: firstYearEnd,
         help: `L'échéance du cycle précédent était le ${longDate(c.due)} : fixez-en une nouvelle dans la période.`},
        {name: 'budget_eur', label: 'Budget (en euros)', type: 'number', required: true, value: c.budget_eur ?? 0},
        {name: 'fte', label: 'Moyens humains (en ETP)', type: 'number', required: true, value: c.fte ?? 0}]});
    // The suggested id follows the chosen axis, unless one was typed.
    const axisSelect = form.querySelector('select[name="axis"]');
    const idInput = form.querySelector('input[name="id"]');
    axisSelect.addEventListener('change', () => {
      if (idInput.value === idInput.dataset.suggested) idInput.value = idInput.dataset.suggested = suggested(axisSelect.value);
    });
    idInput.dataset.suggested = idInput.value;
    return form;
  };
  const describe = (c) => [h('strong', {}, `${c.id} — ${c.title}`),
    ` (axe ${c.axis}) : ${label('action_status', c.status).toLowerCase()}, avancement ${pct(c.progress)}, ` +
    `pilote ${c.owner || '—'}, échéance le ${longDate(c.due)}, budget ${num(c.budget_eur)} €, ${num(c.fte)} ETP.`];
  return h('section.reprise', {id: 'reprise', 'aria-labelledby': 'titre-reprise'},
    h('h2', {id: 'titre-reprise'}, 'Reprise du cycle précédent'),
    h('p', {}, `Ce projet ouvre le cycle ${p.cycle}. ` + (previous
      ? `Il part du projet précédent, « ${previous.title} » (du ${longDate(previous.period_start)} au ` +
        `${longDate(previous.period_end)}), et de son évaluation : `
      : 'Il part du projet précédent et de son évaluation : ') +
      'les missions et la présentation de l\'existant en sont reprises comme point de départ.'),
    h('p.aide', {}, 'Comme le demande la fiche méthodologique, les missions sont reprises à la fin de l\'état des ' +
      'lieux pour être réinterrogées : relisez et mettez à jour chaque partie de la présentation de l\'existant, ' +
      'puis interrogez de nouveau chaque mission au regard des valeurs et des ambitions (leurs notes du cycle ' +
      'précédent ne sont pas reprises). Les atouts et faiblesses, les axes de progrès, les scénarios, les actions ' +
      'et les indicateurs sont à construire de nouveau, à la lumière de l\'évaluation.'),
    previous ? h('p', {},
      h('a', {href: `#/direction/${code}?position=${previous.last_position}`},
        `Consulter le projet du cycle ${previous.cycle} tel qu'il était à sa clôture`), ' · ',
      h('a', {href: `#/evaluation/${code}?cycle=${previous.cycle}`}, `L'évaluation du cycle ${previous.cycle}`)) : null,
    h('h3', {}, 'Actions non achevées du cycle précédent'),
    left.length ? [
      h('p.aide', {}, 'Ces actions étaient prévues ou en cours à la clôture du cycle précédent. Reprendre une action ' +
        'la rattache à un axe de ce projet, avec un calendrier dans la nouvelle période ; une action qui n\'a plus ' +
        'lieu d\'être n\'est simplement pas reprise.'),
      !axes.length && ctx.may('PlanAction') ? h('p.info', {role: 'note'},
        'Une action reprise se rattache à un axe de progrès de ce projet : proposez d\'abord un axe. ',
        h('a', {href: `#/direction/${code}/projet`, onclick: goToAxisForm}, 'Aller au formulaire « Proposer un axe de progrès »'))
        : null,
      h('ul.reprise-actions', {id: 'actions-a-reprendre'}, left.map((c) => h('li', {'data-carry': c.id}, describe(c),
        axes.length && ctx.may('PlanAction') ? formsSection(null, [carryForm(c)]) : null)))]
      : h('p', {}, all.length ? 'Toutes les actions non achevées du cycle précédent ont été reprises.'
        : 'Le cycle précédent n\'a laissé aucune action non achevée.'),
    done.length ? h('p.preuve', {id: 'actions-reprises'}, 'Déjà reprises : ' +
      done.map((c) => `${c.id} (devenue ${carried.get(c.id)})`).join(', ') + '.') : null);
}

function axesPart(ctx) {
  const {plan} = ctx;
  const axes = plan.axes || [];
  const missions = (plan.missions || []).filter((m) => !m.retired).map((m) => [m.id, `${m.id} — ${m.title}`]);
  const forms = [];
  if (ctx.may('ProposeAxis')) {
    forms.push(commandForm({...ctx.base, command: 'ProposeAxis', legend: 'Proposer un axe de progrès',
      submit: 'Proposer l\'axe', success: 'Axe proposé.', fields: [
        {name: 'id', label: 'Identifiant', type: 'text', required: true, value: nextId('A', [...axes.map((a) => a.id), ...earlierIds(plan, 'axes')])},
        {name: 'title', label: 'Intitulé', type: 'text', required: true},
        {name: 'rationale', label: 'Pourquoi cet axe', type: 'textarea'},
        {name: 'missions', label: 'Missions servies', type: 'checkboxes', options: missions}]}));
  }
  for (const a of axes.filter((x) => !x.dropped)) {
    if (!a.validation && ctx.may('ValidateAxis')) {
      forms.push(commandForm({...ctx.base, command: 'ValidateAxis', key: a.id, legend: `Valider l'axe ${a.id}`,
        submit: 'Valider l\'axe', fixed: {axis: a.id}, success: `Axe ${a.id} validé.`, fields: [
          ctx.orientations.length
            ? {name: 'orientation', label: 'Orientation politique', type: 'select', required: true,
               options: ctx.orientations.map((t) => [t, t]), help: 'Les orientations politiques de la ville, tenues par l\'administration.'}
            : {name: 'orientation', label: 'Orientation politique', type: 'text', required: true},
          {name: 'by', label: 'Validé par', type: 'text', required: true},
          {name: 'date', label: 'Date de la validation', type: 'date', required: true, value: ctx.today}]}));
    }
    if (ctx.may('PlanAction')) {
      const ids = actionIds(plan);
      forms.push(commandForm({...ctx.base, command: 'PlanAction', key: a.id, legend: `Ajouter une action à l'axe ${a.id}`,
        submit: 'Ajouter l\'action', fixed: {axis: a.id}, success: 'Action ajoutée.', fields: [
          {name: 'id', label: 'Identifiant', type: 'text', required: true, value: nextId(a.id + '.', ids)},
          {name: 'title', label: 'Intitulé', type: 'text', required: true},
          {name: 'owner', label: 'Pilote', type: 'text', required: true},
          {name: 'start', label: 'Début', type: 'date', required: true},
          {name: 'due', label: 'Échéance', type: 'date', required: true},
          {name: 'budget_eur', label: 'Budget (en euros)', type: 'number', required: true, value: 0},
          {name: 'fte', label: 'Moyens humains (en ETP)', type: 'number', required: true, value: 0}]}));
    }
    if (ctx.may('DefineIndicator')) {
      const targets = [[`axis:${a.id}`, `l'axe ${a.id}`],
        ...(plan.actions || []).filter((x) => x.axis === a.id).map((x) => [`action:${x.id}`, `l'action ${x.id}`])];
      forms.push(commandForm({...ctx.base, command: 'DefineIndicator', key: a.id,
        legend: `Ajouter un indicateur à l'axe ${a.id}`, submit: 'Ajouter l\'indicateur', success: 'Indicateur ajouté.',
        fields: [
          {name: 'id', label: 'Identifiant', type: 'text', required: true,
           value: nextId('I', [...(plan.indicators || []).map((x) => x.id), ...earlierIds(plan, 'indicators')])},
          {name: 'attached_to', label: 'Rattaché à', type: 'select', required: true, options: targets},
          {name: 'name', label: 'Nom', type: 'text', required: true},
          {name: 'kind', label: 'Nature', type: 'select', required: true, options: [['output', 'Réalisation'],
            ['progress', 'Avancement'], ['evaluation', 'Évaluation']]},
          {name: 'unit', label: 'Unité', type: 'text', required: true, value: '%'},
          {name: 'polarity', label: 'Sens attendu', type: 'select', required: true, options: [['increase', 'À la hausse'],
            ['decrease', 'À la baisse'], ['maintain_above', 'Rester au-dessus'], ['maintain_below', 'Rester en dessous']]},
          {name: 'baseline.value', label: 'Valeur de référence', type: 'number', required: true},
          {name: 'baseline.date', label: 'Date de la valeur de référence', type: 'date', required: true},
          {name: 'target.value', label: 'Cible', type: 'number', required: true},
          {name: 'target.date', label: 'À atteindre le', type: 'date', required: true},
          {name: 'frequency', label: 'Fréquence de mesure', type: 'select', required: true, options: [['monthly', 'Mensuelle'],
            ['quarterly', 'Trimestrielle'], ['semiannual', 'Semestrielle'], ['annual', 'Annuelle']]},
          {name: 'source', label: 'Source', type: 'text', required: true}]}));
    }
  }
  return [
    h('p.aide', {}, 'Chaque axe est décliné en actions concrètes, validé par rapport aux orientations politiques, ' +
      'et suivi par des indicateurs de réalisation et d\'avancement.'),
    axes.length ? table(['Axe', 'Missions servies', 'Validation'], axes.map((a) => h('tr', {'data-axis': a.id},
      h('th', {scope: 'row'}, `${a.id} — ${a.title}`, a.dropped ? ' (abandonné)' : ''),
      h('td', {}, (a.missions || []).join(', ') || '—'),
      h('td', {}, a.validation ? `Validé le ${longDate(a.validation.date)} (${a.validation.orientation}), par ${a.validation.by}`
                               : 'Proposé, non encore validé'))), {label: 'Axes de progrès', id: 'axes-projet'})
      : h('p', {}, 'Aucun axe proposé.'),
    formsSection('Proposer, valider et décliner les axes', forms, [], 3)];
}

function scenariosPart(ctx) {
  const {plan} = ctx;
  const scenarios = plan.scenarios || [];
  const forms = [];
  if (ctx.may('ProposeScenario')) {
    forms.push(commandForm({...ctx.base, command: 'ProposeScenario', legend: 'Proposer un scénario de priorisation',
      submit: 'Proposer le scénario', success: 'Scénario proposé.', fields: [
        {name: 'id', label: 'Identifiant', type: 'text', required: true, value: nextId('SC', [...scenarios.map((s) => s.id), ...earlierIds(plan, 'scenarios')])},
        {name: 'title', label: 'Intitulé', type: 'text', required: true},
        {name: 'axes', label: 'Axes, par ordre de priorité', type: 'list', required: true,
         help: 'Un identifiant d\'axe par ligne, le plus prioritaire d\'abord (par exemple A2 puis A1).'},
        ...meansFields(plan)]}));
  }
  if (ctx.may('RetainScenario') && scenarios.length) {
    forms.push(commandForm({...ctx.base, command: 'RetainScenario', legend: 'Retenir un scénario', submit: 'Retenir',
      success: 'Scénario retenu.', fields: [{name: 'scenario', label: 'Scénario', type: 'select', required: true,
        options: scenarios.map((s) => [s.id, `${s.id} — ${s.title}`])}]}));
  }
  return [
    h('p.aide', {}, 'Le scénario retenu intègre les moyens humains et financiers et déploie un plan d\'action dans le temps.'),
    scenarios.length ? h('ul', {id: 'scenarios'}, scenarios.map((s) => h('li', {'data-scenario': s.id},
      `${s.id} — ${s.title} : ${(s.axes || []).join(' puis ')}`, s.retained ? h('strong', {}, ' (retenu)') : null)))
      : h('p', {}, 'Aucun scénario proposé.'),
    retainedMeans(plan),
    formsSection('Proposer et retenir un scénario', forms, [], 3)];
}

export async function renderProject(main, code) {
  const [plan, history, dash, schedule] = await Promise.all([api(`/v1/plans/${enc(code)}`),
    api(`/v1/plans/${enc(code)}/history`), api(`/v1/plans/${enc(code)}/dashboard`),
    api(`/v1/schedule?direction=${enc(code)}`).catch(() => null)]);
  const orientations = await api('/v1/orientations').then((r) => r.orientations, () => []);
  const name = plan.direction.name || code;
  document.title = `Rédiger le projet — ${name} — Jalon`;
  const ctx = {plan, code, latest: latestChanges(history), today: dash.at,
               orientations: orientations.filter((o) => !o.retired).map((o) => o.title),
               base: {code, version: plan.version, level: 4, done: () => renderProject(main, code)},
               may: (command) => mayRun(command, code)};
  fill(main,
    h('p.fil', {}, h('a', {href: `#/direction/${code}`}, name), ' › Rédiger le projet'),
    h('h1', {}, `Rédiger le projet de direction — ${name}`),
    h('p.chapeau', {}, `${(plan.plan || {}).title || 'Projet de direction'} — du ${longDate((plan.plan || {}).period_start)} ` +
      `au ${longDate((plan.plan || {}).period_end)}. La fiche méthodologique accompagne chaque partie de ses questions.`),
    flashBanner(),
    ((plan.plan || {}).cycle || 1) > 1 ? carryOverPart(ctx) : null,
    h('h2', {}, '1. Présentation de l\'existant'), STATE_OF_PLAY.map((s) => sectionBlock(ctx, s)),
    h('h2', {}, '2. Atouts et faiblesses'), swotPart(ctx),
    h('h2', {}, '3. Les missions au regard des valeurs et des ambitions'), missionsPart(ctx),
    h('h2', {}, '4. Réflexions prospectives'), PROSPECTIVE.map((s) => sectionBlock(ctx, s)),
    h('h2', {}, '5. Axes de progrès'), axesPart(ctx),
    h('h2', {}, '6. Scénarios de priorisation'), scenariosPart(ctx),
    h('h2', {}, '7. Calendrier : le déploiement du plan d\'action sur la période'),
    planTimeline(plan, dash, schedule && schedule.plans[0] ? schedule.plans[0].occurrences : []));
}
