// The side panel: what the selected entity or relationship is, with its
// evidence; an entity's relationships grouped by type and a person's
// quotes; the paths between two entities with the quote behind every hop.
// Everything from the API is set as text, never as markup.

import { kindStyle, relStyle } from './style.js';

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

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function facts(rows) {
  const dl = h('dl', { class: 'facts' });
  for (const [k, v] of rows) {
    if (v == null || v === '') continue;
    dl.append(h('dt', {}, k), h('dd', {}, v));
  }
  return dl.children.length ? dl : null;
}

export function kindSwatch(kind) {
  const s = kindStyle(kind);
  const sw = h('span', { class: `swatch shape-${s.shape}`, 'aria-hidden': 'true' });
  sw.style.background = s.color;
  return sw;
}

export function typeSwatch(type) {
  const s = relStyle(type);
  const sw = h('span', { class: `swatch line line-${s.line}`, 'aria-hidden': 'true' });
  sw.style.setProperty('--c', s.color);
  return sw;
}

function kindBadge(kind, type) {
  return h('p', { class: 'kind-line' }, kindSwatch(kind), kindStyle(kind).label, type ? ` · ${words(type)}` : '');
}

/** Quotes with their sources, as an ordered list. */
export function quoteList(evidence, cls = 'evidence') {
  return h(
    'ol',
    { class: cls },
    evidence.map((ev) => h('li', {}, quoteFigure(ev))),
  );
}

function quoteFigure(ev) {
  return h(
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
  );
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
      h('li', {}, 'Click a node to open it: its neighbours join the graph. Bigger nodes have more relationships; “+N” under a name counts those not drawn yet.'),
      h('li', {}, 'Click “+N more” beside an opened node to draw the next neighbours; “Collapse” folds its leaves away again.'),
      h('li', {}, 'Click a relationship (a line) to read its evidence quotes and their sources.'),
      h('li', {}, 'Shift-click two nodes, or fill in “Path from” and “to”, to list the paths between them, with the quote behind every hop.'),
      h('li', {}, 'Filter by relationship type, kind, policy status and dates; the timeline below shows the dated events of what is drawn.'),
      h('li', {}, 'The address bar keeps the whole view: copy it to share or bookmark it.'),
    ),
  );
}

/**
 * An entity: what it is, its relationships grouped by type, its evidence
 * and, for a person, their quotes. actions: center, toggle (expand or
 * collapse), pathFrom, pathTo, relationship(edge, node). opened is
 * 'expanded', 'collapsed' or null; drawn(id) says whether a relationship
 * is on the canvas.
 */
