// The open reminders about one thing (an action, an indicator, the
// reviews), shown at the top of its page above the form that resolves
// them, each with a "Prendre en compte" button (AcknowledgeReminder).
import {api} from './api.js';
import {datesInWords, enc, h, label, longDate} from './dom.js';
import {commandForm} from './formulaire.js';

// The direction's reminders, or [] if the person may not read them.
export async function remindersOf(code) {
  try {
    const r = await api(`/v1/reminders?direction=${enc(code)}`);
    return (r.plans[0] && r.plans[0].reminders) || [];
  } catch (err) {
    if (err.status === 403) return [];
    throw err;
  }
}

// subjects: the reminder subjects this page is about ("action/A1.2",
// "review", ...); writable: whether the person may acknowledge them.
export function reminderBanner(list, subjects, {code, version, writable, done, what}) {
  const open = list.filter((r) => r.state === 'open' && subjects.some((s) => r.subject === s || r.subject.startsWith(s + '/')));
  if (!open.length) return null;
  return h('section.relances-ouvertes', {'aria-labelledby': 'titre-relances'},
    h('h2', {id: 'titre-relances'}, open.length === 1 ? 'Une relance vous attend' : `${open.length} relances vous attendent`),
    open.map((r) => h('div.relance', {'data-reminder': r.id},
      h('p', {}, h('strong', {}, label('reminder_rule', r.rule)),
        ` — ${datesInWords(r.expected)}. `,
        `Échéance : ${longDate(r.due)}. `,
        what ? what(r) : null),
      writable ? commandForm({
        command: 'AcknowledgeReminder', legend: 'Prendre en compte cette relance', submit: 'Prendre en compte',
        code, version, key: r.id, fixed: {reminder: r.id}, done,
        success: `Relance « ${label('reminder_rule', r.rule)} » prise en compte.`,
        fields: [{name: 'note', label: 'Note (facultative)', type: 'text'}]}) : null)));
}
