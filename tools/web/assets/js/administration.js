// Administration (#/administration): the people who sign in, the city's
// political orientations and the directions with their plans. An admin adds
// a person, edits their name and email, grants and revokes roles, sets a
// password, deactivates and reactivates; defines and retires the political
// orientations `steering` validates the axes against; registers a
// direction and opens its plan. Each form issues one command
// (data-command), its inputs named after the command's data fields; a
// refusal shows the server's French message next to the field at fault.
import {api, messageOf} from './api.js';
import {fill, h, longDate} from './dom.js';

const ROLES = ['admin', 'steering', 'auditor', 'direction:CODE', 'reader:CODE'];
const roleText = (role) => {
  if (role === 'admin') return 'administration';
  if (role === 'steering') return 'service de pilotage';
  if (role === 'auditor') return 'audit';
  if (role.startsWith('direction:')) return 'direction ' + role.slice(10);
  if (role.startsWith('reader:')) return 'lecture ' + role.slice(7);
  return role;
};

let formCount = 0;
// One form for one command. `fields`: [{name, label, type?, value?, hidden?,
// help?}]; the command's data is read from the inputs by name ("roles" as a
// list separated by commas).
function commandForm(type, fields, submit, done) {
  const commandId = 'ui-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10);
  const n = ++formCount;
  const general = h('div.alerte', {role: 'alert', hidden: true});
  const inputs = fields.map((f) => {
    const id = `f${n}-${f.name}`;
    const input = h('input', {id, name: f.name, type: f.hidden ? 'hidden' : (f.type || 'text'), value: f.value || '',
                              autocomplete: f.type === 'password' ? 'new-password' : 'off',
                              list: f.list || null});
    if (f.hidden) return {f, input, wrap: input};
    const error = h('span.erreur-champ', {id: id + '-erreur', role: 'alert'});
    const help = f.help ? h('span.aide', {id: id + '-aide'}, f.help) : null;
    input.setAttribute('aria-describedby', [help ? id + '-aide' : null, id + '-erreur'].filter(Boolean).join(' '));
    return {f, input, error, wrap: h('div.champ', {}, h('label', {for: id}, f.label), input, help, error)};
  });
  const form = h('form.commande', {'data-command': type, novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    general.hidden = true;
    for (const i of inputs) {
      i.input.removeAttribute('aria-invalid');
      if (i.error) i.error.textContent = '';
    }
    const data = {};
    for (const {f, input} of inputs) {
      if (f.optional && input.value.trim() === '') continue;
      data[f.name] = f.name === 'roles' ? input.value.split(',').map((r) => r.trim()).filter(Boolean)
                                        : (f.type === 'password' ? input.value : input.value.trim());
    }
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      await api('/v1/commands', {method: 'POST', body: {type, command_id: commandId, data}});
      await done();
    } catch (err) {
      const field = (err.field || '').replace(/^data\./, '').replace(/\[\d+\]$/, '');
      const target = inputs.find((i) => i.f.name === field && i.error);
      if (target) {
        target.input.setAttribute('aria-invalid', 'true');
        target.error.textContent = messageOf(err);
        target.input.focus();
      } else {
        fill(general, messageOf(err));
        general.hidden = false;
      }
      button.disabled = false;
    }
  }}, inputs.map((i) => i.wrap), general, h('button', {type: 'submit'}, submit));
  return form;
}

function personCard(p, reload) {
  const who = `${p.name} (${p.login})`;
  const status = p.active ? (p.has_password ? 'actif' : 'actif, sans mot de passe') : 'désactivé';
  const login = {name: 'login', value: p.login, hidden: true};
  return h('details.personne', {},
    h('summary', {}, `${p.name} — ${p.login} — ${status}`),
    h('div.formulaires', {},
      h('h3', {}, 'Nom et courriel'),
      commandForm('EditPerson', [login, {name: 'name', label: 'Nom', value: p.name},
                                 {name: 'email', label: 'Courriel', type: 'email', value: p.email}],
                  'Enregistrer', () => reload(`${who} : nom et courriel enregistrés.`)),
      h('h3', {}, 'Rôles'),
      p.roles.length ? h('ul.roles', {}, p.roles.map((r) => h('li', {}, roleText(r) + ' ',
        commandForm('RevokeRole', [login, {name: 'role', value: r, hidden: true}],
                    `Retirer le rôle ${r}`, () => reload(`${who} : rôle ${r} retiré.`)))))
        : h('p', {}, 'Aucun rôle.'),
      commandForm('GrantRole', [login, {name: 'role', label: 'Rôle à donner', list: 'roles-connus',
                                        help: 'admin, steering, auditor, direction:CODE ou reader:CODE'}],
                  'Donner ce rôle', () => reload(`${who} : rôle donné.`)),
      h('h3', {}, 'Mot de passe'),
      commandForm('SetPassword', [login, {name: 'password', label: 'Nouveau mot de passe', type: 'password',
                                          help: 'Au moins 12 caractères, de deux sortes au moins.'}],
                  'Définir le mot de passe', () => reload(`${who} : mot de passe défini. Ses sessions ouvertes sont fermées.`)),
      h('h3', {}, 'Accès'),
      p.active
        ? commandForm('DeactivatePerson', [login], 'Désactiver', () => reload(`${who} : désactivé·e, ses sessions sont fermées.`))
        : commandForm('ReactivatePerson', [login], 'Réactiver', () => reload(`${who} : réactivé·e.`))));
}

