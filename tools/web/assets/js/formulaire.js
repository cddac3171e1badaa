// Forms that issue a command (DESIGN.md, "Forms"): one <form> per command,
// `data-command` naming its type, one input per data field (`name` is the
// field, dotted for nested ones: `target.value`).
//
// What every form does the same way, so that each page only lists fields:
// - a `command_id` drawn once per display, so a double click or a retry
//   appends once; the submit button is also disabled while a request runs;
// - the `expected_version` of the plan the page was drawn from, so a change
//   made meanwhile by someone else is refused (409) instead of overwritten;
// - a refusal shows the server's reason in French next to its field
//   (role="alert", aria-invalid, aria-describedby); a 409 says who changed
//   the plan and offers to reload without losing what was typed;
// - a success is announced in an element with role="status", on the page
//   drawn again with the new figures.
import {api, messageOf, session} from './api.js';
import {h} from './dom.js';

let formCount = 0;
// What a person typed in a form refused with 409, kept across the reload
// they asked for: {command, key, values}.
let draft = null;
// The success message of the last command, shown once on the page drawn
// after it.
let flash = null;

export function takeFlash() {
  const f = flash;
  flash = null;
  return f;
}

function newCommandId() {
  if (window.crypto && crypto.randomUUID) return 'web-' + crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'web-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// The ISO date of today in the person's time zone.
export const todayIso = () => new Date().toLocaleDateString('sv-SE');

// The next free id after the existing ones that share `prefix` ("A1." →
// "A1.3", "I" → "I7").
export function nextId(prefix, ids) {
  let max = 0;
  for (const id of ids) {
    if (!id.startsWith(prefix)) continue;
    const n = Number(id.slice(prefix.length));
    if (Number.isInteger(n) && n > max) max = n;
  }
  return prefix + (max + 1);
}

// The ids a plan's earlier cycles used for entities of `kind` (swot,
// missions, axes, scenarios, actions, indicators): a new entity may not
// take one of them, so that an id names one thing across the cycles.
export const earlierIds = (plan, kind) => (((plan.plan || {}).earlier_ids || {})[kind] || []);

function inputFor(field, id, describedBy) {
  const common = {id, name: field.name, required: field.required || null, 'aria-describedby': describedBy || null,
                  autocomplete: field.type === 'password' ? 'new-password' : 'off', list: field.list || null};
  if (field.type === 'textarea' || field.type === 'list') {
    return h('textarea', {...common, rows: field.rows || 3}, field.value ?? '');
  }
  if (field.type === 'checkboxes') {
    // One box per choice; the command gets the checked ones, in order.
    const chosen = new Set(field.value || []);
    return h('fieldset.cases', {id, 'aria-describedby': describedBy || null},
      h('legend.visuellement-cache', {}, field.label),
      (field.options || []).map(([value, text], i) => h('div.case', {},
        h('input', {type: 'checkbox', id: `${id}-${i}`, name: field.name, value, checked: chosen.has(value) || null}),
        h('label', {for: `${id}-${i}`}, text))));
  }
  if (field.type === 'select') {
    return h('select', common, (field.options || []).map(([value, text]) =>
      h('option', {value, selected: String(field.value ?? '') === String(value) || null}, text)));
  }
  const type = field.type === 'number' ? 'text' : (field.type || 'text');
  // Numbers are typed as text with a decimal keyboard: a French decimal
  // comma is accepted, and a wrong value reaches the server, whose reason
  // is shown at the field instead of the browser's own message.
  return h('input', {...common, type, value: field.value ?? null,
                     inputmode: field.type === 'number' ? 'decimal' : null});
}

// Reads a field's input as the command's data holds it.
function valueOf(field, el) {
  if (field.type === 'checkboxes') return [...el.querySelectorAll('input:checked')].map((x) => x.value);
  if (field.type === 'select' && field.numeric) return el.value === '' ? undefined : Number(el.value);
  if (field.type === 'password') return el.value === '' ? undefined : el.value;  // spaces count
  const raw = el.value.trim();
  if (raw === '') return undefined;
  if (field.type === 'number') {
    const n = Number(raw.replace(/\s/g, '').replace(',', '.'));
    return Number.isFinite(n) ? n : raw;  // the server names the field
  }
  if (field.type === 'list') return raw.split(field.separator || /\n|;/).map((x) => x.trim()).filter(Boolean);
  return raw;
}

function setPath(obj, path, value) {
  const parts = path.split('.');
  let at = obj;
  for (const p of parts.slice(0, -1)) at = at[p] = at[p] || {};
  at[parts[parts.length - 1]] = value;
}

// The field an API refusal names: "data.percent: …" or "percent: …".
function fieldOf(err) {
  if (err.error && err.error.field) return err.error.field.replace(/^data\./, '');
  const m = /^(?:data\.)?([a-z_]+(?:\.[a-z_]+)*)(?:\[\d+\])?:/.exec(err.detail || '');
  return m ? m[1] : '';
}
function frenchReason(err) {
  if (err.error && err.error.message_fr) return err.error.message_fr;
  return messageOf(err, 'd\'enregistrer cette saisie');
}

// A form for one command.
// spec: {command, legend, submit, code, version, fixed: {data fields not
// typed}, fields: [{name, label, type, required, value, options, help}],
// key: what distinguishes this form from another of the same command on
// the page, shape(data): turns the typed fields into the command's data
// where they differ, done(message): called after a success (draws the page again)}.
export function commandForm(spec) {
  const n = ++formCount;
  const commandId = newCommandId();
  const inputs = [];
  const status = h('div.etat-formulaire', {role: 'status'});
  const formAlert = h('div.alerte', {role: 'alert', hidden: true});
  const rows = spec.fields.map((field, i) => {
    const id = `f${n}-${field.name.replace(/\./g, '-')}`;
    const helpId = field.help ? `${id}-aide` : null;
    const errorId = `${id}-erreur`;
    const input = inputFor(field, id, helpId);
    const error = h('p.erreur-champ', {id: errorId, role: 'alert', hidden: true});
    inputs.push({field, input, error, errorId, helpId});
    const title = [field.label, field.required ? h('span.obligatoire', {}, ' (obligatoire)') : null];
    return h('div.champ', {},
      field.type === 'checkboxes' ? h('p.etiquette', {'aria-hidden': 'true'}, title) : h('label', {for: id}, title),
      field.help ? h('p.aide', {id: helpId}, field.help) : null,
      input, error);
  });
  const button = h('button', {type: 'submit'}, spec.submit);
  // A form without a legend is one button and a field or two in a list
  // (revoke a role): its button names it.
  const form = h('form.formulaire', {'data-command': spec.command, novalidate: true,
                                     'aria-labelledby': spec.legend ? `f${n}-titre` : null,
                                     'aria-label': spec.legend ? null : spec.submit},
    spec.legend ? h('h' + (spec.level || 3), {id: `f${n}-titre`}, spec.legend) : null,
    spec.intro ? h('p.aide', {}, spec.intro) : null,
    // What the form is about (the action, the person) as hidden inputs: the
    // form carries every field of its command by name.
    Object.entries(spec.fixed || {}).filter(([, v]) => typeof v !== 'object')
      .map(([name, value]) => h('input', {type: 'hidden', name, value: String(value)})),
    formAlert, rows, h('div.boutons', {}, button), status);

  if (draft && draft.command === spec.command && draft.key === (spec.key || '')) {
    for (const {field, input} of inputs) {
      if (!(field.name in draft.values)) continue;
      if (field.type === 'checkboxes') {
        for (const box of input.querySelectorAll('input')) box.checked = draft.values[field.name].includes(box.value);
      } else {
        input.value = draft.values[field.name];
      }
    }
    draft = null;
  }

  function clearErrors() {
    formAlert.hidden = true;
    formAlert.replaceChildren();
    for (const {input, error, helpId} of inputs) {
      error.hidden = true;
      error.textContent = '';
      input.removeAttribute('aria-invalid');
      if (helpId) input.setAttribute('aria-describedby', helpId);
      else input.removeAttribute('aria-describedby');
    }
  }
  function showFieldError(name, text) {
    const target = inputs.find((x) => x.field.name === name) ||
                   inputs.find((x) => name.startsWith(x.field.name + '.') || x.field.name.startsWith(name + '.'));
    if (!target) return false;
    target.error.textContent = text;
    target.error.hidden = false;
    target.input.setAttribute('aria-invalid', 'true');
    target.input.setAttribute('aria-describedby', [target.helpId, target.errorId].filter(Boolean).join(' '));
    target.input.focus();
    return true;
  }
  function showFormError(...content) {
    formAlert.replaceChildren(...content);
    formAlert.hidden = false;
    formAlert.setAttribute('tabindex', '-1');
    formAlert.focus();
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (button.disabled) return;
    clearErrors();
    status.textContent = '';
    const data = spec.code ? {direction: spec.code, ...(spec.fixed || {})} : {...(spec.fixed || {})};
    for (const {field, input} of inputs) {
      const v = valueOf(field, input);
      if (v !== undefined) setPath(data, field.name, v);
    }
    if (spec.shape) spec.shape(data);
    const body = {type: spec.command, command_id: commandId, data};
    if (typeof spec.version === 'number') body.expected_version = spec.version;
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      try {
        await api('/v1/commands', {method: 'POST', body});
      } catch (err) {
        // Only jalond's own jobs wrote since the page was drawn (a reminder,
        // a scheduled occurrence): nobody's change is at stake, send again
        // over the version they left.
        if (err.status !== 409 || !err.error.system_only || typeof err.error.version !== 'number') throw err;
        body.expected_version = err.error.version;
        await api('/v1/commands', {method: 'POST', body});
      }
      // A page that says it itself (success: null) leaves no message behind.
      if (spec.success !== null) flash = spec.success || 'Enregistré.';
      await spec.done();
    } catch (err) {
      button.disabled = false;
      form.removeAttribute('aria-busy');
      if (err.status === 409) {
        const values = {};
        for (const {field, input} of inputs) {
          values[field.name] = field.type === 'checkboxes' ? valueOf(field, input) : input.value;
        }
        const who = err.error && err.error.changed_by ? ` par ${err.error.changed_by}` : '';
        showFormError(`Le projet a été modifié entre-temps${who}. Votre saisie est conservée : ` +
                      'rechargez le projet pour la vérifier avant de l\'enregistrer à nouveau. ',
          h('button.secondaire', {type: 'button', onclick: () => {
            draft = {command: spec.command, key: spec.key || '', values};
            spec.done();
          }}, 'Recharger en gardant ma saisie'));
        return;
      }
      const field = err.status === 400 ? fieldOf(err) : '';
      if (!field || !showFieldError(field, frenchReason(err))) showFormError(frenchReason(err));
    }
  });
  return form;
}

