// How the graph looks: a colour and a shape for each entity kind, a colour
// and a line style for each relationship type (so that neither rests on
// colour alone), node sizes by degree, and the Cytoscape.js stylesheet.
// Kind colours are from the Okabe–Ito palette, which colour-blind readers
// can tell apart; every line colour has at least 3:1 contrast on white.
// This module is plain data and functions (no DOM), so that the unit tests
// and the SVG writer share it.

export const KINDS = {
  PERSON: { label: 'Person', color: '#0072b2', shape: 'ellipse', shapeName: 'circle' },
  ORGANIZATION: { label: 'Organization', color: '#e69f00', shape: 'round-rectangle', shapeName: 'rounded square' },
  COUNTRY: { label: 'Country', color: '#009e73', shape: 'hexagon', shapeName: 'hexagon' },
  POLICY: { label: 'Policy', color: '#cc79a7', shape: 'diamond', shapeName: 'diamond' },
};

const UNKNOWN = { label: 'Entity', color: '#777777', shape: 'ellipse', shapeName: 'circle' };

/** The look of an entity kind, as the API spells it ("PERSON"). */
export function kindStyle(kind) {
  return KINDS[kind] ?? UNKNOWN;
}

/**
 * Relationship types that join two entities, in vocabulary order, with a
 * colour and a line style each. Types of one family share a hue (office in
 * blue, policy-making in green, conflict in red and orange, structure in
 * purple, grey and brown) and differ by line style within it.
 */
export const REL_TYPES = {
  LEADS: { color: '#1d4ed8', line: 'solid' },
  HOLDS_OFFICE: { color: '#1d4ed8', line: 'dashed' },
  MEMBER_OF: { color: '#0e7490', line: 'solid' },
  EMPLOYED_BY: { color: '#0e7490', line: 'dashed' },
  ALLIED_WITH: { color: '#7e22ce', line: 'solid' },
  SUCCEEDED: { color: '#1d4ed8', line: 'dotted' },
  ENACTED: { color: '#15803d', line: 'solid' },
  ANNOUNCED: { color: '#15803d', line: 'dashed' },
  TARGETS: { color: '#c2410c', line: 'solid' },
  SUPPORTS: { color: '#4d7c0f', line: 'dotted' },
  OPPOSES: { color: '#c2410c', line: 'dashed' },
  EXTRADITED_TO: { color: '#b91c1c', line: 'dotted' },
  ACCUSED: { color: '#b91c1c', line: 'solid' },
  OPERATES_IN: { color: '#7e22ce', line: 'dashed' },
  PART_OF: { color: '#6b7280', line: 'solid' },
  TRADES_WITH: { color: '#92400e', line: 'dotted' },
};

const UNKNOWN_REL = { color: '#6b7280', line: 'solid' };

/** The look of a relationship type. */
export function relStyle(type) {
  return REL_TYPES[type] ?? UNKNOWN_REL;
}

/** Policy and relationship statuses, in vocabulary order. */
export const STATUSES = [
  'PROPOSED',
  'THREATENED',
  'ANNOUNCED',
  'SCHEDULED',
  'IN_FORCE',
  'POSTPONED',
  'SUSPENDED',
  'EXPIRED',
  'REVOKED',
  'COMPLETED',
  'FORMER',
];

/**
 * The diameter of a node with this many relationships: its area grows
 * with its degree, from 24 (a leaf) to 84 (a hub of 150 or more).
 */
export function nodeSize(degree) {
  return Math.round(Math.min(84, 22 + 5 * Math.sqrt(Math.max(degree, 0))));
}

export const PATH = '#d55e00';
export const SELECTED = '#1a1a1a';
export const FOCUS = '#6d28d9';
export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/**
 * Label sizes in screen pixels. Labels keep this size on screen whatever
 * the zoom (graph.js scales them), so that a label drawn is a label read.
 */
export const NODE_FONT = 12;
export const EDGE_FONT = 10;

/**
 * The Cytoscape.js stylesheet. k() is how much to scale labels by (the
 * inverse of the zoom, when zoomed out), read each time graph.js updates
 * the style: labels keep their size on screen.
 */
