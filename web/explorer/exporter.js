// Export of what is drawn: an SVG image written from the drawing (shapes,
// colours, line styles, labels and a legend), a PNG rasterised from that
// SVG, and the drawn entities and relationships as GEXF, GraphML or
// Cytoscape JSON from the server's /export/ endpoints, which take the drawn
// IDs (nodes, edges) and return them with every attribute and quote.

import { wrapLabel } from './graph.js';
import { FONT, KINDS, PATH, SELECTED, kindStyle, relStyle } from './style.js';

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const num = (x) => String(Math.round(x * 10) / 10);

const DASH = { solid: null, dashed: '7 4', dotted: '1.5 4' };

/** The outline of a node of a kind, centred at (x, y), as SVG markup. */
function shape(kind, x, y, size, attrs) {
  const r = size / 2;
  switch (kindStyle(kind).shape) {
    case 'round-rectangle':
      return `<rect x="${num(x - r)}" y="${num(y - r)}" width="${num(size)}" height="${num(size)}" rx="${num(size * 0.18)}" ${attrs}/>`;
    case 'hexagon': {
      const pts = [0, 1, 2, 3, 4, 5].map((i) => {
        const a = (Math.PI / 3) * i;
        return `${num(x + r * Math.cos(a))},${num(y + r * 0.9 * Math.sin(a))}`;
      });
      return `<polygon points="${pts.join(' ')}" ${attrs}/>`;
    }
    case 'diamond':
      return `<polygon points="${num(x)},${num(y - r)} ${num(x + r)},${num(y)} ${num(x)},${num(y + r)} ${num(x - r)},${num(y)}" ${attrs}/>`;
    default:
      return `<circle cx="${num(x)}" cy="${num(y)}" r="${num(r)}" ${attrs}/>`;
  }
}

/** Text with a white halo, one tspan per line. */
function text(x, y, s, { size = 12, anchor = 'middle', weight = 'normal', fill = '#1f2328', cls = '' } = {}) {
  const lines = String(s).split('\n');
  const spans = lines.map((l, i) => `<tspan x="${num(x)}" dy="${i ? size * 1.2 : 0}">${esc(l)}</tspan>`).join('');
  return `<text class="${cls}" x="${num(x)}" y="${num(y)}" font-size="${size}" font-weight="${weight}" text-anchor="${anchor}" fill="${fill}" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">${spans}</text>`;
}

/** The SVG path of an edge through its control points, and the direction it arrives in. */
function edgePath(e) {
  const s = e.sourceEndpoint();
  const t = e.targetEndpoint();
  const cps = e.controlPoints?.() ?? e.segmentPoints?.() ?? null;
  if (!cps || !cps.length) return { d: `M${num(s.x)},${num(s.y)} L${num(t.x)},${num(t.y)}`, from: s, to: t };
  let d = `M${num(s.x)},${num(s.y)}`;
  for (let i = 0; i < cps.length - 1; i++) {
    const m = { x: (cps[i].x + cps[i + 1].x) / 2, y: (cps[i].y + cps[i + 1].y) / 2 };
    d += ` Q${num(cps[i].x)},${num(cps[i].y)} ${num(m.x)},${num(m.y)}`;
  }
  const last = cps.at(-1);
  d += ` Q${num(last.x)},${num(last.y)} ${num(t.x)},${num(t.y)}`;
  return { d, from: last, to: t };
}

function arrow(from, to, color) {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  const back = { x: to.x - ux * 10, y: to.y - uy * 10 };
  const p1 = { x: back.x - uy * 5, y: back.y + ux * 5 };
  const p2 = { x: back.x + uy * 5, y: back.y - ux * 5 };
  return `<polygon points="${num(to.x)},${num(to.y)} ${num(p1.x)},${num(p1.y)} ${num(p2.x)},${num(p2.y)}" fill="${color}"/>`;
}

/**
 * The drawing as an SVG document: every node and edge shown, every node
 * named (an image has no hover), relationship types named on the path and
 * in the legend, which lists the kinds and types drawn.
 */