// The forms of a page under one heading, each one folded in a <details>
// whose summary is the form's title; `opened` lists the commands whose
// form is unfolded on load (the everyday ones, or the one a reminder asks
// for).
// With a null title, the forms come without a heading of their own (one
// form under a heading that says what it changes).
let sectionCount = 0;
export function formsSection(title, forms, opened = [], level = 2) {
  const shown = forms.filter(Boolean);
  if (!shown.length) return null;
  const id = `titre-formulaires-${++sectionCount}`;
  return h('section.formulaires', title ? {'aria-labelledby': id} : {},
    title ? h('h' + level, {id}, title) : null,
    shown.map((f) => {
      const summary = h('summary', {}, f.querySelector('h1, h2, h3, h4, h5, h6'));
      return h('details.bloc-formulaire', {open: opened.includes(f.dataset.command) || null}, summary, f);
    }));
}

// The success message of the command just run, in a role="status" element.
export function flashBanner() {
  const f = takeFlash();
  return f ? h('div.succes', {role: 'status'}, f) : null;
}

// The governance decisions (DESIGN.md, "HTTP"): steering's, never a
// direction's own.
const GOVERNANCE = new Set(['ValidateAxis', 'RetainScenario', 'HoldReview', 'CloseRevision']);
// The administration's own commands, nobody else's.
const ADMIN_ONLY = new Set(['OpenCycle']);
// Whether the signed-in person may run `command` on the plan of `code`: the
// server's rule, mirrored so that a page offers only the forms a person may
// use (the server refuses the others regardless).
export function mayRun(command, code) {
  const who = session.who;
  if (!who) return false;
  const roles = Array.isArray(who.roles) ? who.roles : [who.role];
  if (ADMIN_ONLY.has(command)) return roles.includes('admin');
  return roles.some((role) => role === 'admin' ||
    (role === 'steering' && GOVERNANCE.has(command)) ||
    (role === 'direction:' + code && !GOVERNANCE.has(command)));
}
