// GraphQL client for the explorer: one POST per query to /graphql, with
// the server's errors turned into exceptions whose message can be shown as
// it is.

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
  } catch {
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

// Entity fields every view needs: enough to label and colour a node.
const ENTITY = `
  id
  name
  kind
  ... on Organization { orgType: type }
  ... on Policy { policyType: type }
`;

/** Flattens an Entity as the queries below return it. */
export function entityNode(e) {
  return { id: e.id, label: e.name, kind: e.kind, type: e.orgType ?? e.policyType ?? null };
}

const SEARCH = `query Search($text: String!, $first: Int) {
  search(text: $text, first: $first) {
    totalCount
    edges { score node { ${ENTITY} description } }
  }
}`;

/** Entities whose names match text, best first. */
export async function search(text, { first = 8, signal } = {}) {
  const data = await gql(SEARCH, { text, first }, { signal });
  return data.search.edges.map((e) => ({ ...entityNode(e.node), description: e.node.description ?? '' }));
}

const NEIGHBORHOOD = `query Neighborhood($id: ID!, $depth: Int, $limit: Int) {
  neighborhood(id: $id, depth: $depth, limit: $limit) {
    nodes { id label kind type depth }
    edges { id type source target }
    truncated
  }
}`;

/** The entities within depth hops of id and the relationships among them. */
export async function neighborhood(id, { depth = 1, limit = 60 } = {}) {
  const data = await gql(NEIGHBORHOOD, { id, depth, limit });
  return data.neighborhood;
}

const PATH = `query Path($from: ID!, $to: ID!, $maxHops: Int) {
  shortestPath(from: $from, to: $to, maxHops: $maxHops) {
    length
    nodes { ${ENTITY} }
    edges { id type source target }
  }
}`;

/** The shortest path between two entities, or null when none is in reach. */
export async function shortestPath(from, to, { maxHops = 6 } = {}) {
  const data = await gql(PATH, { from, to, maxHops });
  const p = data.shortestPath;
  if (!p) return null;
  return { length: p.length, nodes: p.nodes.map(entityNode), edges: p.edges };
}

const ENTITY_DETAIL = `query Entity($id: ID!) {
  entity(id: $id) {
    ${ENTITY}
    description
    aliases
    ... on Policy { status date start end rate count }
  }
}`;

/** One entity with the fields the side panel shows. */
export async function entity(id) {
  const data = await gql(ENTITY_DETAIL, { id });
  const e = data.entity;
  return { ...e, ...entityNode(e) };
}

const RELATIONSHIP = `query Relationship($id: ID!) {
  relationship(id: $id) {
    id type source target
    from { name } to { name }
    role allegation rank count rate status date start end
    evidence { quote source { id title publisher published url } }
  }
}`;

/** One relationship with its properties and every evidence quote. */
export async function relationship(id) {
  const data = await gql(RELATIONSHIP, { id });
  return data.relationship;
}
