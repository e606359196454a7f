package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/graph/apierror"
)

// presentError turns any error into what the client sees. Errors made on
// purpose (by package apierror, or gqlgen's parse and validation errors)
// go out as they are; anything else is classified by its cause, and its text,
// which may hold Cypher or driver details, goes only to the log.
func (h *Handler) presentError(ctx context.Context, err error) *gqlerror.Error {
	gqlErr := graphql.DefaultErrorPresenter(ctx, err)
	if gqlErr.Extensions["code"] != nil || gqlErr.Unwrap() == nil {
		return gqlErr
	}
	code := pg.ErrorCode(err)
	if code != pg.EUnavailable && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		// A driver may report the deadline in an error of its own (after
		// retries, say) that does not wrap ctx.Err(): the request's
		// context tells the truth.
		code = pg.ETimeout
	}
	p := presentations[code]
	h.logger.Log(ctx, p.level, "graphql error", "code", p.code, "path", gqlErr.Path.String(), "err", err)
	out := &gqlerror.Error{Message: p.msg, Path: gqlErr.Path, Locations: gqlErr.Locations}
	out.Extensions = map[string]any{"code": p.code}
	return out
}

// presentations is what the client sees of an error of each class, and how
// loudly it is logged. The message of an internal error says nothing of it.
var presentations = map[pg.Code]struct {
	code, msg string
	level     slog.Level
}{
	pg.EUnavailable: {apierror.Unavailable, "the graph store is unavailable; try again later", slog.LevelWarn},
	pg.ETimeout:     {apierror.Timeout, "the request timed out: ask for less (a smaller depth, limit or first) or raise the server's --timeout", slog.LevelWarn},
	pg.ECanceled:    {apierror.Unavailable, "the request was canceled", slog.LevelInfo},
	pg.ENotFound:    {apierror.NotFound, "not found", slog.LevelInfo},
	pg.EInvalid:     {apierror.BadUserInput, "invalid input", slog.LevelInfo},
	pg.EInternal:    {apierror.Internal, "internal error", slog.LevelError},
}

// timedOut is the error of a request whose deadline passed before its
// operation ran.
func timedOut(ctx context.Context) *gqlerror.Error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return apierror.New(apierror.Timeout, "the request timed out before it ran")
	}
	return apierror.New(apierror.Unavailable, "the request was canceled")
}

// recoverPanic logs a resolver's panic with its stack and reports an
// INTERNAL error that says nothing of it.
func (h *Handler) recoverPanic(ctx context.Context, p any) error {
	h.logger.ErrorContext(ctx, "graphql panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
	return apierror.New(apierror.Internal, "internal error")
}
