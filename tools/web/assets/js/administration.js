// Administration (#/administration): the people who sign in, the city's
// political orientations and the directions with their plans. An admin adds
// a person, edits their name and email, grants and revokes roles, sets a
// password, deactivates and reactivates; defines and retires the political
// orientations `steering` validates the axes against; registers a
// direction and opens its plan; at the end of a plan's cycle, opens the
// next cycle's plan from it (OpenCycle). Each form issues one command
// (data-command), its inputs named after the command's data fields; a
// refusal shows the server's French message next to the field at fault.
import {api, roleName} from './api.js';
import {addDays, enc, fill, h, longDate, shiftYears} from './dom.js';
import {commandForm, mayRun, todayIso} from './formulaire.js';

const ROLES = ['admin', 'steering', 'auditor', 'direction:CODE', 'reader:CODE'];
// One form for one command, as every page has them (formulaire.js):
// `fields` are [{name, label, type?, value?, hidden?, optional?, help?,
// list?}], a hidden one a fixed part of the data, "roles" a list separated
// by commas; the page draws itself again with its own message (done).
function adminForm(type, fields, submit, done) {
  const fixed = {};
  const shown = [];
  for (const f of fields) {
    if (f.hidden) fixed[f.name] = f.value;
    else shown.push({...f, required: !f.optional, type: f.name === 'roles' ? 'list' : f.type, separator: ','});
  }
  return commandForm({command: type, submit, fixed, fields: shown, done, success: null});
}

function personCard(p, reload) {
  const who = `${p.name} (${p.login})`;
  const status = p.active ? (p.has_password ? 'actif' : 'actif, sans mot de passe') : 'désactivé';
  const login = {name: 'login', value: p.login, hidden: true};
  return h('details.personne', {},
    h('summary', {}, `${p.name} — ${p.login} — ${status}`),
    h('div.formulaires', {},
      h('h3', {}, 'Nom et courriel'),
      adminForm('EditPerson', [login, {name: 'name', label: 'Nom', value: p.name},
                                 {name: 'email', label: 'Courriel', type: 'email', value: p.email}],
                  'Enregistrer', () => reload(`${who} : nom et courriel enregistrés.`)),
      h('h3', {}, 'Rôles'),
      p.roles.length ? h('ul.roles', {}, p.roles.map((r) => h('li', {}, roleName(r) + ' ',
        adminForm('RevokeRole', [login, {name: 'role', value: r, hidden: true}],
                    `Retirer le rôle ${r}`, () => reload(`${who} : rôle ${r} retiré.`)))))
        : h('p', {}, 'Aucun rôle.'),
      adminForm('GrantRole', [login, {name: 'role', label: 'Rôle à donner', list: 'roles-connus',
                                        help: 'admin, steering, auditor, direction:CODE ou reader:CODE'}],
                  'Donner ce rôle', () => reload(`${who} : rôle donné.`)),
      h('h3', {}, 'Mot de passe'),
      adminForm('SetPassword', [login, {name: 'password', label: 'Nouveau mot de passe', type: 'password',
                                          help: 'Au moins 12 caractères, de deux sortes au moins.'}],
                  'Définir le mot de passe', () => reload(`${who} : mot de passe défini. Ses sessions ouvertes sont fermées.`)),
      h('h3', {}, 'Accès'),
      p.active
        ? adminForm('DeactivatePerson', [login], 'Désactiver', () => reload(`${who} : désactivé·e, ses sessions sont fermées.`))
        : adminForm('ReactivatePerson', [login], 'Réactiver', () => reload(`${who} : réactivé·e.`))));
}

function orientationsSection(orientations, reload) {
  return h('section', {'aria-labelledby': 'titre-orientations'},
    h('h2', {id: 'titre-orientations'}, 'Orientations politiques'),
    h('p.aide', {}, 'Le service de pilotage valide chaque axe de progrès au regard de l\'une de ces orientations. ' +
      'Une orientation retirée ne sert plus aux nouvelles validations ; celles déjà faites restent lisibles.'),
    orientations.length ? h('ul', {id: 'orientations'}, orientations.map((o) => h('li', {'data-orientation': o.id},
      `${o.title} (${o.id})`, o.retired ? ` — retirée${o.reason ? ' : ' + o.reason : ''}` : '',
      o.retired ? null : adminForm('RetireOrientation', [{name: 'id', value: o.id, hidden: true},
        {name: 'reason', label: `Motif du retrait de « ${o.title} »`, optional: true}],
      `Retirer « ${o.title} »`, () => reload(`Orientation « ${o.title} » retirée.`)))))
      : h('p', {}, 'Aucune orientation : la validation d\'un axe accepte alors tout intitulé.'),
    h('h3', {}, 'Ajouter une orientation'),
    adminForm('DefineOrientation', [
      {name: 'id', label: 'Identifiant', value: 'O' + (orientations.length + 1),
       help: 'Lettres, chiffres, « . », « _ » ou « - »'},
      {name: 'title', label: 'Intitulé de l\'orientation'}],
    'Ajouter l\'orientation', () => reload('Orientation ajoutée.')));
}

