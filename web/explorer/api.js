// GraphQL client for the explorer: one POST per query to /graphql, with
// the server's errors turned into exceptions whose message can be shown as
// it is. Each function passes on the view's filters where the API takes
// them (relationship types, entity kinds, dates).

const ENDPOINT = '/graphql';

/** An error the API returned, or a failure to reach it. */
export class APIError extends Error {
  constructor(message, codes = []) {
    super(message);
    this.name = 'APIError';
    this.codes = codes; // extensions.code of each GraphQL error, when given
  }
}

/**
 * Runs a GraphQL query and returns its data. Throws APIError when the
 * request fails or the response carries errors, so that partial data is
 * never drawn as if it were whole.
 */
export async function gql(query, variables = {}, { signal } = {}) {
  let res;
  try {
    res = await fetch(ENDPOINT, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new APIError(`Could not reach the API: ${err.message}`);
  }
  let body;
  try {
    body = await res.json();
  } catch (err) {
    if (err.name === 'AbortError' || signal?.aborted) throw err; // cancelled while reading
    throw new APIError(`The API answered ${res.status} ${res.statusText} without a GraphQL response.`);
  }
  if (body.errors && body.errors.length) {
    const codes = body.errors.map((e) => e.extensions?.code).filter(Boolean);
    const text = body.errors
      .map((e) => (e.extensions?.code ? `${e.message} (${e.extensions.code})` : e.message))
      .join('; ');
    throw new APIError(text, codes);
  }
  if (!res.ok || !body.data) {
    throw new APIError(`The API answered ${res.status} ${res.statusText}.`);
  }
  return body.data;
}

/** An empty list is "no filter" for the API too; send null instead. */
const orNull = (xs) => (xs && xs.length ? xs : null);

// Entity fields every view needs: enough to label, colour and filter a node.
const ENTITY = `
  id
  name
  kind
  ... on Organization { orgType: type }
  ... on Policy { policyType: type status date start end }
`;

/** Flattens an Entity as the queries below return it into node data. */
export function entityNode(e) {
  return {
    id: e.id,
    label: e.name,
    kind: e.kind,
    type: e.orgType ?? e.policyType ?? null,
    status: e.status ?? null,
    date: e.date ?? null,
    start: e.start ?? null,
    end: e.end ?? null,
  };
}

// Relationship fields for drawing and filtering an edge.
const EDGE = 'id type source target status date start end';

const EVIDENCE = 'evidence { quote source { id title publisher published url } }';

const SEARCH = `query Search($text: String!, $kinds: [EntityKind!], $first: Int) {
  search(text: $text, kinds: $kinds, first: $first) {
    totalCount
    edges { score node { ${ENTITY} description } }
  }
}`;

/** Entities whose names match text, best first; kinds narrows them. */
export async function search(text, { first = 8, kinds = [], signal } = {}) {
  const data = await gql(SEARCH, { text, first, kinds: orNull(kinds) }, { signal });
  return data.search.edges.map((e) => ({ ...entityNode(e.node), description: e.node.description ?? '' }));
}

const NEIGHBORHOOD = `query Neighborhood($id: ID!, $depth: Int, $limit: Int, $types: [RelationshipType!]) {
  neighborhood(id: $id, depth: $depth, limit: $limit, types: $types) {
    nodes {
      id label kind type depth degree hiddenRelationships
      entity { ... on Policy { status date start end } }
    }
    edges { ${EDGE} }
    truncated
  }
}`;

/**
 * The entities within depth hops of id and the relationships among them,
 * following only types (all when empty). Nodes carry degree, the count of
 * their relationships of those types in the whole graph.
 */
export async function neighborhood(id, { depth = 1, limit = 60, types = [] } = {}) {
  const data = await gql(NEIGHBORHOOD, { id, depth, limit, types: orNull(types) });
  const nb = data.neighborhood;
  return {
    truncated: nb.truncated,
    edges: nb.edges,
    nodes: nb.nodes.map((n) => ({
      id: n.id,
      label: n.label,
      kind: n.kind,
      type: n.type,
      depth: n.depth,
      degree: n.degree,
      hidden: n.hiddenRelationships,
      status: n.entity.status ?? null,
      date: n.entity.date ?? null,
      start: n.entity.start ?? null,
      end: n.entity.end ?? null,
    })),
  };
}

const ENTITY_DETAIL = `query Entity($id: ID!, $types: [RelationshipType!], $first: Int) {
  entity(id: $id) {
    ${ENTITY}
    description
    aliases
    ... on Policy { rate count }
    ... on Person { quotes { quote source { id title publisher published url } } }
    ${EVIDENCE}
    relationships(types: $types, first: $first) {
      totalCount
      edges {
        direction
        node { ${ENTITY} }
        relationship { ${EDGE} role }
      }
    }
  }
}`;

/**
 * One entity with what the side panel shows: its facts, evidence, a
 * person's quotes and its first relationships of types (all when empty).
 */
export async function entity(id, { types = [], first = 100 } = {}) {
  const data = await gql(ENTITY_DETAIL, { id, types: orNull(types), first });
  const e = data.entity;
  return {
    ...e,
    ...entityNode(e),
    name: e.name,
    quotes: e.quotes ?? null,
    relationships: {
      totalCount: e.relationships.totalCount,
      edges: e.relationships.edges.map((r) => ({ direction: r.direction, node: entityNode(r.node), relationship: r.relationship })),
    },
  };
}

const RELATIONSHIP = `query Relationship($id: ID!) {
  relationship(id: $id) {
    id type source target
    from { name } to { name }
    role allegation rank count rate status date start end
    ${EVIDENCE}
  }
}`;

/** One relationship with its properties and every evidence quote. */
export async function relationship(id) {
  const data = await gql(RELATIONSHIP, { id });
  return data.relationship;
}

// Path nodes come with their degree (relationships of the followed types),
// which sizes them like the nodes of a neighbourhood.
const PATH_FIELDS = `length nodes { ${ENTITY} relationships(types: $types, first: 0) { totalCount } } edges { ${EDGE} ${EVIDENCE} }`;

const PATHS = `query Paths($from: ID!, $to: ID!, $maxHops: Int, $types: [RelationshipType!]) {
  shortestPath(from: $from, to: $to, maxHops: $maxHops, types: $types) { ${PATH_FIELDS} }
}`;

const MORE_PATHS = `query MorePaths($from: ID!, $to: ID!, $maxHops: Int, $types: [RelationshipType!], $first: Int) {
  paths(from: $from, to: $to, maxHops: $maxHops, types: $types, first: $first) { ${PATH_FIELDS} }
}`;

const toPath = (p) => ({ length: p.length, nodes: p.nodes.map((n) => ({ ...entityNode(n), degree: n.relationships.totalCount })), edges: p.edges });

/**
 * The paths between two entities: the shortest within maxHops, then up to
 * first simple paths at most one hop longer than it (shortest first, as
 * paths orders them). An empty list when none is within reach.
 */
export async function paths(from, to, { maxHops = 6, types = [], first = 10 } = {}) {
  const t = orNull(types);
  const short = (await gql(PATHS, { from, to, maxHops, types: t })).shortestPath;
  if (!short) return [];
  const hops = Math.min(maxHops, short.length + 1);
  const all = (await gql(MORE_PATHS, { from, to, maxHops: hops, types: t, first })).paths;
  return all.length ? all.map(toPath) : [toPath(short)];
}

/**
 * Relationships by ID with their ends, each end with its degree (its
 * relationships of types): what drawing one relationship needs. Unknown
 * IDs are a NOT_FOUND error.
 */
export async function relationshipsWithEnds(ids, { types = [] } = {}) {
  if (!ids.length) return [];
  const end = `${ENTITY} relationships(types: $types, first: 0) { totalCount }`;
  const vars = ids.map((_, i) => `$r${i}: ID!`).join(', ');
  const body = ids.map((_, i) => `r${i}: relationship(id: $r${i}) { ${EDGE} from { ${end} } to { ${end} } }`).join('\n');
  const v = { types: orNull(types) };
  ids.forEach((id, i) => (v[`r${i}`] = id));
  const data = await gql(`query Relationships(${vars}, $types: [RelationshipType!]) {\n${body}\n}`, v);
  return ids.map((_, i) => {
    const r = data[`r${i}`];
    const node = (e) => ({ ...entityNode(e), degree: e.relationships.totalCount });
    return { edge: { id: r.id, type: r.type, source: r.source, target: r.target, status: r.status, date: r.date, start: r.start, end: r.end }, nodes: [node(r.from), node(r.to)] };
  });
}

// ---------------------------------------------------------------- timeline

let extraEventFields = null;

const TYPE_REF = 'kind name ofType { kind name ofType { kind name } }';

/** A field's type without its list and non-null wrappers. */
function namedType(t) {
  while (t && (t.kind === 'NON_NULL' || t.kind === 'LIST')) t = t.ofType;
  return t;
}

/** The fields of an object type, from the schema. */
async function typeFields(name) {
  if (!/^[_A-Za-z][_0-9A-Za-z]*$/.test(name)) return [];
  const data = await gql(`{ __type(name: "${name}") { fields { name type { ${TYPE_REF} } } } }`);
  return data.__type?.fields ?? [];
}

/**
 * What TimelineEvent holds besides date, policy and relationship, read
 * from the schema once, as a selection: its scalar fields (a status, a
 * note) and the scalar fields of its other objects (a status change's
 * date, status and note). A server whose events say more has it asked for
 * and shown, with no change here.
 */
async function eventFields() {
  if (extraEventFields != null) return extraEventFields;
  const leaf = (f) => ['SCALAR', 'ENUM'].includes(namedType(f.type)?.kind);
  const parts = [];
  for (const f of await typeFields('TimelineEvent')) {
    if (['date', 'policy', 'relationship'].includes(f.name)) continue;
    if (leaf(f)) parts.push(f.name);
    else if (namedType(f.type)?.kind === 'OBJECT') {
      const inner = (await typeFields(namedType(f.type).name)).filter(leaf).map((g) => g.name);
      if (inner.length) parts.push(`${f.name} { ${inner.join(' ')} }`);
    }
  }
  extraEventFields = parts;
  return parts;
}

/** How many entities one timeline request asks about (GraphQL aliases). */
const TIMELINE_BATCH = 10;

/**
 * The dated events of each entity of ids (the API's timeline with entity),
 * within [from, to] and of types, merged without repeats. Each event is
 * {date, policy, relationship, ...what else the schema's TimelineEvent
 * has}; policy is node data, relationship is edge data with the names of
 * its ends.
 */
export async function timelines(ids, { from = '', to = '', types = [], first = 100 } = {}) {
  const extra = await eventFields();
  const fields = `date ${extra.join(' ')}
    policy { id name kind type status date start end }
    relationship { ${EDGE} from { name } to { name } }`;
  const batches = [];
  for (let i = 0; i < ids.length; i += TIMELINE_BATCH) batches.push(ids.slice(i, i + TIMELINE_BATCH));
  const answers = await Promise.all(
    batches.map((batch) => {
      const vars = batch.map((_, j) => `$e${j}: ID!`).join(', ');
      const body = batch.map((_, j) => `t${j}: timeline(entity: $e${j}, from: $from, to: $to, types: $types, first: $first) { ${fields} }`).join('\n');
      const q = `query Timelines(${vars}, $from: Date, $to: Date, $types: [RelationshipType!], $first: Int) {\n${body}\n}`;
      const v = { from: from || null, to: to || null, types: orNull(types), first };
      batch.forEach((id, j) => (v[`e${j}`] = id));
      return gql(q, v);
    }),
  );
  const seen = new Map();
  for (const data of answers) {
    for (const list of Object.values(data)) {
      for (const ev of list) {
        const key = JSON.stringify(ev);
        if (!seen.has(key)) seen.set(key, ev);
      }
    }
  }
  return [...seen.values()].map((ev) => {
    const out = { ...ev };
    if (ev.policy) out.policy = entityNode({ ...ev.policy, policyType: ev.policy.type });
    if (ev.relationship) out.relationship = { ...ev.relationship, fromName: ev.relationship.from.name, toName: ev.relationship.to.name };
    return out;
  });
}
