// Command benchmem measures the in-memory store on a dataset: load time,
// resident memory, and p50/p95 latency of a depth-2 neighbourhood, a
// shortest path and a search, asked of random entities.
//
//	go run ./scripts/benchmem -n 2000 .bench/graph-1000000-3000000.jsonl
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/dataset"
	"github.com/policygraph/policygraph/store/memory"
)

func main() {
	n := flag.Int("n", 2000, "queries per scenario")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: benchmem [-n N] FILE...")
		os.Exit(2)
	}
	ctx := context.Background()

	start := time.Now()
	ds, err := dataset.Load(ctx, dataset.Paths(flag.Args()...), dataset.Options{})
	if err != nil {
		fail(err)
	}
	decoded := time.Since(start)
	store := memory.New(ds)
	built := time.Since(start) - decoded
	entities := len(ds.Entities)
	rels := len(ds.Relationships)
	ds = nil             // what the server keeps is the store, not the decoded dataset
	debug.FreeOSMemory() // as serve does after loading
	fmt.Printf("loaded %d entities, %d relationships: validate+decode %.1fs, build %.1fs\n",
		entities, rels, decoded.Seconds(), built.Seconds())
	fmt.Printf("memory after load: RSS %s, peak RSS %s, Go heap in use %s\n",
		procStatus("VmRSS"), procStatus("VmHWM"), heapInUse())

	people, err := store.ListEntities(ctx, pg.EntityFilter{Kind: pg.Person}, pg.Page{Limit: 5000})
	if err != nil {
		fail(err)
	}
	groups, err := store.ListEntities(ctx, pg.EntityFilter{Kind: pg.Country}, pg.Page{Limit: 5000})
	if err != nil {
		fail(err)
	}
	r := rand.New(rand.NewPCG(7, 7))
	pickPerson := func() *pg.Entity { return people.Entities[r.IntN(len(people.Entities))] }
	pickGroup := func() *pg.Entity { return groups.Entities[r.IntN(len(groups.Entities))] }

	fmt.Printf("%-22s %10s %10s %10s\n", "query", "p50", "p95", "max")
	measure("neighborhood depth 2", *n, func() error {
		_, err := store.Neighborhood(ctx, pg.NeighborhoodQuery{Center: pickPerson().ID, Depth: 2, Limit: 100})
		return err
	})
	measure("shortest path", *n, func() error {
		_, err := store.ShortestPath(ctx, pg.PathQuery{From: pickPerson().ID, To: pickGroup().ID, MaxHops: 4})
		return err
	})
	measure("search", *n, func() error {
		name := pg.Tokens(pickPerson().Name)
		_, err := store.Search(ctx, pg.SearchQuery{Text: name[len(name)-1]}, pg.Page{Limit: 10})
		return err
	})
}

func measure(name string, n int, f func() error) {
	lat := make([]time.Duration, n)
	for i := range lat {
		t := time.Now()
		if err := f(); err != nil {
			fail(fmt.Errorf("%s: %w", name, err))
		}
		lat[i] = time.Since(t)
	}
	slices.Sort(lat)
	fmt.Printf("%-22s %10s %10s %10s\n", name, lat[n/2], lat[n*95/100], lat[n-1])
}

// procStatus reads a line of /proc/self/status, such as VmRSS.
func procStatus(key string) string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return "?"
	}
	defer func() { _ = f.Close() }() // read only
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), key+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}

func heapInUse() string {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return fmt.Sprintf("%d MB", m.HeapInuse>>20)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchmem:", err)
	os.Exit(1)
}
