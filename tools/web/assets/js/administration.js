// Administration (#/administration): the people who sign in. An admin adds
// a person, edits their name and email, grants and revokes roles, sets a
// password, deactivates and reactivates. Each form issues one command
// (data-command), its inputs named after the command's data fields; a
// refusal shows the server's French message next to the field at fault.
import {api, messageOf} from './api.js';
import {fill, h} from './dom.js';

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

export async function renderAdministration(main, notice) {
  document.title = 'Administration — Jalon';
  const {people} = await api('/v1/people');
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
      ], 'Ajouter', () => reload('Personne ajoutée : définissez maintenant son mot de passe.'))));
}
