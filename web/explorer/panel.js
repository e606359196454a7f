// The side panel: what the selected entity or relationship is, and for a
// relationship every quote that supports it. Everything from the API is
// set as text, never as markup.

import { kindStyle } from './style.js';

/** Creates an element with attributes and children (strings become text). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** "TROOP_DEPLOYMENT" → "troop deployment". */
export function words(enumValue) {
  return enumValue ? enumValue.toLowerCase().replaceAll('_', ' ') : '';
}

function facts(rows) {
  const dl = h('dl', { class: 'facts' });
  for (const [k, v] of rows) {
    if (v == null || v === '') continue;
    dl.append(h('dt', {}, k), h('dd', {}, v));
  }
  return dl.children.length ? dl : null;
}

function kindBadge(kind, type) {
  const s = kindStyle(kind);
  const sw = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  sw.style.background = s.color;
  return h('p', { class: 'kind-line' }, sw, s.label, type ? ` · ${words(type)}` : '');
}

/** Shown before anything is selected. */
export function helpView() {
  return h(
    'div',
    { class: 'help' },
    h('h2', {}, 'How to explore'),
    h(
      'ul',
      {},
      h('li', {}, 'Search for a person, organization, country or policy and pick a suggestion to draw its neighbourhood.'),
      h('li', {}, 'Click a node to expand it: its own neighbours join the graph.'),
      h('li', {}, 'Click a relationship (a line) to read its evidence quotes and their sources.'),
      h('li', {}, 'Shift-click two nodes, or fill in “Path from” and “to”, to draw the shortest path between them.'),
    ),
  );
}

/** An entity: what it is, and actions on it. */
export function entityView(e, actions) {
  return h(
    'div',
    { class: 'entity', 'data-id': e.id },
    h('h2', {}, e.name),
    kindBadge(e.kind, e.type),
    e.description ? h('p', { class: 'description' }, e.description) : null,
    facts([
      ['Also called', e.aliases?.length ? e.aliases.join(', ') : null],
      ['Status', words(e.status)],
      ['Date', e.date],
      ['Start', e.start],
      ['End', e.end],
      ['Rate', e.rate != null ? `${e.rate}%` : null],
      ['Count', e.count],
      ['ID', e.id],
    ]),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', onclick: () => actions.center(e) }, 'Centre here'),
      h('button', { type: 'button', onclick: () => actions.pathFrom(e) }, 'Path from here'),
      h('button', { type: 'button', onclick: () => actions.pathTo(e) }, 'Path to here'),
    ),
    exportLinks(e.id),
  );
}

/** Links to download the entity's neighbourhood from the server's /export/. */
function exportLinks(id) {
  const q = `?center=${encodeURIComponent(id)}`;
  const link = (format, label) => h('a', { href: `/export/${format}${q}`, download: '' }, label);
  return h(
    'p',
    { class: 'exports' },
    'Download its neighbourhood: ',
    link('cytoscape.json', 'Cytoscape JSON'),
    ' · ',
    link('graphml', 'GraphML'),
    ' · ',
    link('gexf', 'GEXF'),
  );
}

/** A relationship: its type, ends, properties and every evidence quote. */
export function relationshipView(r) {
  const evidence = h(
    'ol',
    { class: 'evidence' },
    r.evidence.map((ev) =>
      h(
        'li',
        {},
        h(
          'figure',
          {},
          h('blockquote', { class: 'quote' }, ev.quote),
          h(
            'figcaption',
            {},
            '— ',
            ev.source.url
              ? h('a', { class: 'source-title', href: ev.source.url, rel: 'noopener noreferrer', target: '_blank' }, h('cite', {}, ev.source.title))
              : h('cite', { class: 'source-title' }, ev.source.title),
            ev.source.publisher ? `, ${ev.source.publisher}` : '',
            ev.source.published ? `, ${ev.source.published}` : '',
          ),
        ),
      ),
    ),
  );
  return h(
    'div',
    { class: 'relationship', 'data-id': r.id },
    h('h2', { class: 'rel-type' }, r.type),
    h('p', { class: 'ends' }, h('strong', {}, r.from.name), ' → ', h('strong', {}, r.to.name)),
    facts([
      ['Role', r.role],
      ['Allegation', r.allegation],
      ['Rank', r.rank],
      ['Count', r.count],
      ['Rate', r.rate != null ? `${r.rate}%` : null],
      ['Status', words(r.status)],
      ['Date', r.date],
      ['Start', r.start],
      ['End', r.end],
    ]),
    h('h3', {}, `Evidence (${r.evidence.length})`),
    r.evidence.length ? evidence : h('p', {}, 'No quotes.'),
  );
}

/** A path, step by step, with the direction of each relationship. */
export function pathView(path) {
  const names = new Map(path.nodes.map((n) => [n.id, n.label]));
  const steps = h('ol', { class: 'path-steps' });
  path.edges.forEach((e, i) => {
    const from = path.nodes[i];
    const to = path.nodes[i + 1];
    const forward = e.source === from.id;
    steps.append(
      h(
        'li',
        {},
        h('strong', {}, names.get(from.id)),
        forward ? ` —${e.type}→ ` : ` ←${e.type}— `,
        h('strong', {}, names.get(to.id)),
      ),
    );
  });
  return h(
    'div',
    { class: 'path-view' },
    h('h2', {}, 'Shortest path'),
    h('p', {}, `${path.length} ${path.length === 1 ? 'hop' : 'hops'} from ${path.nodes[0].label} to ${path.nodes.at(-1).label}.`),
    steps,
  );
}
