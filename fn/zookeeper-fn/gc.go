package main

import (
	"bytes"
	"io"
	"runtime/debug"
)

// A ResourceList of one or a few ensembles is done long before its heap
// grows far, yet Go's runtime paces its collector and its background
// work from a 4 MiB heap goal. Measured on one prod-sized spec
// (docs/performance.md): no collection runs either way (gctrace), but
// with the goal lifted a run takes about 2.5 ms (a sixth) less CPU, 150
// fewer page faults, one thread and two thirds of the futex calls fewer
// (strace -c). So for a stream of at most smallInput bytes the collector
// waits until the heap reaches smallHeap; a larger stream, whose heap grows
// with it, keeps Go's default pacing and its memory bound.
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
