// Jalon — the dashboard in the browser. A single page over the /v1 API:
// every figure on screen is the API's, fetched with the user's token, so a
// role sees exactly what its token may read. No build step, no dependency;
// the French labels come from /assets/labels.js (the server's own table).
//
// Pages (hash routes):
//   #/                        Accueil: every readable direction
//   #/direction/DEJ[?as_of=]  Direction: one plan
//   #/historique/DEJ          Historique: audit trail, time slider, diff
//   #/calendrier/DEJ          Calendrier et relances
//   #/evaluation/DEJ          Évaluation: tables, downloads, documents
//   #/plans/DEJ               older reminders' link: shown as #/direction/DEJ
'use strict';

(() => {
  const LABELS = window.JALON_LABELS || {};
  // A jalond serving several cities serves each one's dashboard at
  // /t/{ville}/ and its API under the same prefix; one city: at the root.
  const BASE = (location.pathname.match(/^\/t\/[a-z][a-z0-9-]{0,31}(?=\/)/) || [''])[0];
  // A token belongs to one city: the session keys are per city.
  const TOKEN_KEY = 'jalon.jeton' + BASE, WHO_KEY = 'jalon.identite' + BASE;
  // The token and who it is stay for the browser session (sessionStorage):
  // a page load then needs no extra round trip; a token withdrawn since is
  // caught by the first 401.
  const session = {token: sessionStorage.getItem(TOKEN_KEY), who: null};
  try { session.who = JSON.parse(sessionStorage.getItem(WHO_KEY)); } catch (e) { session.who = null; }

  // ---------------------------------------------------------------- helpers

  const label = (group, code) => (LABELS[group] && LABELS[group][code]) || code;
  const enc = encodeURIComponent;

  // h('tag.class', {attr: value}, children...): builds an element. Text
  // children become text nodes, so nothing typed by staff is ever HTML.
  function h(spec, attrs, ...children) {
    const [tag, ...classes] = spec.split('.');
    const el = document.createElement(tag);
    if (classes.length) el.className = classes.join(' ');
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'text') el.textContent = v;
      else if (k === 'style') Object.assign(el.style, v);  // CSSOM: allowed by the CSP
      else el.setAttribute(k, v === true ? '' : v);
    }
    append(el, children);
    return el;
  }
  // Replaces an element's content (arrays flattened, null skipped).
  function fill(el, ...children) {
    el.replaceChildren();
    return append(el, children);
  }
  function append(el, children) {
    for (const c of children.flat(Infinity)) {
      if (c === undefined || c === null || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }
  const SVG_NS = 'http://www.w3.org/2000/svg';
  function s(tag, attrs, ...children) {
    const el = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== undefined && v !== null) el.setAttribute(k, v);
    }
    for (const c of children.flat()) {
      if (c !== undefined && c !== null) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  const numberFormat = new Intl.NumberFormat('fr-FR', {maximumFractionDigits: 2});
  // (v + 0 turns -0 into 0: no "-0 %".)
  const num = (v) => (typeof v === 'number' && isFinite(v) ? numberFormat.format(v + 0) : '—');
  const pct = (v) => (typeof v === 'number' && isFinite(v) ? numberFormat.format(v + 0) + ' %' : '—');
  const withUnit = (v, unit) => (typeof v === 'number' ? num(v) + (unit ? ' ' + unit : '') : '—');
  const dateFormat = new Intl.DateTimeFormat('fr-FR', {day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC'});
  const dateTimeFormat = new Intl.DateTimeFormat('fr-FR', {
    day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris'});
  function longDate(iso) {
    if (!iso || typeof iso !== 'string') return '—';
    const d = new Date(iso.length === 10 ? iso + 'T00:00:00Z' : iso);
    return isNaN(d) ? iso : dateFormat.format(d);
  }
  function dateTime(iso) {
    const d = new Date(iso);
    return isNaN(d) ? (iso || '—') : dateTimeFormat.format(d);
  }
  const dayNumber = (iso) => Math.floor(Date.parse(iso.slice(0, 10) + 'T00:00:00Z') / 86400000);
  const isoOfDay = (day) => new Date(day * 86400000).toISOString().slice(0, 10);

  function statusBadge(group, code) {
    return h('span.statut.statut-' + code, {}, label(group, code));
  }
  function gauge(value, kind, name) {
    const v = typeof value === 'number' ? Math.max(0, Math.min(100, value)) : 0;
    return h('div.jauge', {role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100,
                           'aria-valuenow': typeof value === 'number' ? value : null,
                           'aria-label': name, 'data-figure': kind},
      h('div.barre', {'aria-hidden': 'true'}, h('div.remplissage.' + kind, {style: {width: v + '%'}})),
      h('span.texte', {}, pct(value)));
  }
  function progressBar(value) {
    const v = Math.max(0, Math.min(100, value || 0));
    return h('div.progression', {},
      h('div.barre', {role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': value},
        h('div.remplissage', {style: {width: v + '%'}})),
      h('span', {}, pct(value)));
  }
  function table(headers, rows, opts = {}) {
    return h('div.tableau-defilant', {},
      h('table', {id: opts.id},
        opts.caption ? h('caption', {}, opts.caption) : null,
        h('thead', {}, h('tr', {}, headers.map((x) => h('th' + (x.num ? '.nombre' : ''), {scope: 'col'}, x.title || x)))),
        h('tbody', {}, rows)));
  }
  function row(cells) {
    return h('tr', {}, cells.map((c) => (c instanceof Node && c.tagName === 'TD') ? c : h('td', {}, c)));
  }
  const numCell = (content, attrs = {}) => h('td.nombre', attrs, content);

  function announce(text) {
    const el = document.getElementById('annonce');
    el.textContent = '';
    setTimeout(() => { el.textContent = text; }, 50);
  }

  // ------------------------------------------------------------------ API

  class ApiError extends Error {
    constructor(status, detail) {
      super(detail || String(status));
      this.status = status;
      this.detail = detail;
    }
  }

  async function api(path, opts = {}) {
    const headers = {};
    if (session.token) headers.Authorization = 'Bearer ' + session.token;
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(BASE + path, {method: opts.method || 'GET', headers,
                               body: opts.body === undefined ? undefined : JSON.stringify(opts.body)});
    } catch (e) {
      throw new ApiError(0, String(e));
    }
    if (!res.ok) {
      let detail = '';
      try { detail = (await res.json()).error.message; } catch (e) { /* not JSON */ }
      throw new ApiError(res.status, detail);
    }
    if (opts.blob) return res.blob();
    return res.json();
  }

  // The French message for a failed call.
  function messageOf(err, what) {
    const detail = err.detail ? ` (détail technique : ${err.detail})` : '';
    switch (err.status) {
      case 0: return 'Le serveur Jalon ne répond pas. Vérifiez votre connexion et réessayez.';
      case 400: return `Demande refusée${what ? ' : ' + what : ''}${detail}.`;
      case 401: return 'Votre jeton n\'est pas ou plus accepté. Reconnectez-vous.';
      case 403: return `Accès refusé : votre jeton ne permet pas ${what || 'cette opération'}.`;
      case 404: return `Introuvable${what ? ' : ' + what : ''}${detail}.`;
      case 409: return 'Le projet a changé entre-temps : rechargez la page et recommencez.';
      case 413: return 'La demande est trop volumineuse.';
      case 503: return 'Le service est momentanément indisponible (écritures suspendues). Réessayez plus tard.';
      default: return `Erreur du serveur (${err.status})${detail}.`;
    }
  }

  // Downloads a file of the API (the token goes in a header, so a plain
  // link cannot carry it).
  async function download(path, filename) {
    const blob = await api(path, {blob: true});
    const url = URL.createObjectURL(blob);
    const a = h('a', {href: url, download: filename});
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    announce(`Téléchargement de ${filename} lancé.`);
  }
  async function openDocument(path) {
    const blob = await api(path, {blob: true});
    const url = URL.createObjectURL(new Blob([blob], {type: 'text/html'}));
    window.open(url, '_blank', 'noopener');
  }

  // --------------------------------------------------------------- layout

  const canWrite = (code) => session.who && (session.who.role === 'admin' || session.who.direction === code);
  const roleName = (who) => {
    if (who.role === 'admin') return 'administration';
    if (who.role === 'steering') return 'service de pilotage';
    if (who.role === 'auditor') return 'audit';
    if (who.direction) return 'direction ' + who.direction;
    return who.role;
  };

  function renderChrome(route) {
    const sessionEl = document.getElementById('session');
    const nav = document.getElementById('navigation');
    sessionEl.replaceChildren();
    nav.replaceChildren();
    if (!session.who) return;
    sessionEl.append(h('span', {}, `Connecté : ${session.who.name} (${roleName(session.who)})`),
      h('button.secondaire', {type: 'button', onclick: logout}, 'Se déconnecter'));
    const items = [['#/', 'Accueil', route.page === 'accueil']];
    if (route.code) {
      const c = route.code;
      items.push([`#/direction/${c}`, 'Direction', route.page === 'direction'],
                 [`#/historique/${c}`, 'Historique', route.page === 'historique'],
                 [`#/calendrier/${c}`, 'Calendrier et relances', route.page === 'calendrier'],
                 [`#/evaluation/${c}`, 'Évaluation', route.page === 'evaluation']);
    }
    nav.append(h('ul', {}, items.map(([href, text, current]) =>
      h('li', {}, h('a', {href, 'aria-current': current ? 'page' : null}, text))),
      route.code ? h('li.direction-courante', {}, `Direction ${route.code}`) : null));
  }

  function logout() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(WHO_KEY);
    session.token = null;
    session.who = null;
    location.hash = '#/';
    route();
  }

  // ----------------------------------------------------------- the pages

  function renderLogin(main, error) {
    document.title = 'Connexion — Jalon';
    const input = h('input', {id: 'jeton', name: 'jeton', type: 'password', autocomplete: 'off',
                              required: true, size: 40, 'aria-describedby': 'aide-jeton'});
    const form = h('form', {id: 'connexion', onsubmit: async (ev) => {
      ev.preventDefault();
      session.token = input.value.trim();
      try {
        session.who = await api('/v1/whoami');
        sessionStorage.setItem(TOKEN_KEY, session.token);
        sessionStorage.setItem(WHO_KEY, JSON.stringify(session.who));
        // A direction's user lands on its own plan; the others on Accueil.
        const home = session.who.direction ? `#/direction/${session.who.direction}` : '#/';
        if ((location.hash || '#/') === '#/' && location.hash !== home) {
          location.hash = home;  // hashchange renders it
          return;
        }
        route();
      } catch (err) {
        session.token = null;
        renderLogin(main, err.status === 401 ? 'Jeton refusé : vérifiez-le, ou demandez-en un au service de pilotage.'
                                             : messageOf(err));
      }
    }},
      h('div.champ', {}, h('label', {for: 'jeton'}, 'Jeton d\'accès'), input,
        h('p.chapeau', {id: 'aide-jeton'}, 'Le jeton vous a été remis par le service de pilotage. ' +
          'Il reste en mémoire le temps de la session de votre navigateur.')),
      h('button', {type: 'submit'}, 'Se connecter'));
    fill(main, h('div.carte-connexion', {},
      h('h1', {}, 'Connexion'),
      error ? h('div.alerte', {role: 'alert'}, error) : null,
      form));
    input.focus();
  }

  async function renderHome(main) {
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
      h('div.tableau-defilant', {}, h('table', {id: 'directions'}, h('thead', {}, headRow), tbody)));
    draw();
  }

  // The plan's two gauges and counts, large.
  function headline(dash) {
    return h('div.jauges', {},
      h('div.jauge-grande', {},
        h('div.legende', {}, 'Réalisation — avancement des actions'),
        h('div.valeur', {'data-figure': 'execution'}, pct(dash.execution)),
        gauge(dash.execution, 'execution', 'Réalisation')),
      h('div.jauge-grande', {},
        h('div.legende', {}, 'Performance — atteinte des cibles'),
        h('div.valeur', {'data-figure': 'performance'}, pct(dash.performance)),
        gauge(dash.performance, 'performance', 'Performance')),
      h('div.jauge-grande', {},
        h('div.legende', {}, 'Actions en retard / à risque'),
        h('div.valeur', {}, h('span', {'data-figure': 'late'}, num(dash.late_actions)), ' / ',
          h('span', {'data-figure': 'at_risk'}, num(dash.at_risk_actions))),
        h('div.legende', {}, `au ${longDate(dash.at)}`)));
  }

  function missionMatrix(plan) {
    // In the methodology sheet's order, not the labels' (alphabetical) one.
    const values = ['listening', 'kindness', 'support', 'reactivity', 'proximity', 'adaptability'];
    const ambitions = ['user_relationship', 'efficiency', 'social_innovation', 'ways_of_working'];
    const cell = (m, group, key) => {
      const score = m[group] ? m[group][key] : undefined;
      if (typeof score !== 'number') return h('td.score', {}, h('span', {'aria-label': 'non évaluée'}, '—'));
      return h('td.score.score-' + score, {title: `${label(group === 'values' ? 'value' : 'ambition', key)} : ${score} sur 3`}, String(score));
    };
    return [
      h('div.tableau-defilant', {}, h('table.matrice', {id: 'matrice'},
        h('caption', {}, 'Contribution de chaque mission aux valeurs et aux ambitions (0 : aucune, 3 : forte)'),
        h('colgroup', {}, h('col.col-mission'), [...values, ...ambitions].map(() => h('col'))),
        h('thead', {},
          h('tr', {}, h('td'), h('th', {scope: 'colgroup', colspan: values.length}, 'Valeurs'),
            h('th', {scope: 'colgroup', colspan: ambitions.length}, 'Ambitions')),
          h('tr', {}, h('th', {scope: 'col'}, 'Mission'),
            values.map((v) => h('th', {scope: 'col'}, label('value', v))),
            ambitions.map((a) => h('th', {scope: 'col'}, label('ambition', a))))),
        h('tbody', {}, plan.missions.map((m) => h('tr', {},
          h('th', {scope: 'row'}, `${m.id} — ${m.title}`),
          values.map((v) => cell(m, 'values', v)),
          ambitions.map((a) => cell(m, 'ambitions', a))))))),
      h('p.legende-matrice', {}, [0, 1, 2, 3].map((n) => h('span', {}, h('span.case.score-' + n), `${n}`)),
        h('span', {}, '— : mission non encore interrogée'))];
  }

  function swotQuadrants(plan) {
    const quadrants = ['internal_strength', 'internal_weakness', 'external_strength', 'external_weakness'];
    return h('div.quadrants', {id: 'atouts-faiblesses'}, quadrants.map((q) => {
      const items = (plan.swot || []).filter((x) => x.quadrant === q);
      return h('section.quadrant', {'aria-labelledby': 'q-' + q},
        h('h3', {id: 'q-' + q}, label('quadrant', q)),
        items.length ? h('ul', {}, items.map((x) => h('li', {}, x.text,
          x.evidence ? h('span.preuve', {}, `Élément de preuve : ${x.evidence.source || '—'}` +
                                             (x.evidence.date ? ` (${longDate(x.evidence.date)})` : '')) : null)))
                     : h('p.preuve', {}, 'Aucun élément.'));
    }));
  }

  function axesAndActions(plan, dash) {
    return dash.axes.map((axis) => {
      const full = plan.axes.find((a) => a.id === axis.id) || {};
      const v = full.validation;
      return h('section.axe', {'data-axis': axis.id, 'aria-labelledby': 'axe-' + axis.id},
        h('div.axe-entete', {},
          h('h3', {id: 'axe-' + axis.id}, `${axis.id} — ${axis.title}`),
          h('div.badges', {},
            axis.dropped ? h('span.statut.statut-cancelled', {}, 'Abandonné') : null,
            v ? h('span.statut.statut-done', {}, `Validé le ${longDate(v.date)}`) : h('span.statut.statut-open', {}, 'Non validé'))),
        v ? h('p.preuve', {}, `Orientation politique : ${v.orientation || '—'} — validé par ${v.by || '—'}`) : null,
        h('p', {}, 'Réalisation : ', h('strong', {'data-figure': 'axis-execution'}, pct(axis.execution)),
          ' · Performance : ', h('strong', {'data-figure': 'axis-performance'}, pct(axis.performance))),
        table(['Action', 'Avancement', 'Statut', 'Pilote', 'Échéance'], axis.actions.map((a) =>
          h('tr', {'data-action': a.id},
            h('th', {scope: 'row'}, `${a.id} — ${a.title}`),
            h('td', {'data-figure': 'progress'}, progressBar(a.progress)),
            h('td', {}, statusBadge('action_status', a.status)),
            h('td', {}, a.owner || '—'),
            h('td', {}, longDate(a.due))))));
    });
  }

  // An indicator's chart: the measurements, the baseline, the initial and
  // current targets, and the expected trajectory (baseline to target).
  function indicatorChart(ind, dashInd) {
    const W = 420, H = 220, L = 46, R = 22, T = 14, B = 30;
    const ms = (ind.measurements || []).map((m) => ({day: dayNumber(m.date), value: m.value, date: m.date}))
      .sort((a, b) => a.day - b.day);
    const base = {day: dayNumber(ind.baseline.date), value: ind.baseline.value};
    const target = {day: dayNumber(ind.target.date), value: ind.target.value};
    const changes = ind.target_changes || [];
    const initial = changes.length ? {day: dayNumber(changes[0].from.date), value: changes[0].from.value} : null;
    const days = [base.day, target.day, ...ms.map((m) => m.day)].concat(initial ? [initial.day] : []);
    const vals = [base.value, target.value, ...ms.map((m) => m.value)].concat(initial ? [initial.value] : []);
    let x0 = Math.min(...days), x1 = Math.max(...days);
    if (x1 - x0 < 30) x1 = x0 + 30;
    // The y range: the values with a margin, on round ticks (1, 2 or 5 x 10^n).
    const lo = Math.min(...vals), hi = Math.max(...vals);
    const raw = ((hi - lo) || Math.abs(hi) || 1) / 4;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((k) => k * mag).find((x) => x >= raw);
    let y0 = Math.floor((lo - step * 0.25) / step) * step, y1 = Math.ceil((hi + step * 0.25) / step) * step;
    if (y0 < 0 && lo >= 0) y0 = 0;
    const X = (d) => L + (d - x0) / (x1 - x0) * (W - L - R);
    const Y = (v) => T + (1 - (v - y0) / (y1 - y0)) * (H - T - B);
    const unit = ind.unit || '';
    const parts = [];
    // Grid and y ticks.
    for (let v = y0; v <= y1 + step / 1000; v += step) {
      parts.push(s('line', {class: 'grille', x1: L, x2: W - R, y1: Y(v), y2: Y(v)}),
                 s('text', {x: L - 6, y: Y(v) + 4, 'text-anchor': 'end'}, num(Math.round(v * 1e6) / 1e6)));
    }
    // Years on the x axis.
    const firstYear = new Date(x0 * 86400000).getUTCFullYear() + 1;
    const lastYear = new Date(x1 * 86400000).getUTCFullYear();
    for (let y = firstYear; y <= lastYear; y++) {
      const d = dayNumber(`${y}-01-01`);
      parts.push(s('line', {class: 'grille', x1: X(d), x2: X(d), y1: T, y2: H - B}),
                 s('text', {x: X(d), y: H - B + 16, 'text-anchor': 'middle'}, String(y)));
    }
    parts.push(s('line', {class: 'axe-graphique', x1: L, x2: L, y1: T, y2: H - B}),
               s('line', {class: 'axe-graphique', x1: L, x2: W - R, y1: H - B, y2: H - B}));
    const maintain = ind.polarity === 'maintain_above' || ind.polarity === 'maintain_below';
    if (initial && (initial.value !== target.value || initial.day !== target.day)) {
      parts.push(s('polyline', {class: 'cible-initiale', points: maintain
        ? `${X(x0)},${Y(initial.value)} ${X(initial.day)},${Y(initial.value)}`
        : `${X(base.day)},${Y(base.value)} ${X(initial.day)},${Y(initial.value)}`},
        s('title', {}, `Cible initiale : ${withUnit(initial.value, unit)} au ${longDate(changes[0].from.date)}`)));
    }
    parts.push(s('polyline', {class: 'trajectoire', points: maintain
      ? `${X(x0)},${Y(target.value)} ${X(target.day)},${Y(target.value)}`
      : `${X(base.day)},${Y(base.value)} ${X(target.day)},${Y(target.value)}`},
      s('title', {}, 'Trajectoire attendue')));
    parts.push(s('line', {class: 'cible', x1: X(target.day) - 8, x2: X(target.day) + 8, y1: Y(target.value), y2: Y(target.value)},
      s('title', {}, `Cible : ${withUnit(target.value, unit)} au ${longDate(ind.target.date)}`)));
    if (ms.length) {
      parts.push(s('polyline', {class: 'mesures', points: [base, ...ms].map((m) => `${X(m.day)},${Y(m.value)}`).join(' ')}));
    }
    parts.push(s('circle', {class: 'reference', cx: X(base.day), cy: Y(base.value), r: 4},
      s('title', {}, `Valeur de référence : ${withUnit(base.value, unit)} au ${longDate(ind.baseline.date)}`)));
    for (const m of ms) {
      parts.push(s('circle', {class: 'point', cx: X(m.day), cy: Y(m.value), r: 3.5},
        s('title', {}, `${longDate(m.date)} : ${withUnit(m.value, unit)}`)));
    }
    const titleId = 'g-titre-' + ind.id, descId = 'g-desc-' + ind.id;
    const desc = `Référence ${withUnit(base.value, unit)} (${longDate(ind.baseline.date)}), ` +
      `${ms.length} mesure(s)` + (ms.length ? `, dernière ${withUnit(ms[ms.length - 1].value, unit)} (${longDate(ms[ms.length - 1].date)})` : '') +
      `, cible ${withUnit(target.value, unit)} au ${longDate(ind.target.date)}.`;
    return s('svg', {class: 'graphique', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `${titleId} ${descId}`},
      s('title', {id: titleId}, `Évolution de l'indicateur ${ind.id}`), s('desc', {id: descId}, desc), parts);
  }

  function indicatorCards(plan, dash) {
    return h('div.indicateurs', {}, dash.indicators.map((d) => {
      const ind = plan.indicators.find((i) => i.id === d.id);
      if (!ind) return null;
      const unit = d.unit || '';
      return h('section.indicateur', {'data-indicator': d.id, 'aria-labelledby': 'ind-' + d.id},
        h('h3', {id: 'ind-' + d.id}, `${d.id} — ${d.name}`),
        indicatorChart(ind, d),
        h('ul.legende-graphique', {'aria-hidden': 'true'},
          h('li', {}, h('span.trait'), 'mesures'), h('li', {}, h('span.trait.trajectoire'), 'trajectoire attendue'),
          h('li', {}, h('span.trait.cible'), 'cible'),
          (ind.target_changes || []).length ? h('li', {}, h('span.trait.initiale'), 'cible initiale') : null),
        h('dl', {},
          h('dt', {}, 'Référence'), h('dd', {}, `${withUnit(d.baseline, unit)} (${longDate(ind.baseline.date)})`),
          h('dt', {}, 'Cible initiale'), h('dd', {'data-figure': 'initial_target'}, withUnit(d.initial_target, unit)),
          h('dt', {}, 'Cible actuelle'), h('dd', {'data-figure': 'target'}, `${withUnit(d.target, unit)} au ${longDate(d.target_date)}`),
          h('dt', {}, 'Dernière mesure'), h('dd', {'data-figure': 'latest'},
            d.latest === null ? 'aucune' : `${withUnit(d.latest, unit)} (${longDate(d.latest_date)})`),
          h('dt', {}, 'Atteinte'), h('dd', {'data-figure': 'attainment'}, pct(d.attainment)),
          h('dt', {}, 'Trajectoire'), h('dd', {}, statusBadge('trajectory', d.trajectory))));
    }));
  }

  async function renderDirection(main, code, params) {
    const asOf = params.get('as_of');
    const q = asOf ? `?as_of=${enc(asOf)}` : '';
    const [plan, dash] = await Promise.all([
      api(`/v1/plans/${enc(code)}${q}`),
      api(`/v1/plans/${enc(code)}/dashboard${q}${asOf ? '&at=' + asOf.slice(0, 10) : ''}`)]);
    const name = plan.direction.name || code;
    document.title = `${name} — Jalon`;
    const p = plan.plan || {};
    fill(main, 
      h('h1', {}, name),
      h('p.chapeau', {}, `${p.title || 'Projet de direction'} — du ${longDate(p.period_start)} au ${longDate(p.period_end)}` +
        (plan.direction.pole ? ` — ${plan.direction.pole}` : '')),
      asOf ? h('div.info', {role: 'note'}, `Le projet tel qu'il était enregistré le ${dateTime(asOf)} (position ${plan.position} du journal). `,
        h('a', {href: `#/direction/${code}`}, 'Revenir à aujourd\'hui')) : null,
      h('div.actions-page', {},
        h('button', {type: 'button', onclick: () => window.print()}, 'Imprimer'),
        h('button.secondaire', {type: 'button', onclick: () => openDocument(`/v1/plans/${enc(code)}/brief?format=html${asOf ? '&as_of=' + enc(asOf) : ''}`)
          .catch((e) => announce(messageOf(e)))}, 'Présentation aux nouveaux arrivants')),
      headline(dash),
      h('h2', {}, 'Missions, valeurs et ambitions'), missionMatrix(plan),
      h('h2', {}, 'Atouts et faiblesses'), swotQuadrants(plan),
      h('h2', {}, 'Axes de progrès et actions'), axesAndActions(plan, dash),
      h('h2', {}, 'Indicateurs'), indicatorCards(plan, dash));
  }

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
  function entityName(entity) {
    const [kind, ...id] = entity.split('/');
    return label('entity', kind) + (id.length ? ' ' + id.join('/') : '');
  }

  async function renderHistory(main, code) {
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
        h('td', {title: e.type}, label('event', e.type)), h('td', {}, entityName(e.entity)), h('td', {}, e.actor),
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
      h('div.tableau-defilant', {}, h('table', {id: 'journal'},
        h('thead', {}, h('tr', {}, ['N°', 'Enregistré le', 'Date d\'effet', 'Événement', 'Élément', 'Auteur', 'Changements']
          .map((t) => h('th', {scope: 'col'}, t)))), trail)),
      h('div.pagination', {}, more));
    drawTrail();
    chosen.textContent = 'Le projet tel qu\'il est enregistré aujourd\'hui';
    past.replaceChildren(today);
  }

  async function renderCalendar(main, code, flash) {
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
            h('td', {}, r.expected), h('td', {}, longDate(r.due)), h('td', {}, statusBadge('reminder_state', r.state)),
            h('td', {}, label('reminder_level', String(r.level))),
            numCell(`${r.delivered} / ${r.notices}` + (r.attempts ? ` (${r.attempts} échec(s))` : ''),
              {title: `Dernier avis : ${dateTime(r.last_notice_at)}`}),
            h('td', {}, ack || (r.state === 'open' ? h('span.preuve', {}, 'réservé à la direction') : '—')));
        }), {id: 'relances'}),
      h('h2', {}, 'Calendrier du cycle'),
      h('p.chapeau', {}, 'Revues semestrielles, révision à mi-parcours et évaluation finale, avec les dates décalées ' +
        'aux jours ouvrés.'),
      table(['Échéance', 'Date prévue', 'Date retenue', 'Motif du décalage', 'État'], occurrences.map((o) =>
        h('tr', {'data-occurrence': o.occurrence},
          h('th', {scope: 'row'}, label('schedule', o.schedule)), h('td', {}, longDate(o.nominal)),
          h('td', {}, longDate(o.due)), h('td', {}, o.moved ? o.reason : '—'),
          h('td', {}, statusBadge('occurrence_state', o.state)))), {id: 'calendrier'}));
    if (flash) announce(flash.ok || flash.error);
  }

  async function renderEvaluation(main, code) {
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
          }))))
          : h('p.preuve', {}, 'Aucune ligne.'),
        t.rows.length > 200 ? h('p.preuve', {}, `200 premières lignes sur ${t.rows.length} : le fichier CSV les contient toutes.`) : null)));
  }
  const TABLE_TITLES = {plan: 'Le projet', axes: 'Axes de progrès', indicateurs: 'Indicateurs', mesures: 'Mesures',
    changements_de_cible: 'Changements de cible', actions: 'Actions', revues: 'Revues et révision', relances: 'Relances',
    evenements: 'Changements au fil du cycle'};
  const tableTitle = (name) => TABLE_TITLES[name] || name;

  // ---------------------------------------------------------------- router

  function parseRoute() {
    const hash = location.hash.startsWith('#/') ? location.hash.slice(1) : '/';
    const [path, query] = hash.split('?');
    const parts = path.split('/').filter(Boolean);
    const params = new URLSearchParams(query || '');
    if (!parts.length) return {page: 'accueil', params};
    // #/plans/{code}: the address that reminders sent by older versions carry.
    if (parts[0] === 'plans' && parts.length === 2) {
      history.replaceState(null, '', `#/direction/${parts[1]}`);
      parts[0] = 'direction';
    }
    const pages = {direction: 1, historique: 1, calendrier: 1, evaluation: 1};
    if (pages[parts[0]] && parts.length === 2 && /^[A-Z][A-Z0-9_-]{0,15}$/.test(parts[1])) return {page: parts[0], code: parts[1], params};
    return {page: 'inconnue', params};
  }

  let generation = 0;
  async function route() {
    const main = document.getElementById('contenu');
    const r = parseRoute();
    const mine = ++generation;
    if (!session.token) {
      renderChrome({});
      renderLogin(main);
      return;
    }
    try {
      if (!session.who) {
        session.who = await api('/v1/whoami');
        sessionStorage.setItem(WHO_KEY, JSON.stringify(session.who));
      }
    } catch (err) {
      if (err.status === 401) {
        sessionStorage.removeItem(TOKEN_KEY);
        sessionStorage.removeItem(WHO_KEY);
        session.token = null;
        renderChrome({});
        renderLogin(main, 'Votre session a expiré ou votre jeton a été retiré : reconnectez-vous.');
        return;
      }
      fill(main, h('div.alerte', {role: 'alert'}, messageOf(err)));
      return;
    }
    renderChrome(r);
    main.setAttribute('aria-busy', 'true');
    const started = performance.now();
    try {
      if (r.page === 'accueil') await renderHome(main);
      else if (r.page === 'direction') await renderDirection(main, r.code, r.params);
      else if (r.page === 'historique') await renderHistory(main, r.code);
      else if (r.page === 'calendrier') await renderCalendar(main, r.code);
      else if (r.page === 'evaluation') await renderEvaluation(main, r.code);
      else fill(main, h('h1', {}, 'Page introuvable'), h('p', {}, h('a', {href: '#/'}, 'Revenir à l\'accueil')));
    } catch (err) {
      if (mine !== generation) return;
      if (err.status === 401) {
        logout();
        return;
      }
      const what = r.code ? `de consulter la direction ${r.code}` : 'de consulter cette page';
      fill(main, h('h1', {}, 'Impossible d\'afficher la page'),
        h('div.alerte', {role: 'alert'}, messageOf(err, what)),
        h('p', {}, h('a', {href: '#/'}, 'Revenir à l\'accueil')));
    } finally {
      if (mine === generation) {
        main.removeAttribute('aria-busy');
        main.dataset.loadedMs = String(Math.round(performance.now() - started));
        // Since the navigation started: the page's whole load, for the e2e test.
        main.dataset.sinceNavigationMs = String(Math.round(performance.now()));
        main.dataset.page = r.page;
        document.body.dataset.ready = String(mine);
      }
    }
  }

  window.addEventListener('hashchange', () => {
    if (location.hash === '#contenu') return;  // the skip link
    route().then(() => document.getElementById('contenu').focus({preventScroll: true}));
  });
  document.getElementById('lien-evitement').addEventListener('click', (ev) => {
    ev.preventDefault();
    document.getElementById('contenu').focus();
  });
  route();
})();
