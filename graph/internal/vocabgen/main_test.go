package main

import (
	"bytes"
	"os"
	"testing"
)

// The committed schema file is what the vocabulary generates today.
func TestSchemaUpToDate(t *testing.T) {
	want, err := Render()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../../schema/vocabulary.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("schema/vocabulary.graphqls is stale: run go generate ./graph")
	}
}
