package spec

// The name checks below are what these expressions say, written as loops:
// validate runs them on every machine, hostname and step, and a
// 1,000-machine Envfile spent more in the regexp engine than in the rest
// of the checks (names_test.go holds the expressions and compares).
//
//	name  ^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$
//	user  ^[a-z_][a-z0-9_-]{0,31}$
//	label ^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$
//	env   ^[A-Za-z_][A-Za-z0-9_]*$

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// isName: a machine's, network's or step's name.
func isName(s string) bool {
	if len(s) == 0 || len(s) > 63 || !isAlnum(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// isUser: a Unix user name.
func isUser(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		lower := 'a' <= c && c <= 'z' || c == '_'
		if !lower && (i == 0 || !('0' <= c && c <= '9' || c == '-')) {
			return false
		}
	}
	return true
}

// isLabel: one label of a DNS hostname (RFC 1123).
func isLabel(s string) bool {
	if len(s) == 0 || len(s) > 63 || !isAlnum(s[0]) || !isAlnum(s[len(s)-1]) {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if c := s[i]; !isAlnum(c) && c != '-' {
			return false
		}
	}
	return true
}

// isEnvName: an environment variable's (or an Ansible group's) name.
func isEnvName(s string) bool {
	if len(s) == 0 || '0' <= s[0] && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '_' {
			return false
		}
	}
	return true
}