export function toSVG(cy, { title = 'policygraph' } = {}) {
  const nodes = cy.nodes().filter((n) => n.visible());
  const edges = cy.edges().filter((e) => e.visible());
  const out = [];
  const kinds = new Set();
  const types = new Map();

  for (const e of edges) {
    const more = e.hasClass('more');
    const onPath = e.hasClass('path');
    const type = e.data('type');
    if (!more) types.set(type, (types.get(type) ?? 0) + 1);
    const st = relStyle(type);
    const color = more ? '#8c959f' : onPath ? PATH : e.selected() ? SELECTED : st.color;
    const dash = more ? DASH.dashed : onPath ? null : DASH[st.line];
    const width = onPath ? 5 : more ? 1.5 : 2;
    const { d, from, to } = edgePath(e);
    const op = e.hasClass('faded') ? ' opacity="0.25"' : '';
    out.push(
      `<g class="${more ? 'more-link' : 'edge'}" data-id="${esc(e.id())}"${op}><path d="${d}" fill="none" stroke="${color}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}" stroke-linecap="round"` : ''}/>${more ? '' : arrow(from, to, color)}</g>`,
    );
    if (onPath) {
      const m = e.midpoint();
      out.push(text(m.x, m.y - 4, type, { size: 10, fill: PATH, weight: 'bold' }));
    }
  }
  for (const n of nodes) {
    const p = n.position();
    if (n.hasClass('more')) {
      const label = n.data('display');
      const w = label.length * 7 + 12;
      out.push(
        `<g class="more"><rect x="${num(p.x - w / 2)}" y="${num(p.y - 10)}" width="${num(w)}" height="20" rx="4" fill="#ffffff" stroke="#57606a" stroke-dasharray="4 3"/>${text(p.x, p.y + 4, label, { size: 12 })}</g>`,
      );
      continue;
    }
    const kind = n.data('kind');
    kinds.add(kind);
    const size = n.data('size') ?? 24;
    const stroke = n.hasClass('path') || n.hasClass('endpoint') ? PATH : n.selected() ? SELECTED : '#ffffff';
    const sw = stroke === '#ffffff' ? 2 : 4;
    const op = n.hasClass('faded') ? ' opacity="0.25"' : '';
    out.push(
      `<g class="node" data-id="${esc(n.id())}"${op}>${shape(kind, p.x, p.y, size, `fill="${kindStyle(kind).color}" stroke="${stroke}" stroke-width="${sw}"`)}${text(p.x, p.y + size / 2 + 15, wrapLabel(n.data('display') ?? n.data('label'), 12, 170).join('\n'), { weight: n.hasClass('center') ? 'bold' : 'normal' })}</g>`,
    );
  }

  // The drawing's extent, with room for labels, and the legend to its right.
  const bb = cy.collection(nodes).union(edges).boundingBox({ includeLabels: false });
  const pad = 90;
  const x0 = bb.x1 - pad;
  const y0 = bb.y1 - pad;
  const gw = bb.w + 2 * pad;
  const gh = bb.h + 2 * pad;
  const lx = x0 + gw + 10;
  const legend = [];
  let ly = y0 + 24;
  legend.push(text(lx, ly, 'Entities', { anchor: 'start', size: 13, weight: 'bold' }));
  for (const [kind, s] of Object.entries(KINDS)) {
    if (!kinds.has(kind)) continue;
    ly += 22;
    legend.push(shape(kind, lx + 8, ly - 4, 14, `fill="${s.color}"`), text(lx + 22, ly, s.label, { anchor: 'start' }));
  }
  ly += 22;
  legend.push(text(lx, ly, 'Size: number of relationships', { anchor: 'start', size: 11, fill: '#57606a' }));
  ly += 30;
  legend.push(text(lx, ly, 'Relationships', { anchor: 'start', size: 13, weight: 'bold' }));
  for (const [type, count] of [...types].sort()) {
    const s = relStyle(type);
    ly += 20;
    const dash = DASH[s.line];
    legend.push(
      `<line x1="${num(lx)}" y1="${num(ly - 4)}" x2="${num(lx + 26)}" y2="${num(ly - 4)}" stroke="${s.color}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}" stroke-linecap="round"` : ''}/>`,
      text(lx + 32, ly, `${type} (${count})`, { anchor: 'start', size: 11 }),
    );
  }
  if (edges.some((e) => e.hasClass('path'))) {
    ly += 20;
    legend.push(`<line x1="${num(lx)}" y1="${num(ly - 4)}" x2="${num(lx + 26)}" y2="${num(ly - 4)}" stroke="${PATH}" stroke-width="5"/>`, text(lx + 32, ly, 'Path', { anchor: 'start', size: 11 }));
  }
  const width = gw + 230;
  const height = Math.max(gh, ly - y0 + 20) + 30;
  const head = text(x0 + 12, y0 + height - 12, title, { anchor: 'start', size: 11, fill: '#57606a' });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${num(x0)} ${num(y0)} ${num(width)} ${num(height)}" width="${Math.round(width)}" height="${Math.round(height)}" font-family='${FONT}'>`,
    `<title>${esc(title)}</title>`,
    `<rect x="${num(x0)}" y="${num(y0)}" width="${num(width)}" height="${num(height)}" fill="#ffffff"/>`,
    `<g class="graph">${out.join('')}</g>`,
    `<g class="legend">${legend.join('')}</g>`,
    head,
    '</svg>',
  ].join('\n');
}

/**
 * The SVG rasterised at scale, as a PNG blob. Falls back on Cytoscape.js's
 * own PNG (no legend) where the browser will not draw an SVG onto a canvas.
 */
export async function toPNG(cy, svg, { scale = 2 } = {}) {
  try {
    const img = new Image();
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
    await img.decode();
    const max = 8000;
    const s = Math.min(scale, max / img.width, max / img.height);
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(img.width * s);
    canvas.height = Math.round(img.height * s);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (blob) return blob;
  } catch {
    // fall through
  }
  return cy.png({ output: 'blob', bg: '#ffffff', full: true, scale });
}

/** Offers a blob as a download named name. */
export function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
}

export const FORMATS = {
  gexf: { path: 'gexf', ext: 'gexf', label: 'GEXF (Gephi)' },
  graphml: { path: 'graphml', ext: 'graphml', label: 'GraphML' },
  cytoscape: { path: 'cytoscape.json', ext: 'cytoscape.json', label: 'Cytoscape JSON' },
};

/** The URL of the server's export of these entities and relationships. */
export function exportURL(format, { nodes, edges, types = [] }) {
  const q = new URLSearchParams();
  q.set('nodes', nodes.join(','));
  q.set('edges', edges.join(','));
  if (types.length) q.set('types', types.join(','));
  return `/export/${FORMATS[format].path}?${q}`;
}

/**
 * Fetches the server's export of what is drawn and returns it as a blob;
 * a refusal becomes an Error with the server's message.
 */
export async function fetchExport(format, ids) {
  const res = await fetch(exportURL(format, ids));
  if (!res.ok) {
    let msg = `${res.status} ${res.statusText}`;
    try {
      msg = (await res.json()).error ?? msg;
    } catch {
      // not JSON: keep the status
    }
    throw new Error(`Export failed: ${msg}`);
  }
  return res.blob();
}

/** "country/mexico" → "country-mexico", for file names. */
export function slug(s) {
  return (s || 'graph').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'graph';
}
