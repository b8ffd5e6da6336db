package main

import (
	"bytes"
	"io"
	"runtime/debug"
)

// A ResourceList of one or a few ensembles is done long before its heap
// grows far, yet Go's collector starts at a 4 MiB heap goal and runs
// several times during such a run, for about a tenth of its CPU time
// (measured on one prod-sized spec; docs/performance.md). So for a stream
// of at most smallInput bytes the collector waits until the heap reaches
// smallHeap; a larger stream, whose heap grows with it, keeps Go's default
// pacing and its memory bound.
const (
	smallInput = 256 << 10
	smallHeap  = 64 << 20
)

// paceGC reads the start of r to pick the collector's pacing, and returns
// a reader of all of r, from its first byte.
func paceGC(r io.Reader) io.Reader {
	head, err := io.ReadAll(io.LimitReader(r, smallInput+1))
	rest := r
	if err != nil {
		rest = errReader{err} // ReadResourceList reports it
	} else if len(head) <= smallInput {
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(smallHeap)
	}
	return io.MultiReader(bytes.NewReader(head), rest)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
