package policygraph

import (
	"context"
	"errors"
)

// Errors that stores and the API return; [ErrorCode] classifies them.
var (
	ErrNotFound    = errors.New("not found")
	ErrInvalid     = errors.New("invalid input")
	ErrUnavailable = errors.New("store unavailable")
)

// Code is the class of an error, the one thing every adapter (GraphQL
// codes, HTTP statuses, metric labels) needs to know of it. Each adapter
// maps the codes with a table of its own.
type Code string

// The error codes.
const (
	ENotFound    Code = "not_found"   // an ID that must exist does not
	EInvalid     Code = "invalid"     // the caller asked for something malformed
	EUnavailable Code = "unavailable" // the backing database cannot be reached
	ETimeout     Code = "timeout"     // the deadline passed
	ECanceled    Code = "canceled"    // the caller went away
	EInternal    Code = "internal"    // anything else: a bug or a surprise
)

// ErrorCode classifies err; nil has no code (""). Conditions of the system come
// before faults of the request: a store that was unreachable until the
// deadline passed is unavailable, not timed out, and a lookup that failed
// because the store was down is not "not found".
func ErrorCode(err error) Code {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrUnavailable):
		return EUnavailable
	case errors.Is(err, context.DeadlineExceeded):
		return ETimeout
	case errors.Is(err, context.Canceled):
		return ECanceled
	case errors.Is(err, ErrNotFound):
		return ENotFound
	case errors.Is(err, ErrInvalid):
		return EInvalid
	}
	return EInternal
}
