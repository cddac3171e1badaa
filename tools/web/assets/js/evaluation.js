// Évaluation (#/evaluation/DEJ): the end-of-cycle tables, their downloads
// (XLSX, JSON, CSV) and the review and welcome documents.
import {api, download, messageOf, openDocument} from './api.js';
import {announce, dateTime, enc, fill, h, label, longDate, num, numCell, pct, table} from './dom.js';

export async function renderEvaluation(main, code) {
  document.title = `Évaluation ${code} — Jalon`;
  const [tables, plan] = await Promise.all([
    api(`/v1/plans/${enc(code)}/evaluation?format=tables`), api(`/v1/plans/${enc(code)}`)]);
  const base = `/v1/plans/${enc(code)}`;
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
  const reviews = plan.reviews || [];
  const reviewSelect = h('select', {id: 'revue'}, reviews.map((r) =>
    h('option', {value: r.number}, `n° ${r.number} du ${longDate(r.date)}`)),
    h('option', {value: reviews.length + 1}, `n° ${reviews.length + 1} (préparation)`));
  fill(main, 
    h('h1', {}, `Évaluation — ${code}`),
    h('p.chapeau', {}, `Données de l'évaluation de fin de cycle au ${longDate(tables.at)}. Chaque valeur ` +
      'renvoie aux événements du journal dont elle provient (format JSON).'),
    h('div.actions-page', {},
      h('button', {type: 'button', onclick: () => download(`${base}/evaluation?format=xlsx`, `evaluation-${code}.xlsx`).catch(fail)},
        'Télécharger le classeur (XLSX)'),
      h('button.secondaire', {type: 'button', onclick: () => download(`${base}/evaluation?format=json`, `evaluation-${code}.json`).catch(fail)},
        'Télécharger les données (JSON)'),
      h('button.secondaire', {type: 'button', onclick: () => openDocument(`${base}/brief?format=html`).catch(fail)},
        'Présentation aux nouveaux arrivants'),
      h('button.secondaire', {type: 'button', onclick: () => window.print()}, 'Imprimer')),
    h('div.ligne-champs.sans-impression', {},
      h('div.champ', {}, h('label', {for: 'revue'}, 'Document de revue semestrielle'), reviewSelect),
      h('div.champ', {}, h('button.secondaire', {type: 'button', onclick: () =>
        openDocument(`${base}/review-doc?format=html&review=${reviewSelect.value}`).catch(fail)}, 'Ouvrir le document'))),
    tables.tables.map((t) => h('section', {'data-table': t.name},
      h('h2', {}, t.title || tableTitle(t.name)),
      h('p.sans-impression', {}, h('button.secondaire', {type: 'button', onclick: () =>
        download(`${base}/evaluation?format=csv&table=${enc(t.name)}`, `${code}-${t.name}.csv`).catch(fail)},
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