function orientationsSection(orientations, reload) {
  return h('section', {'aria-labelledby': 'titre-orientations'},
    h('h2', {id: 'titre-orientations'}, 'Orientations politiques'),
    h('p.aide', {}, 'Le service de pilotage valide chaque axe de progrès au regard de l\'une de ces orientations. ' +
      'Une orientation retirée ne sert plus aux nouvelles validations ; celles déjà faites restent lisibles.'),
    orientations.length ? h('ul#orientations', {}, orientations.map((o) => h('li', {'data-orientation': o.id},
      `${o.title} (${o.id})`, o.retired ? ` — retirée${o.reason ? ' : ' + o.reason : ''}` : '',
      o.retired ? null : commandForm('RetireOrientation', [{name: 'id', value: o.id, hidden: true},
        {name: 'reason', label: `Motif du retrait de « ${o.title} »`, optional: true}],
      `Retirer « ${o.title} »`, () => reload(`Orientation « ${o.title} » retirée.`)))))
      : h('p', {}, 'Aucune orientation : la validation d\'un axe accepte alors tout intitulé.'),
    h('h3', {}, 'Ajouter une orientation'),
    commandForm('DefineOrientation', [
      {name: 'id', label: 'Identifiant', value: 'O' + (orientations.length + 1),
       help: 'Lettres, chiffres, « . », « _ » ou « - »'},
      {name: 'title', label: 'Intitulé de l\'orientation'}],
    'Ajouter l\'orientation', () => reload('Orientation ajoutée.')));
}

function directionsSection(directions, reload) {
  return h('section', {'aria-labelledby': 'titre-directions'},
    h('h2', {id: 'titre-directions'}, `Directions et projets (${directions.length})`),
    directions.length ? h('table.tableau', {id: 'directions'},
      h('caption', {}, 'Les directions et leur projet de direction'),
      h('thead', {}, h('tr', {}, ['Code', 'Direction', 'Pôle', 'Projet', 'Période'].map((t) => h('th', {scope: 'col'}, t)))),
      h('tbody', {}, directions.map((d) => h('tr', {'data-direction': d.code},
        h('td', {}, h('a', {href: `#/direction/${d.code}`}, d.code)), h('td', {}, d.name), h('td', {}, d.pole || '—'),
        h('td', {}, d.plan ? h('a', {href: `#/direction/${d.code}/projet`}, d.plan.title) : 'aucun projet ouvert'),
        h('td', {}, d.plan ? `du ${longDate(d.plan.period_start)} au ${longDate(d.plan.period_end)}` : '—')))))
      : h('p', {}, 'Aucune direction.'),
    h('h3', {}, 'Enregistrer une direction'),
    commandForm('RegisterDirection', [
      {name: 'code', label: 'Code de la direction', help: 'Majuscules, chiffres, « - » ou « _ », par exemple DEJ'},
      {name: 'name', label: 'Nom de la direction'},
      {name: 'pole', label: 'Pôle', optional: true}],
    'Enregistrer la direction', () => reload('Direction enregistrée : ouvrez maintenant son projet.')),
    h('h3', {}, 'Ouvrir le projet d\'une direction'),
    commandForm('OpenPlan', [
      {name: 'direction', label: 'Code de la direction', list: 'directions-connues'},
      {name: 'title', label: 'Intitulé du projet', help: 'Par exemple : Projet de direction 2021-2024'},
      {name: 'period_start', label: 'Début de la période', type: 'date'},
      {name: 'period_end', label: 'Fin de la période', type: 'date'},
      {name: 'dated', label: 'Date du projet', type: 'date'}],
    'Ouvrir le projet', () => reload('Projet ouvert : rédigez-le depuis la page de la direction.')),
    h('datalist', {id: 'directions-connues'}, directions.map((d) => h('option', {value: d.code}))));
}

export async function renderAdministration(main, notice) {
  document.title = 'Administration — Jalon';
  const [{people}, {orientations}, directions] = await Promise.all([api('/v1/people'), api('/v1/orientations'),
    api('/v1/directions')]);
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
          h('td', {}, p.roles.map(roleText).join(', ') || '—'),
          h('td', {}, p.active ? 'actif' : 'désactivé'))))),
      people.map((p) => personCard(p, reload))),
    h('section', {'aria-labelledby': 'titre-ajout'},
      h('h2', {id: 'titre-ajout'}, 'Ajouter une personne'),
      commandForm('RegisterPerson', [
        {name: 'login', label: 'Identifiant', help: 'Lettres minuscules, chiffres, « . », « _ » ou « - »'},
        {name: 'name', label: 'Nom affiché'},
        {name: 'email', label: 'Courriel', type: 'email'},
        {name: 'roles', label: 'Rôles', list: 'roles-connus', help: 'Séparés par des virgules, par exemple direction:DEJ, steering'},
      ], 'Ajouter', () => reload('Personne ajoutée : définissez maintenant son mot de passe.'))),
    orientationsSection(orientations, reload),
    directionsSection(directions, reload));
}
