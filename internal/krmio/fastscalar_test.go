package krmio

import (
	"strings"
	"testing"
)

// TestSpecialFloat: for every string plainString sends to it (one that
// starts with a letter, or a '-' and a letter), specialFloat answers as
// parsesAsNumber does: every string of up to four characters of an
// alphabet of number syntax and the letters of inf, infinity and nan,
// in both cases, and those words with underscores and signs.
func TestSpecialFloat(t *testing.T) {
	const alphabet = "infatyINFATY0x1e.+-_"
	words := []string{"infinity", "Infinity", "-INFINITY", "-inf", "i_n_f", "infinit", "nan_", "-nan", "NaN", "e5", "x1", "inf1", "infinity_", "_"}
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		words = append(words, prefix)
		if n == 0 {
			return
		}
		for i := 0; i < len(alphabet); i++ {
			gen(prefix+alphabet[i:i+1], n-1)
		}
	}
	gen("", 4)
	checked := 0
	for _, s := range words {
		c := byte(0)
		if s != "" {
			c = s[0]
		}
		if c == '-' && len(s) > 1 {
			c = s[1]
		}
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			continue
		}
		checked++
		if got, want := specialFloat(s), parsesAsNumber(s); got != want {
			t.Errorf("specialFloat(%q) = %v, parsesAsNumber says %v", s, got, want)
		}
	}
	if checked < 20000 {
		t.Errorf("only %d strings checked", checked)
	}
}

// TestResolvesAsWord: every case of the words go-yaml resolves.
func TestResolvesAsWord(t *testing.T) {
	for _, w := range []string{"null", "true", "false", "y", "yes", "n", "no", "on", "off"} {
		for _, s := range []string{w, strings.ToUpper(w), strings.ToUpper(w[:1]) + w[1:]} {
			if !resolvesAsWord(s) {
				t.Errorf("resolvesAsWord(%q) = false", s)
			}
		}
	}
	for _, s := range []string{"", "nul", "nulls", "yess", "of", "truee", "zk", "falsey"} {
		if resolvesAsWord(s) {
			t.Errorf("resolvesAsWord(%q) = true", s)
		}
	}
}