// The day after a plan's period, its final year of evaluation included: from
// then on the next cycle may be opened (engine/plan/command_rules_writing.cc).
const nextCycleFrom = (plan) => addDays(plan.period_end, 1);
const hasPlan = (d) => !!(d.plan && d.plan.period_end);

// The next cycle of one direction's plan: its form once the plan's period
// has ended, otherwise the date from which it will be offered.
// `full`: the plan as GET /v1/plans/{code} gives it (its missions).
function nextCycle(d, full, reload) {
  const p = d.plan;
  const cycle = p.cycle || 1;
  const today = d.at || todayIso();
  const from = nextCycleFrom(p);
  const what = `${d.name} (${d.code}) — ${p.title}, du ${longDate(p.period_start)} au ${longDate(p.period_end)}`;
  if (today < from) {
    return h('p', {'data-cycle-suivant': d.code},
      `${what} : le cycle suivant pourra être ouvert à partir du ${longDate(from)}, une fois achevée la période du projet et son année d'évaluation.`);
  }
  const start = from;
  const end = addDays(shiftYears(start, 4), -1);
  const missions = ((full && full.missions) || []).filter((m) => !m.retired);
  const fields = [
    {name: 'title', label: 'Intitulé du nouveau projet', required: true,
     value: `Projet de direction ${start.slice(0, 4)}–${end.slice(0, 4)}`},
    {name: 'period_start', label: 'Début de la période', type: 'date', required: true, value: start,
     help: `Après la fin du projet en cours : le ${longDate(start)} au plus tôt.`},
    {name: 'period_end', label: 'Fin de la période', type: 'date', required: true, value: end,
     help: 'Un projet de direction court sur quatre ans.'},
    {name: 'dated', label: 'Date du projet', type: 'date', required: true, value: today,
     help: `Du ${longDate(from)}, lendemain de la fin du projet en cours, à aujourd'hui.`}];
  if (missions.length) {
    fields.push({name: 'missions', label: 'Missions reprises', type: 'checkboxes', value: missions.map((m) => m.id),
      options: missions.map((m) => [m.id, `${m.id} — ${m.title}`]),
      help: 'Les missions cochées sont reprises sans leurs notes : elles seront à interroger de nouveau au ' +
        'regard des valeurs et des ambitions.'});
  }
  return h('div.cycle-suivant', {'data-cycle-suivant': d.code},
    commandForm({command: 'OpenCycle', code: d.code, version: d.version, key: d.code, level: 4,
      legend: `Ouvrir le cycle suivant — ${d.name} (${d.code})`, submit: 'Ouvrir le cycle suivant',
      intro: `${what}, cycle ${cycle}. Sa période, dont la dernière année est consacrée à l'évaluation, est achevée.`,
      fields, success: null,
      done: () => reload(`${d.code} : le cycle ${cycle + 1} est ouvert. Rédigez-le depuis sa page « Rédiger le ` +
        'projet » : les actions non achevées du cycle précédent y sont proposées à la reprise.')}));
}

function nextCyclesSection(directions, plans, reload) {
  const open = directions.filter((d) => hasPlan(d) && mayRun('OpenCycle', d.code));
  if (!open.length) return null;
  return h('section', {'aria-labelledby': 'titre-cycles', id: 'cycles-suivants'},
    h('h3', {id: 'titre-cycles'}, 'Ouvrir le cycle suivant'),
    h('p.aide', {}, 'À la fin d\'un cycle, le projet suivant part de l\'évaluation du précédent : il reprend ses ' +
      'missions, à interroger de nouveau, et sa présentation de l\'existant comme texte de départ ; ses actions non ' +
      'achevées sont proposées à la reprise. Le projet précédent reste consultable tel qu\'il était à sa clôture, ' +
      'avec son évaluation. Le cycle suivant s\'ouvre une fois achevée la période du projet en cours, dont la ' +
      'dernière année est consacrée à l\'évaluation.'),
    open.map((d) => nextCycle(d, plans[d.code], reload)));
}

