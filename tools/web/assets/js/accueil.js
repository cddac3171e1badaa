// Accueil (#/): every direction the token may read, sortable and filterable.
import {api} from './api.js';
import {announce, enc, fill, gauge, h, longDate, num, numCell} from './dom.js';

export async function renderHome(main) {
  document.title = 'Accueil — Jalon';
  const directions = await api('/v1/directions');
  const today = directions.length ? directions[0].at : new Date().toISOString().slice(0, 10);
  const [schedule, reminders] = await Promise.all([
    api('/v1/schedule?from=' + enc(today)), api('/v1/reminders')]);
  const nextReview = {}, openReminders = {};
  for (const p of schedule.plans) {
    const next = p.occurrences.find((o) => o.schedule === 'review' && o.due >= today);
    nextReview[p.direction] = next ? next.due : null;
  }
  for (const p of reminders.plans) openReminders[p.direction] = p.reminders.filter((r) => r.state === 'open').length;
  const rows = directions.map((d) => ({
    code: d.code, name: d.name, pole: d.pole, execution: d.execution, performance: d.performance,
    late: d.late_actions, at_risk: d.at_risk_actions, review: nextReview[d.code] || null,
    reminders: openReminders[d.code] || 0, title: d.plan ? d.plan.title : ''}));

  const columns = [
    {key: 'name', title: 'Direction'}, {key: 'pole', title: 'Pôle'},
    {key: 'execution', title: 'Réalisation', num: true}, {key: 'performance', title: 'Performance', num: true},
    {key: 'late', title: 'Actions en retard', num: true}, {key: 'at_risk', title: 'Actions à risque', num: true},
    {key: 'review', title: 'Prochaine revue'}, {key: 'reminders', title: 'Relances ouvertes', num: true}];
  const sort = {key: 'name', dir: 1};
  const filter = h('input', {id: 'filtre', type: 'search', placeholder: 'nom, code ou pôle'});
  const tbody = h('tbody');
  const headRow = h('tr');
  const count = h('p.chapeau', {'aria-live': 'polite'});

  function draw() {
    const q = filter.value.trim().toLowerCase();
    const list = rows.filter((r) => !q || [r.code, r.name, r.pole].some((x) => (x || '').toLowerCase().includes(q)));
    list.sort((a, b) => {
      const x = a[sort.key], y = b[sort.key];
      if (x === y) return a.name.localeCompare(b.name, 'fr');
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (typeof x === 'number' ? x - y : String(x).localeCompare(String(y), 'fr')) * sort.dir;
    });
    tbody.replaceChildren(...list.map((r) => h('tr', {'data-direction': r.code},
      h('th', {scope: 'row'}, h('a', {href: `#/direction/${r.code}`}, r.name), h('span.preuve', {}, `${r.code} — ${r.title}`)),
      h('td', {}, r.pole),
      h('td', {}, gauge(r.execution, 'execution', `Réalisation de ${r.name}`)),
      h('td', {}, gauge(r.performance, 'performance', `Performance de ${r.name}`)),
      numCell(num(r.late), {'data-figure': 'late'}),
      numCell(num(r.at_risk), {'data-figure': 'at_risk'}),
      h('td', {'data-figure': 'review'}, r.review ? longDate(r.review) : 'aucune prévue'),
      numCell(r.reminders ? h('a', {href: `#/calendrier/${r.code}`}, num(r.reminders)) : '0', {'data-figure': 'reminders'}))));
    headRow.replaceChildren(...columns.map((c) => h('th' + (c.num ? '.nombre' : ''), {
      scope: 'col', 'aria-sort': sort.key === c.key ? (sort.dir > 0 ? 'ascending' : 'descending') : 'none'},
      h('button.tri', {type: 'button', onclick: () => {
        sort.dir = sort.key === c.key ? -sort.dir : (c.num ? -1 : 1);
        sort.key = c.key;
        draw();
        announce(`Tri par ${c.title.toLowerCase()}`);
      }}, c.title))));
    count.textContent = rows.length === 0
      ? 'Aucun projet de direction n\'est encore enregistré. Un administrateur le charge avec « jalon import ».'
      : `${list.length} direction(s) affichée(s) sur ${rows.length}. Chiffres au ${longDate(today)}.`;
  }
  filter.addEventListener('input', draw);
  fill(main, 
    h('h1', {}, 'Accueil'),
    h('p.chapeau', {}, 'Chaque direction avec ses deux indicateurs, jamais mélangés : la réalisation ' +
      '(avancement des actions) et la performance (atteinte des cibles des indicateurs).'),
    h('div.ligne-champs.filtres', {}, h('div.champ', {}, h('label', {for: 'filtre'}, 'Filtrer les directions'), filter)),
    count,
    h('div.tableau-defilant', {tabindex: 0, role: 'region', 'aria-label': 'Directions'}, h('table', {id: 'directions'}, h('thead', {}, headRow), tbody)));
  draw();
}
