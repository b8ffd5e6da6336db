// Package docs embeds the documents the binary prints, so that
// `zookeeper-fn --help` (and `kpt fn doc`, which runs the image with
// --help) and the documentation are one text: docs/usage.md.
package docs

import _ "embed"

// Usage is docs/usage.md: Overview, Usage, FunctionConfig and Examples,
// the sections of the kpt function catalog.
//
//go:embed usage.md
var Usage string
