// Package suggest finds the word a user probably meant: the closest of the
// known ones, for "did you mean" hints in error messages.
package suggest

import "strings"

// Closest returns the known word closest to word, or "" when none is close
// enough to be a likely typo.
func Closest(word string, known []string) string {
	best, bestDist := "", len(word)/3+2
	if bestDist > 3 {
		bestDist = 3
	}
	for _, k := range known {
		d := distance(strings.ToLower(word), strings.ToLower(k))
		if d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// DidYouMean is " (did you mean "x"?)" or "".
func DidYouMean(word string, known []string) string {
	if s := Closest(word, known); s != "" {
		return ` (did you mean "` + s + `"?)`
	}
	return ""
}

// distance is the optimal string alignment distance: Levenshtein with
// transpositions, so "hsotname" is one edit from "hostname".
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
