package suggest

import "testing"

func TestClosest(t *testing.T) {
	known := []string{"hostname", "networks", "cpus", "memory", "depends_on", "provision"}
	for word, want := range map[string]string{
		"hostnme":   "hostname",
		"hsotname":  "hostname",
		"netwrks":   "networks",
		"cpu":       "cpus",
		"memroy":    "memory",
		"dependson": "depends_on",
		"HOSTNAME":  "hostname",
		"zzz":       "",
		"x":         "",
	} {
		if got := Closest(word, known); got != want {
			t.Errorf("Closest(%q) = %q, want %q", word, got, want)
		}
	}
}
