// Calendrier et relances (#/calendrier/DEJ): the plan's reminders, which
// its direction may acknowledge, and the dates of its cycle.
import {api, canWrite, messageOf} from './api.js';
import {announce, dateTime, datesInWords, enc, entityName, fill, h, label, longDate, numCell, statusBadge, table} from './dom.js';

export async function renderCalendar(main, code, flash) {
  document.title = `Calendrier et relances ${code} — Jalon`;
  const [schedule, reminders] = await Promise.all([
    api(`/v1/schedule?direction=${enc(code)}`), api(`/v1/reminders?direction=${enc(code)}`)]);
  const occurrences = schedule.plans[0].occurrences;
  const list = reminders.plans[0].reminders;
  const writable = canWrite(code);
  async function acknowledge(r, button) {
    button.disabled = true;
    try {
      await api('/v1/commands', {method: 'POST', body: {type: 'AcknowledgeReminder',
        data: {direction: code, reminder: r.id, note: 'Prise en compte depuis le tableau de bord'}}});
      await renderCalendar(main, code, {ok: `Relance « ${label('reminder_rule', r.rule)} » prise en compte.`});
    } catch (err) {
      button.disabled = false;
      await renderCalendar(main, code, {error: messageOf(err, 'de prendre en compte cette relance')});
    }
  }
  const open = list.filter((r) => r.state === 'open').length;
  fill(main, 
    h('h1', {}, `Calendrier et relances — ${code}`),
    flash && flash.ok ? h('div.succes', {role: 'status'}, flash.ok) : null,
    flash && flash.error ? h('div.alerte', {role: 'alert'}, flash.error) : null,
    h('h2', {}, 'Relances'),
    h('p.chapeau', {}, `${open} relance(s) ouverte(s) sur ${list.length}. Une relance ouverte attend une donnée ` +
      'ou une décision ; sans prise en compte, elle est transmise au directeur ou à la directrice, puis au service de pilotage.'),
    table(['Relance', 'Objet', 'Attendu', 'Échéance', 'État', 'Niveau', {title: 'Avis remis', num: true}, 'Action'],
      list.map((r) => {
        const ack = r.state === 'open' && writable
          ? h('button', {type: 'button', 'data-reminder': r.id}, 'Prendre en compte') : null;
        if (ack) ack.addEventListener('click', () => acknowledge(r, ack));
        return h('tr', {'data-reminder': r.id, 'data-state': r.state},
          h('th', {scope: 'row'}, label('reminder_rule', r.rule)), h('td', {}, entityName(r.subject)),
          h('td', {}, datesInWords(r.expected)), h('td', {}, longDate(r.due)), h('td', {}, statusBadge('reminder_state', r.state)),
          h('td', {}, label('reminder_level', String(r.level))),
          numCell(`${r.delivered} / ${r.notices}` + (r.attempts ? ` (${r.attempts} échec(s))` : ''),
            {title: `Dernier avis : ${dateTime(r.last_notice_at)}`}),
          h('td', {}, ack || (r.state === 'open' ? h('span.preuve', {}, 'réservé à la direction') : '—')));
      }), {id: 'relances', label: 'Relances'}),
    h('h2', {}, 'Calendrier du cycle'),
    h('p.chapeau', {}, 'Revues semestrielles, révision à mi-parcours et évaluation finale, avec les dates décalées ' +
      'aux jours ouvrés.'),
    table(['Échéance', 'Date prévue', 'Date retenue', 'Motif du décalage', 'État'], occurrences.map((o) =>
      h('tr', {'data-occurrence': o.occurrence},
        h('th', {scope: 'row'}, label('schedule', o.schedule)), h('td', {}, longDate(o.nominal)),
        h('td', {}, longDate(o.due)), h('td', {}, o.moved ? o.reason : '—'),
        h('td', {}, statusBadge('occurrence_state', o.state)))), {id: 'calendrier', label: 'Calendrier du cycle'}));
  if (flash) announce(flash.ok || flash.error);
}
