// Command benchapi measures the GraphQL API against the same Cypher run
// straight through the driver, in one run: for each scenario and
// concurrency it prints p50/p95 latency and throughput of both and the
// ratio of their p50s.
//
// The baseline calls the Neo4j store's methods directly — the very Cypher
// queries the resolvers send, through neo4j-go-driver, with no GraphQL and
// no HTTP — so the ratio is what the API layer costs.
//
//	go run ./scripts/benchapi -url http://127.0.0.1:8080 -n 400 -c 1,16
//
// Neo4j comes from NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/store/neo4j"
)

// scenario is one kind of request, asked of the API and of the store.
type scenario struct {
	name    string
	query   string                            // GraphQL
	vars    func(r *rand.Rand) map[string]any // variables for one request
	direct  func(ctx context.Context, s *neo4j.Store, vars map[string]any) error
	samples []string
}

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "policygraph serve base URL")
	n := flag.Int("n", 400, "requests per scenario and concurrency")
	conc := flag.String("c", "1,16", "comma-separated concurrencies")
	label := flag.String("label", "graph", "name of the graph, printed with the results")
	only := flag.String("only", "", "run only scenarios whose name contains this")
	flag.Parse()

	ctx := context.Background()
	store, err := neo4j.Open(ctx, neo4j.ConfigFromEnv())
	if err != nil {
		fail(err)
	}
	defer store.Close(ctx)
	ids, err := sampleIDs(ctx, store)
	if err != nil {
		fail(err)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

	fmt.Printf("# %s: %d people, %d organizations/countries sampled; %d requests per cell\n",
		*label, len(ids.people), len(ids.groups), *n)
	fmt.Printf("%-22s %4s | %9s %9s %8s | %9s %9s %8s | %6s\n",
		"scenario", "conc", "gql p50", "gql p95", "gql rps", "raw p50", "raw p95", "raw rps", "ratio")
	for _, sc := range scenarios(ids) {
		if *only != "" && !strings.Contains(sc.name, *only) {
			continue
		}
		for _, cs := range strings.Split(*conc, ",") {
			c, err := strconv.Atoi(cs)
			if err != nil || c < 1 {
				fail(fmt.Errorf("bad concurrency %q", cs))
			}
			gql := run(*n, c, sc, func(vars map[string]any) error {
				return post(ctx, client, *url+"/graphql", sc.query, vars)
			})
			raw := run(*n, c, sc, func(vars map[string]any) error { return sc.direct(ctx, store, vars) })
			fmt.Printf("%-22s %4d | %9s %9s %8.0f | %9s %9s %8.0f | %5.2fx\n", sc.name, c,
				ms(gql.p50), ms(gql.p95), gql.rps, ms(raw.p50), ms(raw.p95), raw.rps,
				float64(gql.p50)/float64(max(raw.p50, 1)))
			if gql.errs+raw.errs > 0 {
				fmt.Printf("%-22s      errors: graphql %d (%v), raw %d (%v)\n", "", gql.errs, gql.firstErr, raw.errs, raw.firstErr)
			}
		}
	}
}

type ids struct {
	people, groups []string
	names          []string
}

// sampleIDs picks the entities that the scenarios ask about: people, and
// organizations and countries, by name order from a fixed offset.
func sampleIDs(ctx context.Context, s *neo4j.Store) (ids, error) {
	var out ids
	for _, k := range []pg.Kind{pg.Person, pg.Organization, pg.Country} {
		page, err := s.ListEntities(ctx, pg.EntityFilter{Kind: k}, pg.Page{Limit: 200})
		if err != nil {
			return out, err
		}
		for _, e := range page.Entities {
			if k == pg.Person {
				out.people = append(out.people, e.ID)
			} else {
				out.groups = append(out.groups, e.ID)
			}
			if toks := pg.Tokens(e.Name); len(toks) > 0 {
				out.names = append(out.names, toks[len(toks)-1])
			}
		}
	}
	if len(out.people) == 0 || len(out.groups) == 0 {
		return out, errors.New("the graph has no people or no organizations: load a dataset first")
	}
	return out, nil
}

func pick(r *rand.Rand, l []string) string { return l[r.IntN(len(l))] }

