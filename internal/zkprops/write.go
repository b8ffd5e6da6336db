package zkprops

import (
	"fmt"
	"regexp"
	"strings"
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
var jvmFlag = regexp.MustCompile(`^-D[A-Za-z0-9._-]+=[A-Za-z0-9._/:-]+$`)

// JVMFlags returns the -D flags for the JVMFlag properties in config, in
// name order. It returns an error for a property that is not accepted or
// a flag that would not survive the shell's word splitting; validation
// has refused both before rendering.
func JVMFlags(config map[string]string) ([]string, error) {
	var out []string
	for _, p := range Accepted() {
		v, ok := config[p.Name]
		if !ok || p.Place != JVMFlag {
			continue
		}
		f := "-D" + p.System + "=" + v
		if err := p.Type.Check(v); err != nil || !jvmFlag.MatchString(f) {
			return nil, fmt.Errorf("spec.zookeeper.config[%s]: %q cannot be a JVM flag", p.Name, v)
		}
		out = append(out, f)
	}
	return out, nil
}

// ConfigEntries returns the zoo.cfg entries (Config and ConfigSystem
// properties) for config, keyed by the zoo.cfg key ZooKeeper reads.
func ConfigEntries(config map[string]string) ([]Entry, error) {
	var out []Entry
	for name, v := range config {
		p, ok := Lookup(name)
		if !ok {
			return nil, fmt.Errorf("spec.zookeeper.config[%s]: not an accepted property", name)
		}
		if err := p.Type.Check(v); err != nil {
			return nil, fmt.Errorf("spec.zookeeper.config[%s]: %v", name, err)
		}
		if p.Place != JVMFlag {
			out = append(out, Entry{Key: p.Key(), Value: v})
		}
	}
	return out, nil
}
