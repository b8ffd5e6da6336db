// Package suggest finds the name a user probably meant, for the "did you
// mean" of error messages (unknown fields, properties, kinds, config keys).
package suggest

import "strings"

// maxLen bounds the strings Distance compares: a hostile key of kilobytes
// must not cost a quadratic walk per candidate, and no name we suggest is
// that long.
const maxLen = 64

// Distance is the Levenshtein distance of a and b, or maxLen when either
// is longer than maxLen.
func Distance(a, b string) int {
	if len(a) > maxLen || len(b) > maxLen {
		return maxLen
	}
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// Closest returns the candidate nearest to s, ignoring case, when it is
// within len(s)/3+1 edits; "" when none is. Ties go to the earlier
// candidate.
func Closest(s string, candidates []string) string {
	if len(s) > maxLen {
		return "" // no name we suggest is that long
	}
	best, bestD := "", len(s)/3+2
	for _, c := range candidates {
		if d := Distance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
