package krmio

import (
	"strconv"
	"strings"
)

// plainString writes s unquoted when go-yaml would: s reads back as a
// string (go-yaml quotes what its resolver takes for a null, bool,
// number or timestamp) and has no indicator that needs quotes. The test
// is stricter than go-yaml's: printable ASCII only, starting with a
// letter, a digit, one of "/($_;" or a dash and a letter; any doubt
// returns false.
func (w *itemWriter) plainString(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' || s[len(s)-1] == ':' {
		return false
	}
	c := s[0]
	if c == '-' && len(s) > 1 { // "-c": a dash before a letter is no indicator
		c = s[1]
	}
	letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
	digit := '0' <= c && c <= '9'
	// Neither indicators nor anything go-yaml's resolver looks at.
	other := s[0] != '-' && strings.IndexByte("/($_;", s[0]) >= 0
	if !letter && (!digit || s[0] == '-') && !other {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e || (s[i] == ':' && s[i+1] == ' ') || (s[i] == '#' && s[i-1] == ' ') {
			return false // s[i+1]: s does not end with ':'; s[i-1]: s does not start with '#'
		}
	}
	switch {
	case letter && (resolvesAsWord(s) || specialFloat(s)):
		return false
	case digit && (strings.ContainsAny(s, "-: ") || parsesAsNumber(s)):
		return false
	}
	w.b = append(w.b, s...)
	return true
}

// resolvesAsWord: the words go-yaml reads as null, bool or float, and
// YAML 1.1's (which the function quotes; a plain one here is someone
// else's node, left to go-yaml).
func resolvesAsWord(s string) bool {
	if len(s) > len("false") {
		return false
	}
	for _, w := range [...]string{"null", "true", "false", "y", "yes", "n", "no", "on", "off"} {
		if strings.EqualFold(s, w) {
			return true
		}
	}
	return false
}

// specialFloat is parsesAsNumber for a string that starts with a letter,
// or a '-' and a letter, without its cost (strconv's errors allocate, on
// nearly every name and word of an item): no integer starts so, and the
// only floats that do are strconv's infinities and NaN, in any case.
// TestSpecialFloat holds the two to the same answer.
func specialFloat(s string) bool {
	p := strings.ReplaceAll(s, "_", "")
	return strings.EqualFold(p, "nan") || strings.EqualFold(strings.TrimPrefix(p, "-"), "inf") ||
		strings.EqualFold(strings.TrimPrefix(p, "-"), "infinity")
}

// parsesAsNumber is every number go-yaml's resolver tries, and more.
func parsesAsNumber(s string) bool {
	p := strings.ReplaceAll(s, "_", "")
	if _, err := strconv.ParseInt(p, 0, 64); err == nil {
		return true
	}
	if _, err := strconv.ParseUint(p, 0, 64); err == nil {
		return true
	}
	if _, err := strconv.ParseFloat(p, 64); err == nil {
		return true
	}
	for _, prefix := range []string{"0b", "0o", "0x"} {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

// doubleQuoted writes "s", escaping '"' and '\' as go-yaml does; other
// characters it would escape send s to go-yaml.
func (w *itemWriter) doubleQuoted(s string) bool { return w.quoted(s, '"') }

// singleQuoted writes 's' with each ' doubled, as go-yaml does for a
// printable ASCII line (others it may write double-quoted).
func (w *itemWriter) singleQuoted(s string) bool { return w.quoted(s, '\'') }

func (w *itemWriter) quoted(s string, q byte) bool {
	w.b = append(w.b, q)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c > 0x7e:
			return false
		case c == '\'' && q == '\'':
			w.b = append(w.b, '\'', '\'')
		case (c == '"' || c == '\\') && q == '"':
			w.b = append(w.b, '\\', c)
		default:
			w.b = append(w.b, c)
		}
	}
	w.b = append(w.b, q)
	return true
}

// literal writes s as a literal block ("|", or "|-" without a final line
// break) with its lines at column indent. What go-yaml would write
// otherwise (a trailing space, spaces before a line break, a leading
// space or break, several final breaks, characters it escapes) returns
// false.
func (w *itemWriter) literal(s string, indent int) bool {
	if s == "" || s[0] == ' ' || s[0] == '\n' || s[len(s)-1] == ' ' || strings.HasSuffix(s, "\n\n") || strings.Contains(s, " \n") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < 0x20 && s[i] != '\n') || s[i] > 0x7e {
			return false
		}
	}
	w.b = append(w.b, '|')
	if s[len(s)-1] != '\n' {
		w.b = append(w.b, '-')
	}
	w.b = append(w.b, '\n')
	for rest := s; rest != ""; {
		line, after, found := strings.Cut(rest, "\n")
		if line != "" {
			for range indent {
				w.b = append(w.b, ' ')
			}
			w.b = append(w.b, line...)
		}
		if found {
			w.b = append(w.b, '\n')
		}
		rest = after
	}
	return true
}

// isDecimal: an integer as strconv writes it.
func isDecimal(s string) bool {
	t := strings.TrimPrefix(s, "-")
	if t == "" || (t[0] == '0' && len(t) > 1) {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return false
		}
	}
	return true
}

// isPlainFloat: digits, one point and digits, an optional exponent: what
// the walker writes, and what go-yaml's resolver reads as a float.
func isPlainFloat(s string) bool {
	mant, exp, hasExp := strings.Cut(strings.TrimPrefix(s, "-"), "e")
	whole, frac, hasPoint := strings.Cut(mant, ".")
	if !hasPoint && !hasExp || !isDecimal(whole) || (hasPoint && (frac == "" || !allDigits(frac))) {
		return false
	}
	if hasExp {
		e := strings.TrimLeft(exp, "+-")
		return e != "" && len(exp)-len(e) <= 1 && allDigits(e)
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
