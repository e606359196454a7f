package graph

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/graph/apierror"
	"github.com/policygraph/policygraph/graph/model"
)

// Resolver is the root of the resolvers; gqlgen's generated code calls the
// per-type resolvers in *.resolvers.go, which share the helpers here.
type Resolver struct {
	cfg    Config
	store  pg.Store
	logger *slog.Logger
}

// scanLimit bounds the relationships that a field reads whole to filter or
// flatten them (Organization.designations, Person.quotes).
const scanLimit = 1000

// page checks the paging arguments of a connection and returns the page of
// the store they ask for.
func (r *Resolver) page(n int, after *string) (pg.Page, error) {
	if n < 0 || n > r.cfg.MaxPageSize {
		return pg.Page{}, apierror.BadInput("first must be between 0 and %d, not %d", r.cfg.MaxPageSize, n)
	}
	p := pg.Page{Limit: n}
	if after != nil {
		off, err := decodeCursor(*after)
		if err != nil {
			return pg.Page{}, err
		}
		p.Offset = off + 1
	}
	return p, nil
}

// Cursors are opaque to clients; inside they are offsets into the ordered
// list, as the store pages by offset.
const cursorPrefix = "offset:"

func encodeCursor(offset int) string {
	return base64.StdEncoding.EncodeToString([]byte(cursorPrefix + strconv.Itoa(offset)))
}

func decodeCursor(c string) (int, error) {
	b, err := base64.StdEncoding.DecodeString(c)
	if err == nil {
		if s, ok := strings.CutPrefix(string(b), cursorPrefix); ok {
			// Below MaxInt, so that the page after it does not wrap round.
			if n, err := strconv.Atoi(s); err == nil && n >= 0 && n < math.MaxInt {
				return n, nil
			}
		}
	}
	return 0, apierror.BadInput("invalid cursor %q: pass a cursor that this API returned", c)
}

// pageInfo describes the page p of n items out of total.
func pageInfo(p pg.Page, n, total int) *model.PageInfo {
	pi := &model.PageInfo{HasPreviousPage: p.Offset > 0, HasNextPage: p.Offset+n < total}
	if n > 0 {
		start, end := encodeCursor(p.Offset), encodeCursor(p.Offset+n-1)
		pi.StartCursor, pi.EndCursor = &start, &end
	}
	return pi
}

// edgeTypes checks relationship types asked for between entities. Empty
// means every type that joins two entities: the store's "every type" would
// take in QUOTED_IN and MENTIONS too, whose far end is a source.
func edgeTypes(types []pg.RelType) ([]pg.RelType, error) {
	if len(types) == 0 {
		return pg.TraversableTypes(), nil
	}
	for _, t := range types {
		if s, ok := pg.Spec(t); !ok || !s.Traversable() {
			return nil, apierror.BadInput("%s joins an entity and a source, not two entities: read it through Person.quotes, Entity.evidence or Source.mentions", t)
		}
	}
	return types, nil
}

// relConnection returns a page of the relationships of the entity id.
func (r *Resolver) relConnection(ctx context.Context, id string, types []pg.RelType, d pg.Direction, first int, after *string) (*model.RelationshipConnection, error) {
	p, err := r.page(first, after)
	if err != nil {
		return nil, err
	}
	types, err = edgeTypes(types)
	if err != nil {
		return nil, err
	}
	rp, err := loadersFrom(ctx).relPage(ctx, newRelKey(id, types, d, p))
	if err != nil {
		return nil, err
	}
	prime(ctx, rp.Ends...) // the edges' nodes cost no second store call
	return relEdges(id, p, rp.Relationships, rp.Total), nil
}

// relEdges makes the edges of a page of the relationships of id.
func relEdges(id string, p pg.Page, rels []pg.Relationship, total int) *model.RelationshipConnection {
	edges := make([]model.RelationshipEdge, len(rels))
	for i := range rels {
		rel := &rels[i]
		e := model.RelationshipEdge{Cursor: encodeCursor(p.Offset + i), Relationship: rel, Direction: pg.Out, Other: rel.To}
		if rel.From != id {
			e.Direction, e.Other = pg.In, rel.From
		}
		edges[i] = e
	}
	return &model.RelationshipConnection{Edges: edges, PageInfo: pageInfo(p, len(edges), total), TotalCount: total}
}

// entity loads the entity with the given ID, which a relationship or page
// names: one missing is an inconsistency of the store, not the client's
// mistake.
func (r *Resolver) entity(ctx context.Context, id string) (model.Entity, error) {
	e, err := loadersFrom(ctx).entity(ctx, id)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return nil, fmt.Errorf("entity %q is referred to but missing", id)
	}
	return model.Wrap(e), nil
}

// mustExist checks that the entities with the given IDs, which the client
// named, exist.
func (r *Resolver) mustExist(ctx context.Context, ids ...string) error {
	es, err := loadersFrom(ctx).entities.LoadAll(ctx, ids)
	if err != nil {
		return err
	}
	for i, e := range es {
		if e == nil {
			return apierror.NotFoundf("entity %q not found", ids[i])
		}
	}
	return nil
}

// notFound turns the store's ErrNotFound into a NOT_FOUND error that names
// what was asked for.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, pg.ErrNotFound) {
		return apierror.NotFoundf(format, args...)
	}
	return err
}

// prime hands entities that the store already returned to the request's
// loader, so that selecting fields of them asks the store no more.
func prime(ctx context.Context, es ...*pg.Entity) {
	l := loadersFrom(ctx).entities
	for _, e := range es {
		if e != nil {
			l.Prime(e.ID, e)
		}
	}
}

// optional returns nil for the empty string, so that GraphQL says null.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// orZero returns *v, or T's zero value for an argument that the client
// left null ("no filter").
func orZero[T any](v *T) T {
	if v == nil {
		var zero T
		return zero
	}
	return *v
}

// selectsOnlyID reports whether the field being resolved selects nothing
// of its object but what the parent already knows (id, __typename), so
// the object need not be fetched.
func selectsOnlyID(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return false
	}
	for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), fc.Field.Selections, nil) {
		if f.Name != "id" && f.Name != "__typename" {
			return false
		}
	}
	return true
}
