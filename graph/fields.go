package graph

import (
	"context"
	"errors"
	"fmt"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/graph/apierror"
	"github.com/policygraph/policygraph/graph/model"
)

// The relationship types and directions of the typed relationship fields.
var (
	leads              = []pg.RelType{pg.Leads}
	holdsOffice        = []pg.RelType{pg.HoldsOffice}
	offices            = []pg.RelType{pg.Leads, pg.HoldsOffice}
	memberOrEmployee   = []pg.RelType{pg.MemberOf, pg.EmployedBy}
	enactedOrAnnounced = []pg.RelType{pg.Enacted, pg.Announced}
	targets            = []pg.RelType{pg.Targets}
	supports           = []pg.RelType{pg.Supports}
	opposes            = []pg.RelType{pg.Opposes}
	operatesIn         = []pg.RelType{pg.OperatesIn}
	tradesWith         = []pg.RelType{pg.TradesWith}

	in  = pg.In
	out = pg.Out
)

// maxHubDegree bounds a neighbourhood's hubDegree, so that no client can
// ask a walk to go through the biggest hubs.
const maxHubDegree = 10000

// designations pages the TARGETS relationships to an organization from
// policies of type designation. The store cannot filter by the far end's
// type, so the field reads them all (up to scanLimit), which costs two
// batched store calls, and pages what is left.
func (r *Resolver) designations(ctx context.Context, id string, first int, after *string) (*model.RelationshipConnection, error) {
	p, err := r.page(first, after)
	if err != nil {
		return nil, err
	}
	l := loadersFrom(ctx)
	all := pg.Page{Limit: scanLimit}
	rp, err := l.relPage(ctx, newRelKey(id, targets, pg.In, all))
	if err != nil {
		return nil, err
	}
	if rp.Total > scanLimit {
		r.logger.WarnContext(ctx, "designations: too many TARGETS relationships to read whole", "entity", id, "total", rp.Total)
	}
	ids := make([]string, len(rp.Relationships))
	for i, rel := range rp.Relationships {
		ids[i] = rel.From
	}
	policies, err := l.entities.LoadAll(ctx, ids)
	if err != nil {
		return nil, err
	}
	var kept []pg.Relationship
	for i, rel := range rp.Relationships {
		if e := policies[i]; e != nil && e.Kind == pg.Policy && e.Type == "designation" {
			kept = append(kept, rel)
		}
	}
	total := len(kept)
	lo := min(p.Offset, total)
	hi := min(lo+p.Limit, total)
	return relEdges(id, p, kept[lo:hi], total), nil
}

// quotes gathers the evidence of a person's QUOTED_IN relationships.
func (r *Resolver) quotes(ctx context.Context, id string) ([]pg.Evidence, error) {
	key := newRelKey(id, []pg.RelType{pg.QuotedIn}, pg.Out, pg.Page{Limit: scanLimit})
	rp, err := loadersFrom(ctx).relPage(ctx, key)
	if err != nil {
		return nil, err
	}
	ev := []pg.Evidence{}
	for _, rel := range rp.Relationships {
		ev = append(ev, rel.Evidence...)
	}
	return ev, nil
}

// list returns a page of the entities that pass f, the page and how many
// pass in all.
func (r *Resolver) list(ctx context.Context, f pg.EntityFilter, first int, after *string) ([]*pg.Entity, pg.Page, int, error) {
	p, err := r.page(first, after)
	if err != nil {
		return nil, p, 0, err
	}
	ep, err := r.store.ListEntities(ctx, f, p)
	if err != nil {
		return nil, p, 0, fmt.Errorf("store.ListEntities: %w", err)
	}
	prime(ctx, ep.Entities...)
	return ep.Entities, p, ep.Total, nil
}

// pathQuery checks the arguments of shortestPath and paths. Both ends must
// exist, so that "no path" and "no such entity" are told apart.
func (r *Resolver) pathQuery(ctx context.Context, from, to string, maxHops int, types []pg.RelType) (pg.PathQuery, error) {
	q := pg.PathQuery{From: from, To: to, MaxHops: maxHops}
	if q.MaxHops < 1 || q.MaxHops > r.cfg.MaxHops {
		return q, apierror.BadInput("maxHops must be between 1 and %d, not %d", r.cfg.MaxHops, q.MaxHops)
	}
	var err error
	if q.Types, err = edgeTypes(types); err != nil {
		return q, err
	}
	return q, nil
}

// notFound turns a store's ErrNotFound for a path's ends into the error
// that names the unknown ID; the lookup runs only on that error path, so a
// path costs one round trip.
func (r *Resolver) notFound(ctx context.Context, err error, ids ...string) error {
	if errors.Is(err, pg.ErrNotFound) {
		if e := r.mustExist(ctx, ids...); e != nil {
			return e
		}
	}
	return err
}

// path converts a path of the store.
func (r *Resolver) path(ctx context.Context, p pg.Path) *model.Path {
	prime(ctx, p.Nodes...)
	out := &model.Path{Nodes: make([]model.Entity, len(p.Nodes)), Edges: p.Edges, Length: len(p.Edges)}
	for i, e := range p.Nodes {
		out.Nodes[i] = model.Wrap(e)
	}
	if out.Edges == nil {
		out.Edges = []pg.Relationship{}
	}
	return out
}