func scenarios(ids ids) []scenario {
	return []scenario{
		{
			name: "entity+relationships",
			query: `query($id: ID!) { entity(id: $id) { id name kind
  relationships(first: 20) { totalCount edges { direction node { id name kind }
    relationship { id type role status date evidence { quote source { id } } } } } } }`,
			vars: func(r *rand.Rand) map[string]any { return map[string]any{"id": pick(r, ids.people)} },
			direct: func(ctx context.Context, s *neo4j.Store, v map[string]any) error {
				id := v["id"].(string)
				if _, err := s.Entities(ctx, []string{id}); err != nil {
					return err
				}
				pages, err := s.Relationships(ctx, []pg.RelQuery{{Node: id, Page: pg.Page{Limit: 20}}})
				if err != nil {
					return err
				}
				var others, sources []string
				for _, r := range pages[0].Relationships {
					others = append(others, r.Other(id))
					for _, ev := range r.Evidence {
						sources = append(sources, ev.Source)
					}
				}
				if _, err := s.Entities(ctx, others); err != nil {
					return err
				}
				_, err = s.Sources(ctx, sources)
				return err
			},
		},
		{
			name: "neighborhood depth 2",
			query: `query($id: ID!) { neighborhood(id: $id, depth: 2, limit: 100) { truncated
  nodes { id label kind depth } edges { id type source target } } }`,
			vars: func(r *rand.Rand) map[string]any { return map[string]any{"id": pick(r, ids.people)} },
			direct: func(ctx context.Context, s *neo4j.Store, v map[string]any) error {
				_, err := s.Neighborhood(ctx, pg.NeighborhoodQuery{Center: v["id"].(string), Depth: 2, Limit: 100})
				return err
			},
		},
		{
			name: "shortest path",
			query: `query($from: ID!, $to: ID!) { shortestPath(from: $from, to: $to, maxHops: 4) { length
  nodes { id name } edges { id type source target } } }`,
			vars: func(r *rand.Rand) map[string]any {
				return map[string]any{"from": pick(r, ids.people), "to": pick(r, ids.groups)}
			},
			direct: func(ctx context.Context, s *neo4j.Store, v map[string]any) error {
				_, err := s.ShortestPath(ctx, pg.PathQuery{From: v["from"].(string), To: v["to"].(string), MaxHops: 4})
				return err
			},
		},
		{
			name: "search",
			query: `query($text: String!) { search(text: $text, first: 10) { totalCount
  edges { score node { id name kind } } } }`,
			vars: func(r *rand.Rand) map[string]any { return map[string]any{"text": pick(r, ids.names)} },
			direct: func(ctx context.Context, s *neo4j.Store, v map[string]any) error {
				_, err := s.Search(ctx, pg.SearchQuery{Text: v["text"].(string)}, pg.Page{Limit: 10})
				return err
			},
		},
	}
}

type result struct {
	p50, p95 time.Duration
	rps      float64
	errs     int
	firstErr error
}

// run sends n requests from c workers, each drawing its variables from a
// seeded source, so the API and the baseline see the same requests.
func run(n, c int, sc scenario, do func(map[string]any) error) result {
	r := rand.New(rand.NewPCG(1, 2))
	vars := make([]map[string]any, n)
	for i := range vars {
		vars[i] = sc.vars(r)
	}
	lat := make([]time.Duration, n)
	var mu sync.Mutex
	var res result
	next := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range c {
		wg.Go(func() {
			for i := range next {
				t := time.Now()
				err := do(vars[i])
				lat[i] = time.Since(t)
				if err != nil {
					mu.Lock()
					res.errs++
					if res.firstErr == nil {
						res.firstErr = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	res.p50, res.p95 = lat[n/2], lat[n*95/100]
	res.rps = float64(n) / elapsed.Seconds()
	return res
}

func post(ctx context.Context, c *http.Client, url, query string, vars map[string]any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var out struct {
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(b, &out); err != nil || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, b)
	}
	if len(out.Errors) > 0 {
		return fmt.Errorf("graphql: %s", out.Errors[0].Message)
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchapi:", err)
	os.Exit(1)
}
