// Package apierror makes the GraphQL errors that the API returns on purpose,
// each with a machine-readable extensions.code.
package apierror

import (
	"fmt"

	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// The codes of extensions.code. Query-level rejects keep gqlgen's own
// codes (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED,
// COMPLEXITY_LIMIT_EXCEEDED) besides DepthLimitExceeded.
const (
	NotFound           = "NOT_FOUND"
	BadUserInput       = "BAD_USER_INPUT"
	Unavailable        = "UNAVAILABLE"
	Internal           = "INTERNAL"
	DepthLimitExceeded = "DEPTH_LIMIT_EXCEEDED"
	// DocumentLimitExceeded refuses a query text with too many tokens, or
	// one that expands to too many fields, before it is validated.
	DocumentLimitExceeded = "DOCUMENT_LIMIT_EXCEEDED"
	// Timeout says the request ran past its time limit; trying the same
	// query again will likely time out again, unlike UNAVAILABLE.
	Timeout = "TIMEOUT"
	// Unauthenticated refuses a request without a valid bearer token
	// (HTTP 401), before GraphQL sees it.
	Unauthenticated = "UNAUTHENTICATED"
	// RateLimited refuses a request of a client over its rate (HTTP 429,
	// with Retry-After).
	RateLimited = "RATE_LIMITED"
)

// New returns an error whose message is shown to the client as is.
func New(code, format string, args ...any) *gqlerror.Error {
	err := &gqlerror.Error{Message: fmt.Sprintf(format, args...)}
	errcode.Set(err, code)
	return err
}

// BadInput returns a BAD_USER_INPUT error.
func BadInput(format string, args ...any) *gqlerror.Error {
	return New(BadUserInput, format, args...)
}

// NotFoundf returns a NOT_FOUND error.
func NotFoundf(format string, args ...any) *gqlerror.Error {
	return New(NotFound, format, args...)
}