export function stylesheet(k = () => 1) {
  const byKind = Object.entries(KINDS).map(([kind, s]) => ({
    selector: `node[kind = "${kind}"]`,
    style: { 'background-color': s.color, shape: s.shape },
  }));
  const byType = Object.entries(REL_TYPES).map(([type, s]) => ({
    selector: `edge[type = "${type}"]`,
    style: { 'line-color': s.color, 'target-arrow-color': s.color, 'line-style': s.line, color: s.color },
  }));
  return [
    {
      selector: 'node',
      style: {
        label: '',
        width: 'data(size)',
        height: 'data(size)',
        'background-color': UNKNOWN.color,
        'border-width': 2,
        'border-color': '#ffffff',
        color: '#1f2328',
        'font-size': () => NODE_FONT * k(),
        'font-family': FONT,
        'text-valign': 'bottom',
        'text-margin-y': () => 3 * k(),
        'text-wrap': 'wrap',
        'text-max-width': () => 170 * k(),
        'text-outline-color': '#ffffff',
        'text-outline-width': () => 2.5 * k(),
        'min-zoomed-font-size': 0,
      },
    },
    ...byKind,
    { selector: 'node.label, node.hover, node.near, node:selected, node.path, node.endpoint, node.focus', style: { label: 'data(display)' } },
    { selector: 'node.center', style: { 'font-weight': 'bold' } },
    { selector: 'node.expanded', style: { 'border-style': 'double', 'border-width': 5, 'border-color': '#ffffff' } },
    {
      selector: 'node.more',
      style: {
        label: 'data(display)',
        shape: 'round-rectangle',
        width: (n) => (String(n.data('display')).length * 6.6 + 14) * k(),
        height: () => 20 * k(),
        'background-color': '#ffffff',
        'border-width': 1.5,
        'border-style': 'dashed',
        'border-color': '#57606a',
        color: '#1f2328',
        'text-valign': 'center',
        'text-margin-y': 0,
        'text-outline-width': 0,
      },
    },
    {
      selector: 'edge',
      style: {
        label: '',
        width: 2,
        'line-color': UNKNOWN_REL.color,
        'target-arrow-color': UNKNOWN_REL.color,
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.9,
        'curve-style': 'bezier',
        'font-size': () => EDGE_FONT * k(),
        'font-family': FONT,
        'text-rotation': 'autorotate',
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.9,
        'text-background-padding': () => 1.5 * k(),
        'min-zoomed-font-size': 0,
      },
    },
    ...byType,
    { selector: 'edge.label, edge.hover, edge:selected, edge.path, edge.focus', style: { label: 'data(type)' } },
    { selector: 'edge.more', style: { 'line-style': 'dashed', 'line-color': '#8c959f', 'target-arrow-shape': 'none', width: 1.5, label: '' } },
    { selector: '.hidden', style: { display: 'none' } },
    { selector: '.faded', style: { opacity: 0.2 } },
    { selector: 'edge.hover', style: { width: 3.5, 'z-index': 9 } },
    { selector: 'node.hover', style: { 'border-color': SELECTED, 'border-width': 3, 'z-index': 9 } },
    { selector: 'edge.path', style: { width: 6, 'line-color': PATH, 'target-arrow-color': PATH, 'line-style': 'solid', color: PATH, 'font-weight': 'bold', 'z-index': 10 } },
    { selector: 'node.path', style: { 'border-color': PATH, 'border-width': 5, 'z-index': 10 } },
    { selector: 'node.endpoint', style: { 'border-color': PATH, 'border-width': 5, 'border-style': 'dashed' } },
    { selector: 'node.focus', style: { 'border-color': FOCUS, 'border-width': 6, 'border-style': 'solid', 'z-index': 11 } },
    { selector: 'edge.focus', style: { width: 6, 'line-color': FOCUS, 'target-arrow-color': FOCUS, 'line-style': 'solid', color: FOCUS, 'z-index': 11 } },
    { selector: 'node:selected', style: { 'border-color': SELECTED, 'border-width': 4, 'border-style': 'solid' } },
    { selector: 'edge:selected', style: { width: 5, 'line-color': SELECTED, 'target-arrow-color': SELECTED, 'line-style': 'solid', color: SELECTED } },
  ];
}
