// Package data holds the curated seed dataset, embedded in the binary so
// that the server can start with a useful graph and no database: the
// in-memory store loads it with dataset.Load.
package data

import (
	"embed"

	"github.com/policygraph/policygraph/dataset"
)

// seed is embedded as a file system rather than a string so that
// dataset.FSFiles opens it like any other dataset file, by name, and
// errors report "seed.yaml:line:col".
//
//go:embed seed.yaml
var seed embed.FS

// Seed returns the embedded seed dataset as files for dataset.Load,
// dataset.Validate or the Neo4j loader. Each call returns fresh File
// values; opening them never fails.
func Seed() []dataset.File {
	return dataset.FSFiles(seed, "seed.yaml")
}