export function entityView(e, actions, { opened = null, drawn = () => false, types = [] } = {}) {
  const rels = e.relationships;
  const groups = new Map();
  for (const r of rels.edges) {
    const t = r.relationship.type;
    if (!groups.has(t)) groups.set(t, []);
    groups.get(t).push(r);
  }
  const relSection = h(
    'section',
    { class: 'rel-groups', 'aria-labelledby': 'rel-groups-title' },
    h('h3', { id: 'rel-groups-title' }, `Relationships (${rels.totalCount})`, types.length ? h('span', { class: 'muted' }, ` of the ${types.length} types the filter keeps`) : ''),
    [...groups].map(([type, list]) =>
      h(
        'details',
        { class: 'rel-group', open: true, 'data-type': type },
        h('summary', {}, typeSwatch(type), h('span', { class: 'rel-type-name' }, type), h('span', { class: 'count' }, ` (${list.length})`)),
        h(
          'ul',
          {},
          list.map((r) => {
            const rel = r.relationship;
            const meta = [words(rel.status), rel.role, rel.date || rel.start].filter(Boolean).join(' · ');
            return h(
              'li',
              { 'data-id': rel.id },
              h(
                'button',
                { type: 'button', class: drawn(rel.id) ? 'rel drawn' : 'rel', onclick: () => actions.relationship(rel, r.node) },
                h('span', { class: 'dir', 'aria-hidden': 'true' }, r.direction === 'OUT' ? '→' : '←'),
                h('span', { class: 'visually-hidden' }, r.direction === 'OUT' ? 'to ' : 'from '),
                kindSwatch(r.node.kind),
                r.node.label,
              ),
              meta ? h('span', { class: 'meta' }, ` ${meta}`) : '',
            );
          }),
        ),
      ),
    ),
    rels.totalCount > rels.edges.length ? h('p', { class: 'muted' }, `The first ${rels.edges.length} of ${rels.totalCount} are listed.`) : '',
    rels.totalCount === 0 ? h('p', { class: 'muted' }, 'None.') : '',
  );

  const evidence = e.evidence ?? [];
  const quotes = e.quotes;
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
      h(
        'button',
        { type: 'button', class: 'toggle-open', onclick: () => actions.toggle(e) },
        opened === 'expanded' ? 'Collapse' : opened === 'collapsed' ? 'Expand again' : 'Expand',
      ),
      h('button', { type: 'button', onclick: () => actions.pathFrom(e) }, 'Path from here'),
      h('button', { type: 'button', onclick: () => actions.pathTo(e) }, 'Path to here'),
    ),
    relSection,
    quotes
      ? h('section', { class: 'quotes-section' }, h('h3', {}, `Quotes (${quotes.length})`), quotes.length ? quoteList(quotes, 'evidence person-quotes') : h('p', { class: 'muted' }, 'None recorded.'))
      : null,
    h('section', { class: 'evidence-section' }, h('h3', {}, `Evidence (${evidence.length})`), evidence.length ? quoteList(evidence, 'evidence entity-evidence') : h('p', { class: 'muted' }, 'No quotes.')),
  );
}

/** A relationship: its type, ends, properties and every evidence quote. */
export function relationshipView(r) {
  return h(
    'div',
    { class: 'relationship', 'data-id': r.id },
    h('h2', { class: 'rel-type' }, typeSwatch(r.type), r.type),
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
    r.evidence.length ? quoteList(r.evidence) : h('p', {}, 'No quotes.'),
  );
}

/** The hops of a path, each with its direction and the quote behind it. */
function steps(path) {
  const list = h('ol', { class: 'path-steps' });
  path.edges.forEach((e, i) => {
    const from = path.nodes[i];
    const to = path.nodes[i + 1];
    const forward = e.source === from.id;
    const ev = e.evidence?.[0];
    list.append(
      h(
        'li',
        { 'data-id': e.id },
        h('p', { class: 'hop' }, h('strong', {}, from.label), forward ? ` —${e.type}→ ` : ` ←${e.type}— `, h('strong', {}, to.label)),
        ev ? quoteFigure(ev) : h('p', { class: 'muted' }, 'No quote.'),
        e.evidence?.length > 1 ? h('p', { class: 'muted more-quotes' }, `and ${plural(e.evidence.length - 1, 'more quote')}: click the relationship to read them.`) : '',
      ),
    );
  });
  return list;
}

/**
 * Paths between two entities, the picked one with the quote behind each
 * hop; choosing another calls pick(i).
 */
export function pathsView(list, picked, pick) {
  const first = list[0];
  const a = first.nodes[0].label;
  const b = first.nodes.at(-1).label;
  return h(
    'div',
    { class: 'path-view' },
    h('h2', {}, list.length === 1 ? 'Path' : 'Paths'),
    h('p', {}, `${plural(list.length, 'path')} from ${a} to ${b}; the shortest has ${plural(first.length, 'hop')}.`),
    h(
      'ol',
      { class: 'paths' },
      list.map((p, i) =>
        h(
          'li',
          { class: i === picked ? 'path-item current' : 'path-item' },
          h(
            'button',
            { type: 'button', class: 'path-pick', 'aria-pressed': String(i === picked), onclick: () => pick(i) },
            `Path ${i + 1}: ${plural(p.length, 'hop')} via `,
            p.nodes.length > 2 ? p.nodes.slice(1, -1).map((n) => n.label).join(', ') : 'a direct relationship',
          ),
          i === picked ? steps(p) : null,
        ),
      ),
    ),
  );
}
