// Évaluation (#/evaluation/DEJ[?cycle=N]): the end-of-cycle tables, their
// downloads (XLSX, JSON, CSV) and the review and welcome documents; with
// cycle, a previous cycle's evaluation, its tables, downloads and documents
// (its held reviews, and its plan as it stood at its close).
import {api, download, messageOf, openDocument} from './api.js';
import {announce, dateTime, enc, fill, h, label, longDate, num, numCell, pct, table} from './dom.js';

// The cycles of the plan, the previous ones and the current one, each a
// link to its evaluation.
function cycleChoice(code, p, previous, chosen) {
  const current = p.cycle || 1;
  const item = (n, text) => h('li', {'data-cycle': n}, h('a', {href: `#/evaluation/${code}${n === current ? '' : '?cycle=' + n}`,
    'aria-current': n === chosen ? 'page' : null}, text));
  return h('nav.cycles', {'aria-label': 'Cycles du projet', id: 'choix-cycle'},
    h('p', {}, 'Évaluation du cycle :'),
    h('ul', {}, previous.map((c) => item(c.cycle, `Cycle ${c.cycle} : ${c.title} (${c.period_start.slice(0, 4)}–` +
      `${c.period_end.slice(0, 4)})`)),
      item(current, `Cycle ${current} : ${p.title || 'projet en cours'} (en cours)`)));
}

export async function renderEvaluation(main, code, params = new URLSearchParams()) {
  // A previous cycle's number, or none for the current cycle.
  const asked = params.get('cycle');
  const cq = asked ? `&cycle=${enc(asked)}` : '';
  const [tables, plan] = await Promise.all([
    api(`/v1/plans/${enc(code)}/evaluation?format=tables${cq}`), api(`/v1/plans/${enc(code)}`)]);
  const p = plan.plan || {};
  const previous = p.previous_cycles || [];
  const past = asked ? previous.find((c) => String(c.cycle) === asked) : null;
  const chosen = past ? past.cycle : (p.cycle || 1);
  document.title = `Évaluation ${code}${past ? ` — cycle ${past.cycle}` : ''} — Jalon`;
  const base = `/v1/plans/${enc(code)}`;
  const suffix = past ? `-cycle${past.cycle}` : '';
  const fail = (err) => announce(messageOf(err, 'de télécharger ce fichier'));
  // Codes in the data (kept as codes in CSV and XLSX) read as words here.
  const CODED = {indicateurs: {kind: 'indicator_kind', polarity: 'polarity', status: 'closing_status'},
                 actions: {status: 'action_status'}, revues: {kind: 'review_kind'},
                 relances: {rule: 'reminder_rule'}, evenements: {type: 'event'}};
  const cellText = (v, type, table, key) => {
    if (v === null || v === undefined || v === '') return '—';
    const group = (CODED[table] || {})[key];
    if (group) return label(group, v);
    if (key === 'year') return String(v);
    if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) return dateTime(v);
    if (type === 'percent') return pct(v);
    if (type === 'number' || type === 'integer') return num(v);
    if (type === 'date') return longDate(String(v));
    if (typeof v === 'boolean') return v ? 'oui' : 'non';
    return String(v);
  };
  // A cycle numbers its reviews from 1; a closed one has none to prepare.
  const cyclePlan = past ? await api(`${base}?position=${enc(String(past.last_position))}`) : plan;
  const reviews = cyclePlan.reviews || [];
  const reviewSelect = h('select', {id: 'revue'}, reviews.map((r) =>
    h('option', {value: r.number}, `n° ${r.number} du ${longDate(r.date)}`)),
    past ? null : h('option', {value: reviews.length + 1}, `n° ${reviews.length + 1} (préparation)`));
  const ofCycle = past ? ` du cycle ${past.cycle}` : '';
  fill(main, 
    h('h1', {}, `Évaluation — ${code}${past ? ` — cycle ${past.cycle}` : ''}`),
    previous.length ? cycleChoice(code, p, previous, chosen) : null,
    h('p.chapeau', {}, past
      ? `Données de l'évaluation du cycle ${past.cycle}, « ${past.title} » (du ${longDate(past.period_start)} au ` +
        `${longDate(past.period_end)}), au ${longDate(tables.at)}. Chaque valeur renvoie aux événements du journal ` +
        'dont elle provient (format JSON).'
      : `Données de l'évaluation de fin de cycle au ${longDate(tables.at)}. Chaque valeur ` +
        'renvoie aux événements du journal dont elle provient (format JSON).'),
    h('div.actions-page', {},
      h('button', {type: 'button', onclick: () => download(`${base}/evaluation?format=xlsx${cq}`, `evaluation-${code}${suffix}.xlsx`).catch(fail)},
        'Télécharger le classeur (XLSX)'),
      h('button.secondaire', {type: 'button', onclick: () => download(`${base}/evaluation?format=json${cq}`, `evaluation-${code}${suffix}.json`).catch(fail)},
        'Télécharger les données (JSON)'),
      h('button.secondaire', {type: 'button', onclick: () => openDocument(`${base}/brief?format=html${cq}`).catch(fail)},
        `Présentation aux nouveaux arrivants${ofCycle}`),
      h('button.secondaire', {type: 'button', onclick: () => window.print()}, 'Imprimer')),
    past && !reviews.length
      ? h('p.preuve.sans-impression', {id: 'revues-cycle'}, `Aucune revue semestrielle n'a été tenue pendant le cycle ${past.cycle}.`)
      : h('div.ligne-champs.sans-impression', {},
        h('div.champ', {}, h('label', {for: 'revue'}, `Document de revue semestrielle${ofCycle}`), reviewSelect),
        h('div.champ', {}, h('button.secondaire', {type: 'button', onclick: () =>
          openDocument(`${base}/review-doc?format=html&review=${reviewSelect.value}${cq}`).catch(fail)}, 'Ouvrir le document'))),
    tables.tables.map((t) => h('section', {'data-table': t.name},
      h('h2', {}, t.title || tableTitle(t.name)),
      h('p.sans-impression', {}, h('button.secondaire', {type: 'button', onclick: () =>
        download(`${base}/evaluation?format=csv&table=${enc(t.name)}${cq}`, `${code}${suffix}-${t.name}.csv`).catch(fail)},
        `Télécharger « ${tableTitle(t.name)} » (CSV)`)),
      t.rows.length ? table(t.columns.map((c) => ({title: c.title, num: ['percent', 'number', 'integer'].includes(c.type)})),
        t.rows.slice(0, 200).map((r) => h('tr', {}, r.map((v, i) => {
          const c = t.columns[i];
          const text = cellText(v, c.type, t.name, c.key);
          return ['percent', 'number', 'integer'].includes(c.type) ? numCell(text, {'data-key': c.key}) : h('td', {'data-key': c.key}, text);
        }))), {label: tableTitle(t.name)})
        : h('p.preuve', {}, 'Aucune ligne.'),
      t.rows.length > 200 ? h('p.preuve', {}, `200 premières lignes sur ${t.rows.length} : le fichier CSV les contient toutes.`) : null)));
}
const TABLE_TITLES = {plan: 'Le projet', axes: 'Axes de progrès', indicateurs: 'Indicateurs', mesures: 'Mesures',
  changements_de_cible: 'Changements de cible', actions: 'Actions', revues: 'Revues et révision', relances: 'Relances',
  evenements: 'Changements au fil du cycle'};
const tableTitle = (name) => TABLE_TITLES[name] || name;
