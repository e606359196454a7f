package boltrouter

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
)

// PackStream, Bolt's value encoding, as far as routing needs it: null,
// booleans, integers, floats, strings, bytes, lists, maps and structures
// (messages are structures). Integers decode as int64, floats as float64,
// lists as []any, maps as map[string]any, structures as Struct.
// https://neo4j.com/docs/bolt/current/packstream/

// Struct is a PackStream structure: a message, or a value such as a node
// (which routing never sees).
type Struct struct {
	Tag    byte
	Fields []any
}

// encode appends the PackStream encoding of v to b. It takes the types
// decode returns, plus int, []string and map[string]string for
// convenience.
func encode(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(b, 0xC0), nil
	case bool:
		if v {
			return append(b, 0xC3), nil
		}
		return append(b, 0xC2), nil
	case int:
		return encodeInt(b, int64(v)), nil
	case int64:
		return encodeInt(b, v), nil
	case float64:
		return binary.BigEndian.AppendUint64(append(b, 0xC1), math.Float64bits(v)), nil
	case string:
		b = header(b, 0x80, 0xD0, len(v))
		return append(b, v...), nil
	case []byte:
		switch n := len(v); {
		case n <= math.MaxUint8:
			b = append(b, 0xCC, byte(n))
		case n <= math.MaxUint16:
			b = binary.BigEndian.AppendUint16(append(b, 0xCD), uint16(n))
		default:
			b = binary.BigEndian.AppendUint32(append(b, 0xCE), uint32(n))
		}
		return append(b, v...), nil
	case []string:
		b = header(b, 0x90, 0xD4, len(v))
		for _, s := range v {
			b, _ = encode(b, s)
		}
		return b, nil
	case []any:
		b = header(b, 0x90, 0xD4, len(v))
		var err error
		for _, x := range v {
			if b, err = encode(b, x); err != nil {
				return nil, err
			}
		}
		return b, nil
	case map[string]string:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = x
		}
		return encode(b, m)
	case map[string]any:
		b = header(b, 0xA0, 0xD8, len(v))
		// Sorted keys: the same value always encodes to the same bytes,
		// which the table tests compare.
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var err error
		for _, k := range keys {
			b, _ = encode(b, k)
			if b, err = encode(b, v[k]); err != nil {
				return nil, err
			}
		}
		return b, nil
	case Struct:
		if len(v.Fields) > 15 {
			return nil, fmt.Errorf("packstream: structure of %d fields", len(v.Fields))
		}
		b = append(b, 0xB0+byte(len(v.Fields)), v.Tag)
		var err error
		for _, x := range v.Fields {
			if b, err = encode(b, x); err != nil {
				return nil, err
			}
		}
		return b, nil
	}
	return nil, fmt.Errorf("packstream: cannot encode %T", v)
}

func encodeInt(b []byte, n int64) []byte {
	switch {
	case n >= -16 && n <= 127:
		return append(b, byte(int8(n)))
	case n >= math.MinInt8 && n <= math.MaxInt8:
		return append(b, 0xC8, byte(int8(n)))
	case n >= math.MinInt16 && n <= math.MaxInt16:
		return binary.BigEndian.AppendUint16(append(b, 0xC9), uint16(int16(n)))
	case n >= math.MinInt32 && n <= math.MaxInt32:
		return binary.BigEndian.AppendUint32(append(b, 0xCA), uint32(int32(n)))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xCB), uint64(n))
}

