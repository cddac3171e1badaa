// The written plan as the Direction page shows it to every reader: the
// state of play with its identity card, the prospective reflection and the
// retained scenario with its means, under the methodology sheet's headings.
// Text is shown as text, never as HTML.
import {h, num} from './dom.js';
import {retainedMeans} from './moyens.js';
import {PROSPECTIVE, STATE_OF_PLAY} from './methodologie.js';

function blocks(plan, parts) {
  const sections = plan.sections || {};
  const id = plan.identity || {};
  const shown = parts.filter(({section}) => sections[section] ||
    (section === 'identity' && (id.site || id.agents !== undefined || id.activity_volume)));
  if (!shown.length) return h('p', {}, 'Pas encore rédigé.');
  return shown.map(({section, title}) => h('section.bloc-section', {'data-lecture': section},
    h('h3', {}, title),
    section === 'identity'
      ? h('dl.fiche', {}, h('dt', {}, 'Site'), h('dd', {}, id.site || '—'),
        h('dt', {}, 'Agents'), h('dd', {}, id.agents !== undefined ? num(id.agents) : '—'),
        h('dt', {}, 'Volume d\'activité'), h('dd', {}, id.activity_volume || '—')) : null,
    sections[section] ? h('div.texte-section', {}, sections[section]) : null));
}

export function writtenPlan(plan) {
  return [
    h('h2', {}, 'Présentation de l\'existant'), blocks(plan, STATE_OF_PLAY),
    h('h2', {}, 'Réflexions prospectives'), blocks(plan, PROSPECTIVE),
    h('h2', {}, 'Scénario retenu et ses moyens'),
    retainedMeans(plan, {id: 'moyens-direction'}) || h('p', {}, 'Aucun scénario retenu.')];
}
