// GraphiQL for the policygraph API, bundled with its assets so that it
// works with no network but the server's own /graphql.

import { GraphiQL } from 'graphiql';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';
import './style.css';

const ENDPOINT = '/graphql';

// The query shown on a first visit; GraphiQL keeps the user's own tabs in
// local storage after that.
const DEFAULT_QUERY = `# The policy knowledge graph: people, organizations, countries and
# policies joined by typed relationships, each with evidence quotes.
# Press the run button (or Ctrl-Enter) to run a query; the Docs button
# lists every field.

query Sheinbaum {
  search(text: "sheinbaum", first: 3) {
    edges {
      score
      node { id name kind description }
    }
  }
  neighborhood(id: "person/claudia-sheinbaum", depth: 1) {
    nodes { id label kind type depth }
    edges { id type source target evidence { quote source { title } } }
    truncated
  }
}
`;

/** Posts each operation to the API and returns its JSON response. */
async function fetcher(params, opts = {}) {
  const res = await fetch(ENDPOINT, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...(opts.headers ?? {}) },
    body: JSON.stringify(params),
  });
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return { errors: [{ message: `The API answered ${res.status} ${res.statusText}: ${text.slice(0, 500)}` }] };
  }
}

createRoot(document.getElementById('graphiql')).render(
  <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} defaultEditorToolsVisibility={false} />,
);
