// Package krmio is the function's stream I/O: it screens the ResourceList
// on stdin (size, UTF-8, shape, duplicate keys, alias bombs), runs a
// processor on it, and writes the output ResourceList one item at a time.
// It knows nothing about ZooKeeper; internal/processor does the rendering.
package krmio
