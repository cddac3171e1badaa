// Historique (#/historique/DEJ): the audit trail, the plan at a past date
// (time slider), and the difference between two dates.
import {api, messageOf} from './api.js';
import {headline} from './direction.js';
import {dateTime, dayNumber, enc, entityName, fill, h, isoOfDay, label, longDate, num, numCell, pct, statusBadge,
        table, withUnit} from './dom.js';

// A compact view of the plan as it stood at an instant, for the slider.
// `asOf` null: the plan as recorded now.
async function pastView(code, asOf) {
  const q = asOf ? `?as_of=${enc(asOf)}` : '';
  const [plan, dash] = await Promise.all([
    api(`/v1/plans/${enc(code)}${q}`),
    api(`/v1/plans/${enc(code)}/dashboard${q}${asOf ? '&at=' + asOf.slice(0, 10) : ''}`)]);
  const actions = dash.axes.flatMap((a) => a.actions);
  return h('div', {id: 'vue-passee', 'data-as-of': asOf || 'now', 'data-position': plan.position},
    h('p', {}, `Position ${plan.position} du journal, version ${plan.version} du projet. `,
      h('a', {href: `#/direction/${code}${asOf ? '?as_of=' + enc(asOf) : ''}`},
        asOf ? 'Ouvrir la vue complète à cette date' : 'Ouvrir la vue complète')),
    headline(dash),
    table(['Indicateur', {title: 'Dernière mesure', num: true}, 'Date', {title: 'Cible', num: true}, {title: 'Atteinte', num: true}],
      dash.indicators.map((d) => h('tr', {'data-indicator': d.id},
        h('th', {scope: 'row'}, `${d.id} — ${d.name}`),
        numCell(withUnit(d.latest, d.unit), {'data-figure': 'latest'}), h('td', {}, longDate(d.latest_date)),
        numCell(withUnit(d.target, d.unit), {'data-figure': 'target'}), numCell(pct(d.attainment)))),
      {caption: 'Indicateurs à cette date'}),
    table(['Action', {title: 'Avancement', num: true}, 'Statut'], actions.map((a) => h('tr', {'data-action': a.id},
      h('th', {scope: 'row'}, `${a.id} — ${a.title}`), numCell(pct(a.progress), {'data-figure': 'progress'}),
      h('td', {}, statusBadge('action_status', a.status)))), {caption: 'Actions à cette date'}));
}

// An entity's field changes as lines: a new measurement or progress report
// is one line ("Nouvelle mesure du 16 mai 2018 : 27,2"), other fields
// "field : before → after". (jalon review-doc words them the same way.)
function changeLines(changes) {
  const lines = [], records = new Map();
  for (const c of changes || []) {
    const empty = (v) => v !== null && typeof v === 'object' && Object.keys(v).length === 0;
    if ((empty(c.before) && c.after === null) || (empty(c.after) && c.before === null)) continue;
    const m = /^(\/(measurements|progress|target_changes)\/\d+)\/([a-z_]+)$/.exec(c.field);
    if (!m) {
      lines.push([h('code', {}, c.field.slice(1)), ' : ', short(c.before), ' → ', short(c.after)]);
      continue;
    }
    if (!records.has(m[1])) {
      const r = {kind: m[2], fields: {}, added: true};
      records.set(m[1], r);
      lines.push(r);
    }
    const r = records.get(m[1]);
    r.fields[m[3]] = c.after;
    if (c.before !== null) r.added = false;
  }
  return lines.map((x) => {
    if (Array.isArray(x)) return x;
    const f = x.fields;
    if (x.kind === 'measurements') return `${x.added ? 'Nouvelle mesure' : 'Mesure corrigée'} du ${longDate(f.date)} : ${num(f.value)}`;
    if (x.kind === 'progress') return `${x.added ? 'Avancement au' : 'Avancement corrigé au'} ${longDate(f.date)} : ${pct(f.percent)}`;
    return 'Cible modifiée' + (f.reason ? ' : ' + f.reason : '');
  });
}
function changeList(changes) {
  const lines = changeLines(changes);
  if (!lines.length) return '—';
  const shown = lines.slice(0, 6).map((l) => h('li', {}, l));
  if (lines.length > 6) shown.push(h('li', {}, `… et ${lines.length - 6} autre(s)`));
  return h('ul.changements', {}, shown);
}
function short(v) {
  if (v === null || v === undefined) return '—';
  const t = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return t.length > 80 ? t.slice(0, 79) + '…' : t;
}