// header appends the marker of a string, list or map of n items: tiny
// (the high nibble, n < 16) or 8, 16 or 32-bit sized.
func header(b []byte, tiny, sized byte, n int) []byte {
	switch {
	case n < 16:
		return append(b, tiny+byte(n))
	case n <= math.MaxUint8:
		return append(b, sized, byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(b, sized+1), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(b, sized+2), uint32(n))
}

var errShort = errors.New("packstream: value runs past the end of the message")

// decoder reads values from one message.
type decoder struct {
	b []byte
	i int
}

// decode reads the one value that b holds, failing on bytes left over.
func decode(b []byte) (any, error) {
	d := &decoder{b: b}
	v, err := d.value(0)
	if err == nil && d.i != len(b) {
		err = fmt.Errorf("packstream: %d bytes after the value", len(b)-d.i)
	}
	return v, err
}

func (d *decoder) take(n int) ([]byte, error) {
	if n < 0 || len(d.b)-d.i < n {
		return nil, errShort
	}
	p := d.b[d.i : d.i+n]
	d.i += n
	return p, nil
}

func (d *decoder) size(marker, sized byte) (int, error) {
	w := 1 << (marker - sized) // 1, 2 or 4 bytes
	p, err := d.take(w)
	if err != nil {
		return 0, err
	}
	switch w {
	case 1:
		return int(p[0]), nil
	case 2:
		return int(binary.BigEndian.Uint16(p)), nil
	}
	return int(binary.BigEndian.Uint32(p)), nil
}

// maxDepth bounds nesting, so a hostile message cannot exhaust the stack.
const maxDepth = 32

func (d *decoder) value(depth int) (any, error) {
	if depth > maxDepth {
		return nil, errors.New("packstream: nested too deep")
	}
	p, err := d.take(1)
	if err != nil {
		return nil, err
	}
	m := p[0]
	switch {
	case m <= 0x7F || m >= 0xF0:
		return int64(int8(m)), nil
	case m >= 0x80 && m <= 0x8F:
		return d.str(int(m - 0x80))
	case m >= 0x90 && m <= 0x9F:
		return d.list(int(m-0x90), depth)
	case m >= 0xA0 && m <= 0xAF:
		return d.dict(int(m-0xA0), depth)
	case m >= 0xB0 && m <= 0xBF:
		return d.structure(int(m-0xB0), depth)
	}
	switch m {
	case 0xC0:
		return nil, nil
	case 0xC1:
		p, err := d.take(8)
		if err != nil {
			return nil, err
		}
		return math.Float64frombits(binary.BigEndian.Uint64(p)), nil
	case 0xC2:
		return false, nil
	case 0xC3:
		return true, nil
	case 0xC8, 0xC9, 0xCA, 0xCB:
		p, err := d.take(1 << (m - 0xC8))
		if err != nil {
			return nil, err
		}
		switch len(p) {
		case 1:
			return int64(int8(p[0])), nil
		case 2:
			return int64(int16(binary.BigEndian.Uint16(p))), nil
		case 4:
			return int64(int32(binary.BigEndian.Uint32(p))), nil
		}
		return int64(binary.BigEndian.Uint64(p)), nil
	case 0xCC, 0xCD, 0xCE:
		n, err := d.size(m, 0xCC)
		if err != nil {
			return nil, err
		}
		p, err := d.take(n)
		return slices.Clone(p), err
	case 0xD0, 0xD1, 0xD2:
		n, err := d.size(m, 0xD0)
		if err != nil {
			return nil, err
		}
		return d.str(n)
	case 0xD4, 0xD5, 0xD6:
		n, err := d.size(m, 0xD4)
		if err != nil {
			return nil, err
		}
		return d.list(n, depth)
	case 0xD8, 0xD9, 0xDA:
		n, err := d.size(m, 0xD8)
		if err != nil {
			return nil, err
		}
		return d.dict(n, depth)
	}
	return nil, fmt.Errorf("packstream: unknown marker 0x%02X", m)
}

func (d *decoder) str(n int) (string, error) {
	p, err := d.take(n)
	return string(p), err
}

func (d *decoder) list(n int, depth int) ([]any, error) {
	if n > len(d.b)-d.i { // every item takes a byte at least
		return nil, errShort
	}
	l := make([]any, n)
	for i := range l {
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		l[i] = v
	}
	return l, nil
}

func (d *decoder) dict(n int, depth int) (map[string]any, error) {
	if n > len(d.b)-d.i {
		return nil, errShort
	}
	m := make(map[string]any, n)
	for range n {
		k, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		key, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("packstream: map key of type %T", k)
		}
		if m[key], err = d.value(depth + 1); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (d *decoder) structure(n int, depth int) (Struct, error) {
	p, err := d.take(1)
	if err != nil {
		return Struct{}, err
	}
	s := Struct{Tag: p[0], Fields: make([]any, n)}
	for i := range s.Fields {
		if s.Fields[i], err = d.value(depth + 1); err != nil {
			return Struct{}, err
		}
	}
	return s, nil
}

// Chunking: a message travels as chunks of up to 65535 bytes, each after
// its 16-bit size, ended by an empty chunk. An empty chunk between
// messages is a keep-alive (NOOP).

// readMessage reads one message's bytes, skipping keep-alives; limit
// bounds its size.
func readMessage(r io.Reader, limit int) ([]byte, error) {
	var msg []byte
	var size [2]byte
	for {
		if _, err := io.ReadFull(r, size[:]); err != nil {
			if len(msg) > 0 && errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		n := int(binary.BigEndian.Uint16(size[:]))
		if n == 0 {
			if len(msg) > 0 {
				return msg, nil
			}
			continue
		}
		if len(msg)+n > limit {
			return nil, fmt.Errorf("bolt: message over %d bytes", limit)
		}
		msg = slices.Grow(msg, n)
		if _, err := io.ReadFull(r, msg[len(msg):len(msg)+n]); err != nil {
			return nil, fmt.Errorf("bolt: chunk: %w", noEOF(err))
		}
		msg = msg[:len(msg)+n]
	}
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// chunk frames a message's bytes for the wire.
func chunk(msg []byte) []byte {
	out := make([]byte, 0, len(msg)+2*(len(msg)/math.MaxUint16+2))
	for len(msg) > 0 {
		n := min(len(msg), math.MaxUint16)
		out = binary.BigEndian.AppendUint16(out, uint16(n))
		out = append(out, msg[:n]...)
		msg = msg[n:]
	}
	return append(out, 0, 0)
}
