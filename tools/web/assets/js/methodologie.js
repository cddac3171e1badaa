// The city's methodology sheet ("fiche méthodologique indicative"), in its
// own words: the headings of the state of play and of the prospective
// reflection in the sheet's order, each with the questions the sheet asks,
// shown beside the text a direction writes.

export const STATE_OF_PLAY = [
  {section: 'presentation', title: 'Présentation générale',
   questions: 'Quels sont nos objectifs ? Comment faisons-nous pour les atteindre ?'},
  {section: 'legal', title: 'Environnement juridique',
   questions: 'Les textes de lois qui régissent le secteur d\'activité ; les procédures et processus ' +
     'd\'intervention (les principaux, les indispensables). Dans ce chapitre, les lister uniquement : la ' +
     'sécurisation des procédures permet de favoriser la connaissance, de faciliter l\'accès à l\'information ' +
     'et de développer la formation continue.'},
  {section: 'history', title: 'Historique de la direction',
   questions: 'Les moments importants, l\'ouverture et la fermeture de services, les créations de postes, les ' +
     'créations et les rénovations des équipements. L\'utilité de l\'historique réside dans sa lecture ' +
     'globale : connaître le passé pour se projeter dans l\'avenir.'},
  {section: 'local', title: 'Environnement local',
   questions: 'Le diagnostic territorial, l\'analyse des besoins sociaux, le partenariat et le contexte ' +
     'd\'intervention (concurrentiel ou non). Quel est l\'environnement du secteur d\'activité : est-il ' +
     'porteur, est-il en concurrence ?'},
  {section: 'identity', title: 'Fiche d\'identité de la direction',
   questions: 'Situation géographique (site central, équipements dans la ville), nombre d\'agents, volume ' +
     'global d\'activité. Les caractéristiques de la direction sont autant de moyens mis au service des ' +
     'missions et des prestations.'},
  {section: 'users', title: 'Caractéristiques des usagers de la direction',
   questions: 'Le public cible de la direction, interne ou externe. Mieux connaître le public peut avoir des ' +
     'répercussions sur l\'adaptation des moyens à allouer, mais aussi sur la qualification et la formation ' +
     'du personnel.'},
  {section: 'resources', title: 'Ressources',
   questions: 'Ressources humaines, logistiques et financières : les compétences et les qualifications ' +
     'mobilisées, les bâtiments utilisés, l\'équipement informatique mis à disposition (et son évolution ' +
     'souhaitable), le coût des services.'},
  {section: 'reception', title: 'Modalités d\'accueil',
   questions: 'Les horaires d\'ouverture, les modalités de contacts et adresses, la documentation à ' +
     'disposition et à jour.'},
  {section: 'partnerships', title: 'Partenariats',
   questions: 'Les partenaires institutionnels, les partenaires du territoire, les dispositifs contractuels. Il ' +
     'y a les partenariats existants et les partenariats à développer : interroger tout le champ des possibles.'},
  {section: 'services', title: 'Les prestations de service',
   questions: 'Leurs modalités d\'organisation, leurs modalités de sécurisation, leur valeur ajoutée. Les ' +
     'prestations peuvent être décrites sous l\'angle des engagements pris envers le public visé.'},
  {section: 'participation', title: 'La participation et la consultation des usagers',
   questions: 'Les instances, les enquêtes de satisfaction, le recueil des plaintes, les réunions ' +
     'd\'information… Comment le public est-il intégré en tant qu\'acteur ?'},
];

export const PROSPECTIVE = [
  {section: 'prospective_needs', title: 'Prospective des besoins de la population',
   questions: 'Se référer au panorama des services, à l\'état des lieux par direction et à l\'analyse des ' +
     'besoins sociaux.'},
  {section: 'prospective_impacts', title: 'Impacts prévisibles de l\'évolution de l\'environnement',
   questions: 'Évolutions juridiques et financières : projets de lois en cours et à venir, cadre financier ' +
     'externe. Évolution du contexte du territoire : projets des partenaires, évolutions des institutions.'},
  {section: 'strategies', title: 'Stratégies d\'adaptation',
   questions: 'Comment mieux travailler ensemble ? Quelles sont les modalités de pilotage ? Comment circule ' +
     'l\'information ? De quelle façon s\'opère le travail en transversalité ?'},
];

// The values and the ambitions of the administration's project, in the
// sheet's order and words.
export const VALUES = [
  ['listening', 'Écoute'], ['kindness', 'Bienveillance'], ['support', 'Accompagnement'],
  ['reactivity', 'Réactivité'], ['proximity', 'Proximité'], ['adaptability', 'Adaptabilité']];
export const AMBITIONS = [
  ['user_relationship', 'Moderniser la relation à l\'utilisateur'], ['efficiency', 'Rechercher l\'efficacité'],
  ['social_innovation', 'Mettre l\'innovation sociale au cœur des pratiques'],
  ['ways_of_working', 'Moderniser les manières de faire']];

export const QUADRANTS = [
  ['internal_strength', 'Atout interne'], ['internal_weakness', 'Faiblesse interne'],
  ['external_strength', 'Atout externe'], ['external_weakness', 'Faiblesse externe']];
