package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	pg "github.com/policygraph/policygraph"
	"github.com/policygraph/policygraph/loader"
)

// TestOutcomeTellsTheTruth: what the loader prints after a failed load
// names the state it left and how to finish, and claims a rollback only
// when there was one.
func TestOutcomeTellsTheTruth(t *testing.T) {
	down := errors.New("connection refused")
	tests := []struct {
		outcome loader.Outcome
		err     error
		want    []string
		never   string
	}{
		{loader.NothingWritten, down, []string{"nothing was written"}, "rolled back"},
		{loader.RolledBack, down, []string{"rolled back"}, "NOT"},
		{loader.NotRolledBack, down, []string{"NOT rolled back", "_Staged", "invisible to readers", "policygraph load --recover"}, "nothing was written"},
		{loader.NotRolledBack, fmt.Errorf("commit: %w", pg.ErrLeaseLost), []string{"NOT rolled back", "lost its lease", "--recover"}, "nothing was written"},
		{loader.CommitUnfinished, down, []string{"committed", "may see part of it", "policygraph load --recover"}, "rolled back"},
	}
	for _, tt := range tests {
		got := outcome(&loader.Error{LoadID: "L1", Outcome: tt.outcome, Err: tt.err})
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("outcome %d (%v) = %q, want it to say %q", tt.outcome, tt.err, got, w)
			}
		}
		if strings.Contains(got, tt.never) {
			t.Errorf("outcome %d (%v) = %q, must not say %q", tt.outcome, tt.err, got, tt.never)
		}
	}
}
