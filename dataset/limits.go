package dataset

import (
	"bytes"
	"fmt"
)

// Limits on the input, so that reading a dataset takes bounded memory and a
// mistaken or hostile file is refused with its place named rather than
// read into memory whole.
const (
	// MaxRecord is the size in bytes of the largest record: one JSON Lines
	// line, or one YAML list item from its first line to the next item's.
	// The largest record in the seed is under 2 KB.
	MaxRecord = 1 << 20

	// MaxYAMLFile is the size in bytes of the largest YAML file. A YAML
	// file is decoded whole into a node tree of about 20 times its size;
	// larger datasets belong in several files or in JSON Lines, which is
	// read a line at a time.
	MaxYAMLFile = 8 << 20
)

// bom is the UTF-8 byte-order mark, which both formats accept at the start
// of a file and drop.
var bom = []byte{0xEF, 0xBB, 0xBF}

// checkStart refuses a file that starts with the byte-order mark of
// UTF-16 or UTF-32: both formats are UTF-8 only.
func checkStart(path string, b []byte) *Problem {
	for _, enc := range []struct {
		mark []byte
		name string
	}{
		{[]byte{0x00, 0x00, 0xFE, 0xFF}, "UTF-32"}, {[]byte{0xFF, 0xFE, 0x00, 0x00}, "UTF-32"},
		{[]byte{0xFE, 0xFF}, "UTF-16"}, {[]byte{0xFF, 0xFE}, "UTF-16"},
	} {
		if bytes.HasPrefix(b, enc.mark) {
			return &Problem{Pos: Position{File: path, Line: 1, Column: 1},
				Reason: fmt.Sprintf("the file is %s (byte-order mark % X): save it as UTF-8", enc.name, enc.mark)}
		}
	}
	return nil
}

// tooLong is the problem of a record of n bytes, over MaxRecord.
func tooLong(at Position, n int) *Problem {
	return &Problem{Pos: at, Reason: fmt.Sprintf("record of %d bytes is too large (at most %d bytes, 1 MiB): shorten its text or split it", n, MaxRecord)}
}
