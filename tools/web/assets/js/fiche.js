// The update sheet of a direction (DESIGN.md, "Spreadsheets"): download the
// workbook, upload it filled in, read the preview with its errors, then
// "Enregistrer" applies every row or none. Uploading the same file again
// appends nothing: the server derives the append's id from the file.
import {api, canWrite, download, messageOf} from './api.js';
import {enc, fill, h, longDate, num, table} from './dom.js';

const COMMANDS = {ReportProgress: 'Avancement', RecordMeasurement: 'Mesure'};

// What a row would record, in words.
function describe(row) {
  if (!row.command) return '—';
  const d = row.command.data;
  if (row.command.type === 'ReportProgress') {
    return `${d.action} : ${num(d.percent)} % au ${longDate(d.date)}` + (d.note ? ` — ${d.note}` : '');
  }
  return `${d.indicator} : ${num(d.value)} au ${longDate(d.date)}` +
    (d.source ? ` — source : ${d.source}` : '') + (d.comment ? ` — ${d.comment}` : '');
}

function errorList(errors) {
  if (!errors || errors.length === 0) return null;
  return h('div.erreur', {role: 'alert'},
    h('p', {}, errors.length === 1 ? 'Une erreur empêche l\'enregistrement :'
      : `${errors.length} erreurs empêchent l'enregistrement :`),
    h('ul', {}, errors.map((e) => h('li', {}, e.message))));
}

function previewTable(p) {
  return table(['Feuille', 'Ligne', 'Saisie', 'Ce qui sera enregistré', 'État'],
    p.rows.map((r) => h('tr', {'data-row': `${r.sheet}-${r.row}`},
      h('td', {}, r.sheet), h('td', {}, String(r.row)),
      h('td', {}, r.command ? COMMANDS[r.command.type] || r.command.type : '—'),
      h('td', {}, describe(r)),
      h('td', {}, r.status))),
    {caption: 'Lignes remplies de la fiche'});
}

// Shows the preview `p` of `file` in `out`, with "Enregistrer" when every
// row is correct and at least one records something.
function showPreview(out, code, file, p) {
  const toRecord = p.rows.filter((r) => r.status === 'à enregistrer').length;
  const status = h('p', {role: 'status'});
  let button = null;
  if (p.errors.length === 0 && toRecord > 0) {
    button = h('button', {type: 'button'}, 'Enregistrer');
    button.addEventListener('click', async () => {
      if (button.disabled) return;
      button.disabled = true;  // a double click sends once; the server appends once regardless
      try {
        const r = await api(`/v1/plans/${enc(code)}/sheet?apply=1`, {method: 'POST', raw: file});
        status.textContent = r.message;
        button.remove();
      } catch (e) {
        if (e.body && e.body.rows) {
          showPreview(out, code, file, e.body);
          return;
        }
        fill(status, messageOf(e, 'l\'enregistrement de la fiche'));
        button.disabled = false;
      }
    });
  }
  fill(out,
    p.notice ? h('p.info', {role: 'note'}, p.notice) : null,
    p.rows.length === 0 ? h('p', {}, 'Aucune ligne remplie : rien à enregistrer.') : previewTable(p),
    errorList(p.errors),
    p.errors.length === 0 && toRecord === 0 && p.rows.length > 0
      ? h('p', {}, 'Chaque ligne remplie est déjà enregistrée dans le projet.') : null,
    button, status);
}

export function ficheSection(code) {
  if (!canWrite(code)) return null;
  const out = h('div.fiche-apercu', {'aria-live': 'polite'});
  const input = h('input', {type: 'file', id: 'fiche-fichier', name: 'fiche',
    accept: '.xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv'});
  input.addEventListener('change', async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    fill(out, h('p', {role: 'status'}, 'Lecture de la fiche…'));
    try {
      const p = await api(`/v1/plans/${enc(code)}/sheet`, {method: 'POST', raw: file});
      showPreview(out, code, file, p);
    } catch (e) {
      fill(out, h('p.erreur', {role: 'alert'}, messageOf(e, 'la lecture de la fiche')));
    }
  });
  const today = new Date().toISOString().slice(0, 10);
  return h('section.fiche', {'aria-labelledby': 'fiche-titre'},
    h('h2', {id: 'fiche-titre'}, 'Saisie par tableur'),
    h('p', {}, 'Téléchargez la fiche, remplissez les colonnes « nouvel avancement », « date » et « note » ' +
      'des actions, « nouvelle valeur », « date », « source » et « commentaire » des indicateurs, ' +
      'puis déposez-la : vous verrez ce qui sera enregistré avant de confirmer.'),
    h('p', {}, h('button.secondaire', {type: 'button', onclick: () =>
      download(`/v1/plans/${enc(code)}/sheet`, `fiche-${code}-${today}.xlsx`)
        .catch((e) => fill(out, h('p.erreur', {role: 'alert'}, messageOf(e, 'le téléchargement de la fiche'))))},
    'Télécharger la fiche de saisie')),
    h('p', {}, h('label', {for: 'fiche-fichier'}, 'Déposer la fiche remplie (.xlsx ou .csv)'), ' ', input),
    out);
}
