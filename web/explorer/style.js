// How the graph looks: a colour and a shape for each entity kind (so that
// kind never rests on colour alone), and the Cytoscape.js stylesheet.
// Colours are from the Okabe–Ito palette, which colour-blind readers can
// tell apart.

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

const PATH = '#d55e00';
const SELECTED = '#1a1a1a';

/** The Cytoscape.js stylesheet. */
export function stylesheet() {
  const byKind = Object.entries(KINDS).map(([kind, s]) => ({
    selector: `node[kind = "${kind}"]`,
    style: { 'background-color': s.color, shape: s.shape },
  }));
  return [
    {
      selector: 'node',
      style: {
        label: 'data(label)',
        width: 28,
        height: 28,
        'background-color': UNKNOWN.color,
        'border-width': 2,
        'border-color': '#ffffff',
        color: '#1f2328',
        'font-size': 11,
        'font-family': 'system-ui, sans-serif',
        'text-valign': 'bottom',
        'text-margin-y': 4,
        'text-wrap': 'wrap',
        'text-max-width': 120,
        'text-outline-color': '#ffffff',
        'text-outline-width': 2,
      },
    },
    ...byKind,
    { selector: 'node.center', style: { width: 40, height: 40, 'font-weight': 'bold' } },
    { selector: 'node.expanded', style: { 'border-style': 'double', 'border-width': 4, 'border-color': '#ffffff' } },
    {
      selector: 'edge',
      style: {
        label: 'data(type)',
        width: 1.5,
        'line-color': '#9aa4af',
        'target-arrow-color': '#9aa4af',
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.8,
        'curve-style': 'bezier',
        'font-size': 8,
        'font-family': 'system-ui, sans-serif',
        color: '#57606a',
        'text-rotation': 'autorotate',
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.85,
        'text-background-padding': 1,
      },
    },
    { selector: '.faded', style: { opacity: 0.25 } },
    {
      selector: 'edge.path',
      style: { width: 5, 'line-color': PATH, 'target-arrow-color': PATH, color: PATH, 'font-weight': 'bold', 'z-index': 10 },
    },
    { selector: 'node.path', style: { 'border-color': PATH, 'border-width': 5, 'z-index': 10 } },
    { selector: 'node.endpoint', style: { 'border-color': PATH, 'border-width': 5, 'border-style': 'dashed' } },
    { selector: 'node:selected', style: { 'border-color': SELECTED, 'border-width': 4 } },
    { selector: 'edge:selected', style: { width: 4, 'line-color': SELECTED, 'target-arrow-color': SELECTED, color: SELECTED } },
  ];
}