function directionsSection(directions, plans, reload) {
  return h('section', {'aria-labelledby': 'titre-directions'},
    h('h2', {id: 'titre-directions'}, `Directions et projets (${directions.length})`),
    directions.length ? h('table.tableau', {id: 'directions'},
      h('caption', {}, 'Les directions et leur projet de direction'),
      h('thead', {}, h('tr', {}, ['Code', 'Direction', 'Pôle', 'Projet', 'Période'].map((t) => h('th', {scope: 'col'}, t)))),
      h('tbody', {}, directions.map((d) => h('tr', {'data-direction': d.code},
        h('td', {}, h('a', {href: `#/direction/${d.code}`}, d.code)), h('td', {}, d.name), h('td', {}, d.pole || '—'),
        h('td', {}, d.plan ? [h('a', {href: `#/direction/${d.code}/projet`}, d.plan.title),
          (d.plan.cycle || 1) > 1 ? ` (cycle ${d.plan.cycle})` : ''] : 'aucun projet ouvert'),
        h('td', {}, d.plan ? `du ${longDate(d.plan.period_start)} au ${longDate(d.plan.period_end)}` : '—')))))
      : h('p', {}, 'Aucune direction.'),
    h('h3', {}, 'Enregistrer une direction'),
    adminForm('RegisterDirection', [
      {name: 'code', label: 'Code de la direction', help: 'Majuscules, chiffres, « - » ou « _ », par exemple DEJ'},
      {name: 'name', label: 'Nom de la direction'},
      {name: 'pole', label: 'Pôle', optional: true}],
    'Enregistrer la direction', () => reload('Direction enregistrée : ouvrez maintenant son projet.')),
    h('h3', {}, 'Ouvrir le projet d\'une direction'),
    adminForm('OpenPlan', [
      {name: 'direction', label: 'Code de la direction', list: 'directions-connues'},
      {name: 'title', label: 'Intitulé du projet', help: 'Par exemple : Projet de direction 2021-2024'},
      {name: 'period_start', label: 'Début de la période', type: 'date'},
      {name: 'period_end', label: 'Fin de la période', type: 'date'},
      {name: 'dated', label: 'Date du projet', type: 'date'}],
    'Ouvrir le projet', () => reload('Projet ouvert : rédigez-le depuis la page de la direction.')),
    nextCyclesSection(directions, plans, reload),
    h('datalist', {id: 'directions-connues'}, directions.map((d) => h('option', {value: d.code}))));
}

export async function renderAdministration(main, notice) {
  document.title = 'Administration — Jalon';
  const [{people}, {orientations}, directions] = await Promise.all([api('/v1/people'), api('/v1/orientations'),
    api('/v1/directions')]);
  // The missions of each plan whose next cycle may be opened, to choose
  // those carried over.
  const plans = {};
  await Promise.all(directions.filter((d) => hasPlan(d) && (d.at || todayIso()) >= nextCycleFrom(d.plan))
    .map((d) => api(`/v1/plans/${enc(d.code)}`).then((p) => { plans[d.code] = p; }, () => null)));
  const reload = async (message) => {
    await renderAdministration(main, message);
    const status = main.querySelector('[role="status"]');
    if (status) status.focus();
  };
  fill(main,
    h('h1', {}, 'Administration'),
    h('div.succes', {role: 'status', tabindex: '-1', hidden: !notice}, notice || ''),
    h('datalist', {id: 'roles-connus'}, ROLES.map((r) => h('option', {value: r}))),
    h('section', {'aria-labelledby': 'titre-personnes'},
      h('h2', {id: 'titre-personnes'}, `Personnes (${people.length})`),
      h('table.tableau', {},
        h('caption', {}, 'Les personnes qui se connectent à Jalon, leurs rôles et leur état'),
        h('thead', {}, h('tr', {}, ['Identifiant', 'Nom', 'Courriel', 'Rôles', 'État'].map((t) => h('th', {scope: 'col'}, t)))),
        h('tbody', {}, people.map((p) => h('tr', {},
          h('td', {}, p.login), h('td', {}, p.name), h('td', {}, p.email),
          h('td', {}, p.roles.map(roleName).join(', ') || '—'),
          h('td', {}, p.active ? 'actif' : 'désactivé'))))),
      people.map((p) => personCard(p, reload))),
    h('section', {'aria-labelledby': 'titre-ajout'},
      h('h2', {id: 'titre-ajout'}, 'Ajouter une personne'),
      adminForm('RegisterPerson', [
        {name: 'login', label: 'Identifiant', help: 'Lettres minuscules, chiffres, « . », « _ » ou « - »'},
        {name: 'name', label: 'Nom affiché'},
        {name: 'email', label: 'Courriel', type: 'email'},
        {name: 'roles', label: 'Rôles', list: 'roles-connus', help: 'Séparés par des virgules, par exemple direction:DEJ, steering'},
      ], 'Ajouter', () => reload('Personne ajoutée : définissez maintenant son mot de passe.'))),
    orientationsSection(orientations, reload),
    directionsSection(directions, plans, reload));
}
