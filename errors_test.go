package policygraph_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	pg "github.com/policygraph/policygraph"
)

func TestErrorCode(t *testing.T) {
	for _, c := range []struct {
		err  error
		want pg.Code
	}{
		{nil, ""},
		{errors.New("boom"), pg.EInternal},
		{fmt.Errorf("timeline of %q: %w", "x", pg.ErrNotFound), pg.ENotFound},
		{fmt.Errorf("depth: %w", pg.ErrInvalid), pg.EInvalid},
		{fmt.Errorf("%w: dial tcp", pg.ErrUnavailable), pg.EUnavailable},
		{fmt.Errorf("search: %w", context.DeadlineExceeded), pg.ETimeout},
		{fmt.Errorf("search: %w", context.Canceled), pg.ECanceled},
		// Conditions of the system win over faults of the request.
		{fmt.Errorf("%w: %w", pg.ErrUnavailable, context.DeadlineExceeded), pg.EUnavailable},
		{errors.Join(pg.ErrNotFound, context.DeadlineExceeded), pg.ETimeout},
		{errors.Join(pg.ErrNotFound, context.Canceled), pg.ECanceled},
		{errors.Join(pg.ErrInvalid, pg.ErrNotFound), pg.ENotFound},
	} {
		if got := pg.ErrorCode(c.err); got != c.want {
			t.Errorf("ErrorCode(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}
