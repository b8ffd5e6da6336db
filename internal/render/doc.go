// Package render builds the typed Kubernetes objects of one ensemble from
// a defaulted, valid ZookeeperSpec. Every builder is a pure function: no
// I/O, no randomness, the same spec always gives the same objects.
package render
