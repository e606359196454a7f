// Package schema holds the GraphQL schema of policygraph, the *.graphqls
// files of this directory, which gqlgen generates the server from. It
// embeds them so that the server can hand clients the schema as written,
// descriptions and comments included, at /schema.graphql.
package schema

import (
	"bytes"
	"embed"
	"io/fs"
	"slices"
)

//go:embed *.graphqls
var files embed.FS

// SDL returns every schema file, in name order, as one GraphQL SDL
// document; a comment before each file names it.
func SDL() []byte {
	names, err := fs.Glob(files, "*.graphqls")
	if err != nil {
		panic("schema: " + err.Error()) // the pattern is valid
	}
	slices.Sort(names)
	var b bytes.Buffer
	b.WriteString("# The GraphQL schema of policygraph (schema/*.graphqls).\n")
	for _, name := range names {
		data, err := files.ReadFile(name)
		if err != nil {
			panic("schema: " + err.Error()) // cannot happen with embed.FS
		}
		b.WriteString("\n# schema/" + name + "\n\n")
		b.Write(bytes.TrimRight(data, "\n"))
		b.WriteString("\n")
	}
	return b.Bytes()
}
