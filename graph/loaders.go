package graph

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"

	pg "github.com/policygraph/policygraph"
)

// loaders batch the store's lookups of one request: every field of a level
// of the response asks within the batch wait, and the level costs one store
// call per kind of lookup, however many items it has.
type loaders struct {
	entities      *dataloadgen.Loader[string, *pg.Entity]
	sources       *dataloadgen.Loader[string, *pg.Source]
	relationships *dataloadgen.Loader[string, *pg.Relationship]
	relPages      *dataloadgen.Loader[relKey, pg.RelPage]

	fetchEntities func(context.Context, []string) ([]*pg.Entity, []error)
	fetchRelPages func(context.Context, []relKey) ([]pg.RelPage, []error)
}

// entity loads one entity; see [loadOne].
func (l *loaders) entity(ctx context.Context, id string) (*pg.Entity, error) {
	return loadOne(ctx, l.entities, l.fetchEntities, id)
}

// relPage loads one page of relationships; see [loadOne].
func (l *loaders) relPage(ctx context.Context, k relKey) (pg.RelPage, error) {
	return loadOne(ctx, l.relPages, l.fetchRelPages, k)
}

// loadOne asks the store at once when no list lies above the field being
// resolved: nothing else of its level can join a batch then, so waiting
// for one would only add the batch wait to the request. Under a list it
// goes through the loader, which gathers the level's keys.
func loadOne[K comparable, V any](ctx context.Context, l *dataloadgen.Loader[K, V], fetch func(context.Context, []K) ([]V, []error), k K) (V, error) {
	if underList(ctx) {
		return l.Load(ctx, k)
	}
	vs, errs := fetch(ctx, []K{k})
	if len(errs) > 0 {
		var zero V
		return zero, errs[0]
	}
	l.Prime(k, vs[0])
	return vs[0], nil
}

// underList reports whether a list field lies above the field being
// resolved (its path has an index).
func underList(ctx context.Context) bool {
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		if fc.Index != nil {
			return true
		}
	}
	return false
}

// relKey is a comparable pg.RelQuery: a node and the arguments of
// the field that asks for its relationships.
type relKey struct {
	Node      string
	Types     string // comma-separated, in the order asked
	Direction pg.Direction
	Offset    int
	Limit     int
}

func newRelKey(node string, types []pg.RelType, dir pg.Direction, p pg.Page) relKey {
	ts := make([]string, len(types))
	for i, t := range types {
		ts[i] = string(t)
	}
	return relKey{Node: node, Types: strings.Join(ts, ","), Direction: dir, Offset: p.Offset, Limit: p.Limit}
}

func (k relKey) query() pg.RelQuery {
	var types []pg.RelType
	if k.Types != "" {
		for t := range strings.SplitSeq(k.Types, ",") {
			types = append(types, pg.RelType(t))
		}
	}
	return pg.RelQuery{Node: k.Node, Types: types, Direction: k.Direction,
		Page: pg.Page{Offset: k.Offset, Limit: k.Limit}}
}

func newLoaders(store pg.Store, wait time.Duration, logger *slog.Logger) *loaders {
	opt := dataloadgen.WithWait(wait)
	l := &loaders{
		fetchEntities: batch(logger, "Entities", store.Entities),
		fetchRelPages: batch(logger, "Relationships",
			func(ctx context.Context, keys []relKey) ([]pg.RelPage, error) {
				qs := make([]pg.RelQuery, len(keys))
				for i, k := range keys {
					qs[i] = k.query()
				}
				return store.Relationships(ctx, qs)
			}),
		sources:       dataloadgen.NewLoader(batch(logger, "Sources", store.Sources), opt),
		relationships: dataloadgen.NewLoader(batch(logger, "RelationshipsByID", store.RelationshipsByID), opt),
	}
	l.entities = dataloadgen.NewLoader(l.fetchEntities, opt)
	l.relPages = dataloadgen.NewLoader(l.fetchRelPages, opt)
	return l
}

// batch adapts a batch method of the store to a dataloader fetch: one
// error fails every key, and a panic becomes an error (logged with its
// stack) rather than a crash of the loader's goroutine.
func batch[K comparable, V any](logger *slog.Logger, method string, fetch func(context.Context, []K) ([]V, error)) func(context.Context, []K) ([]V, []error) {
	return func(ctx context.Context, keys []K) (vs []V, errs []error) {
		defer func() {
			if p := recover(); p != nil {
				logger.ErrorContext(ctx, "store panic", "method", method, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				vs, errs = nil, []error{fmt.Errorf("store.%s panicked", method)}
			}
		}()
		vs, err := fetch(ctx, keys)
		switch {
		case err != nil:
			return nil, []error{fmt.Errorf("store.%s: %w", method, err)}
		case len(vs) != len(keys):
			return nil, []error{fmt.Errorf("store.%s returned %d values for %d keys", method, len(vs), len(keys))}
		}
		return vs, nil
	}
}

type loadersKey struct{}

func withLoaders(ctx context.Context, l *loaders) context.Context {
	return context.WithValue(ctx, loadersKey{}, l)
}

// loadersFrom returns the request's loaders. Every request gets some from
// Handler.ServeHTTP.
func loadersFrom(ctx context.Context) *loaders {
	return ctx.Value(loadersKey{}).(*loaders)
}
