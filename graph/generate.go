package graph

// The vocabulary's enums are written first, since gqlgen reads them;
// gqlgen runs from the module root, where gqlgen.yml is.
//go:generate go run ./internal/vocabgen -o ../schema/vocabulary.graphqls
//go:generate go -C .. tool gqlgen generate