export async function renderHistory(main, code) {
  document.title = `Historique ${code} — Jalon`;
  // The plan today (the slider's end) is fetched with the trail, not after it.
  const [history, today] = await Promise.all([api(`/v1/plans/${enc(code)}/history`), pastView(code, null)]);
  const entries = history.entries;
  const first = entries.length ? dayNumber(entries[0].recorded_at) : dayNumber(new Date().toISOString());
  const last = Math.max(entries.length ? dayNumber(entries[entries.length - 1].recorded_at) : first, first);

  // Time slider and date picker, kept in step.
  const slider = h('input', {id: 'curseur-date', type: 'range', min: first, max: last, step: 1, value: last,
                             'aria-describedby': 'date-choisie'});
  const picker = h('input', {id: 'date-vue', type: 'date', min: isoOfDay(first), max: isoOfDay(last), value: isoOfDay(last)});
  const chosen = h('p', {id: 'date-choisie'});
  const past = h('div', {'aria-live': 'polite'});
  let pending = 0;
  async function show(day) {
    const ticket = ++pending;
    const asOf = isoOfDay(day) + 'T23:59:59Z';
    chosen.textContent = `Le projet tel qu'il était enregistré le ${longDate(isoOfDay(day))} au soir`;
    try {
      const view = await pastView(code, asOf);
      if (ticket === pending) past.replaceChildren(view);
    } catch (err) {
      if (ticket === pending) past.replaceChildren(h('div.alerte', {role: 'alert'}, messageOf(err, 'de voir le projet à cette date')));
    }
  }
  slider.addEventListener('input', () => { picker.value = isoOfDay(+slider.value); chosen.textContent = `Le ${longDate(picker.value)}…`; });
  slider.addEventListener('change', () => { picker.value = isoOfDay(+slider.value); show(+slider.value); });
  picker.addEventListener('change', () => {
    if (!picker.value) return;
    const day = Math.min(last, Math.max(first, dayNumber(picker.value)));
    slider.value = day;
    show(day);
  });

  // Audit trail, newest first, filterable by entity.
  const entities = [...new Set(entries.map((e) => e.entity))].sort();
  const select = h('select', {id: 'filtre-element'}, h('option', {value: ''}, 'Tous les éléments'),
    entities.map((e) => h('option', {value: e}, entityName(e))));
  const trail = h('tbody');
  const more = h('button.secondaire', {type: 'button'}, 'Afficher plus');
  const shownCount = h('span');
  let limit = 50;
  function drawTrail() {
    const list = entries.filter((e) => !select.value || e.entity === select.value).slice().reverse();
    trail.replaceChildren(...list.slice(0, limit).map((e) => h('tr', {'data-position': e.position},
      numCell(String(e.position)), h('td', {}, dateTime(e.recorded_at)), h('td', {}, longDate(e.effective_at.slice(0, 10))),
      h('td', {title: e.type}, label('event', e.type)), h('td', {}, entityName(e.entity)), h('td', {title: e.actor}, e.actor_name || e.actor),
      h('td', {}, changeList(e.changes)))));
    shownCount.textContent = `${Math.min(limit, list.length)} sur ${list.length} événement(s)`;
    more.hidden = list.length <= limit;
  }
  select.addEventListener('change', () => { limit = 50; drawTrail(); });
  more.addEventListener('click', () => { limit += 100; drawTrail(); });

  // Diff between two dates.
  const from = h('input', {id: 'diff-du', type: 'date', value: isoOfDay(first), min: isoOfDay(first), max: isoOfDay(last)});
  const to = h('input', {id: 'diff-au', type: 'date', value: isoOfDay(last), min: isoOfDay(first), max: isoOfDay(last)});
  const diffOut = h('div', {id: 'diff', 'aria-live': 'polite'});
  async function compare(ev) {
    ev.preventDefault();
    try {
      const d = await api(`/v1/plans/${enc(code)}/diff?from=${enc(from.value + 'T23:59:59Z')}&to=${enc(to.value + 'T23:59:59Z')}`);
      const col = (title, items, render) => h('section', {}, h('h3', {}, `${title} (${items.length})`),
        items.length ? h('ul', {}, items.map(render)) : h('p.preuve', {}, 'Rien.'));
      diffOut.replaceChildren(h('p', {}, `Du ${longDate(from.value)} (position ${d.from_position}) au ${longDate(to.value)} (position ${d.to_position}).`),
        h('div.diff-colonnes', {},
          col('Ajouts', d.added, (x) => h('li', {}, entityName(x.entity))),
          col('Modifications', d.changed, (x) => h('li', {}, entityName(x.entity), changeList(x.changes))),
          col('Suppressions', d.removed, (x) => h('li', {}, entityName(x.entity)))));
    } catch (err) {
      diffOut.replaceChildren(h('div.alerte', {role: 'alert'}, messageOf(err, 'de comparer ces dates')));
    }
  }

  fill(main, 
    h('h1', {}, `Historique — ${code}`),
    h('p.chapeau', {}, 'Chaque modification du projet est un événement du journal, avec sa date, son auteur et son motif.'),
    h('h2', {}, 'Le projet à une date passée'),
    h('div.curseur', {},
      h('label', {for: 'curseur-date'}, 'Faire glisser pour choisir une date'), slider,
      h('div.bornes', {}, h('span', {}, longDate(isoOfDay(first))), h('span', {}, longDate(isoOfDay(last)))),
      h('div.champ', {}, h('label', {for: 'date-vue'}, 'Ou saisir une date'), picker),
      chosen),
    past,
    h('h2', {}, 'Comparer deux dates'),
    h('form.ligne-champs', {onsubmit: compare},
      h('div.champ', {}, h('label', {for: 'diff-du'}, 'Du'), from),
      h('div.champ', {}, h('label', {for: 'diff-au'}, 'Au'), to),
      h('div.champ', {}, h('button', {type: 'submit'}, 'Comparer'))),
    diffOut,
    h('h2', {}, 'Journal des modifications'),
    h('div.ligne-champs.filtres', {}, h('div.champ', {}, h('label', {for: 'filtre-element'}, 'Élément'), select)),
    h('p.chapeau', {'aria-live': 'polite'}, shownCount),
    h('div.tableau-defilant', {tabindex: 0, role: 'region', 'aria-label': 'Journal des modifications'}, h('table', {id: 'journal'},
      h('thead', {}, h('tr', {}, ['N°', 'Enregistré le', 'Date d\'effet', 'Événement', 'Élément', 'Auteur', 'Changements']
        .map((t) => h('th', {scope: 'col'}, t)))), trail)),
    h('div.pagination', {}, more));
  drawTrail();
  chosen.textContent = 'Le projet tel qu\'il est enregistré aujourd\'hui';
  past.replaceChildren(today);
}
