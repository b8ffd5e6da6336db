package zkprops

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf16"
)

// Entry is one zoo.cfg line.
type Entry struct{ Key, Value string }

// Write renders entries in order as a java.util.Properties file: what
// ZooKeeper's Properties.load reads back is exactly each key and value.
func Write(entries []Entry) string {
	var b strings.Builder
	for _, e := range entries {
		b.WriteString(EscapeKey(e.Key))
		b.WriteByte('=')
		b.WriteString(EscapeValue(e.Value))
		b.WriteByte('\n')
	}
	return b.String()
}

// EscapeKey escapes a key as Properties.store does: '\', '=', ':', '#',
// '!' and whitespace are backslash-escaped, control and non-ASCII
// characters become \uXXXX, so no key can end early, continue onto the
// next line or start a comment.
func EscapeKey(k string) string { return escape(k, true) }

// EscapeValue escapes a value: only leading whitespace needs escaping
// (load skips it), and '\', line breaks, control and non-ASCII characters.
func EscapeValue(v string) string { return escape(v, false) }

func escape(s string, key bool) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == ' ' && (key || i == 0):
			b.WriteString(`\ `)
		case key && strings.ContainsRune("=:#!", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r > 0x7e:
			// As Java chars: a surrogate pair above U+FFFF.
			if r1, r2 := utf16.EncodeRune(r); r1 != unicode.ReplacementChar {
				fmt.Fprintf(&b, `\u%04X\u%04X`, r1, r2)
			} else {
				fmt.Fprintf(&b, `\u%04X`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// jvmFlag is what a -D flag may contain: zkServer.sh splits
// SERVER_JVMFLAGS on whitespace and passes it unquoted, so spaces, quotes
// and shell characters would split or inject flags.
var jvmFlag = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^-D[A-Za-z0-9._-]+=[A-Za-z0-9._/:-]+$`) })

// JVMFlags returns the -D flags for the JVMFlag properties in config, in
// name order. A value the model refuses is left out, never written:
// validation has already reported it, and no output leaves with an error.
func JVMFlags(config map[string]string) []string {
	var out []string
	for _, p := range Accepted() {
		v, ok := config[p.Name]
		if !ok || p.Place != JVMFlag || p.Type.Check(v) != nil {
			continue
		}
		if f := "-D" + p.System + "=" + v; jvmFlag().MatchString(f) {
			out = append(out, f)
		}
	}
	return out
}

// ConfigEntries returns the zoo.cfg entries (Config and ConfigSystem
// properties) of config, keyed by the zoo.cfg key ZooKeeper reads, sorted.
// Keys and values the model refuses are left out, as in JVMFlags.
func ConfigEntries(config map[string]string) []Entry {
	var out []Entry
	for _, p := range Accepted() {
		v, ok := config[p.Name]
		if ok && p.Place != JVMFlag && p.Type.Check(v) == nil {
			out = append(out, Entry{Key: p.Key(), Value: v})
		}
	}
	return out
}
