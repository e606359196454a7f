package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/policygraph/policygraph"
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
	code, msg := apierror.Internal, "internal error"
	level := slog.LevelError
	switch {
	case errors.Is(err, policygraph.ErrUnavailable):
		code, msg, level = apierror.Unavailable, "the graph store is unavailable; try again later", slog.LevelWarn
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		// A driver may report the deadline in an error of its own (after
		// retries, say) that does not wrap ctx.Err(): the request's
		// context tells the truth.
		code, msg, level = apierror.Timeout, "the request timed out: ask for less (a smaller depth, limit or first) or raise the server's --timeout", slog.LevelWarn
	case errors.Is(err, context.Canceled):
		code, msg, level = apierror.Unavailable, "the request was canceled", slog.LevelInfo
	case errors.Is(err, policygraph.ErrNotFound):
		code, msg, level = apierror.NotFound, "not found", slog.LevelInfo
	}
	h.logger.Log(ctx, level, "graphql error", "code", code, "path", gqlErr.Path.String(), "err", err)
	out := &gqlerror.Error{Message: msg, Path: gqlErr.Path, Locations: gqlErr.Locations}
	out.Extensions = map[string]any{"code": code}
	return out
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
