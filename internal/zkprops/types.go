package zkprops

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Type checks a value and describes what it accepts.
type Type interface {
	// Check returns nil or what is wrong with v, e.g. "is not an integer".
	Check(v string) error
	// String describes the type and its range for the docs and errors.
	String() string
}

// Integer is a decimal integer in [Min, Max]; Unit is documentation only
// ("ms", "bytes", "KiB", ...). ZooKeeper reads these with Integer.parseInt
// or Long.parseLong, so signs other than '-', spaces and suffixes are out.
type Integer struct {
	Min, Max int64
	Unit     string
}

// The expressions of this package compile on first use: only a spec that
// sets spec.zookeeper.config needs them, and compiling them at start-up
// cost every run of the function.
var decimal = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^-?[0-9]{1,19}$`) })

func (t Integer) Check(v string) error {
	n, err := strconv.ParseInt(v, 10, 64)
	if !decimal().MatchString(v) || err != nil || n < t.Min || n > t.Max {
		return fmt.Errorf("is not %s", t)
	}
	return nil
}

func (t Integer) String() string {
	s := fmt.Sprintf("an integer from %d to %d", t.Min, t.Max)
	if t.Unit != "" {
		s += " (" + t.Unit + ")"
	}
	return s
}

// Decimal is a plain decimal number in [Min, Max] (Double.parseDouble;
// exponents and NaN are refused).
type Decimal struct{ Min, Max float64 }

var plainDecimal = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^-?[0-9]{1,9}(\.[0-9]{1,9})?$`) })

func (t Decimal) Check(v string) error {
	f, err := strconv.ParseFloat(v, 64)
	if !plainDecimal().MatchString(v) || err != nil || f < t.Min || f > t.Max {
		return fmt.Errorf("is not %s", t)
	}
	return nil
}

func (t Decimal) String() string {
	return fmt.Sprintf("a decimal number from %s to %s", fmtFloat(t.Min), fmtFloat(t.Max))
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// Enum is one of Values, compared exactly. ZooKeeper's booleans are enums:
// Boolean.parseBoolean reads "true" (anything else is false, so a typo
// silently means false) and a few properties compare with "yes".
type Enum []string

// Bool is the Enum of Boolean.parseBoolean's spelling; YesNo of the
// properties that ZooKeeper compares with "yes" or "no".
var (
	Bool  = Enum{"true", "false"}
	YesNo = Enum{"yes", "no"}
)

func (t Enum) Check(v string) error {
	for _, s := range t {
		if v == s {
			return nil
		}
	}
	return fmt.Errorf("is not %s", t)
}

func (t Enum) String() string {
	if len(t) == 1 {
		return fmt.Sprintf("%q", t[0])
	}
	q := make([]string, len(t))
	for i, s := range t {
		q[i] = strconv.Quote(s)
	}
	return "one of " + strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// URLPath is an absolute URL path of letters, digits, '-', '_' and '/'.
type URLPath struct{}

var urlPath = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^/[A-Za-z0-9_/-]{0,63}$`) })

func (URLPath) Check(v string) error {
	if !urlPath().MatchString(v) {
		return fmt.Errorf("is not %s", URLPath{})
	}
	return nil
}

func (URLPath) String() string {
	return "a URL path such as /commands (letters, digits, '-', '_', '/')"
}

// IPAddress is a literal IPv4 or IPv6 address (no host names: the member
// binds it before DNS knows the pod).
type IPAddress struct{}

func (IPAddress) Check(v string) error {
	if a, err := netip.ParseAddr(v); err != nil || a.Zone() != "" || a.String() != v {
		return fmt.Errorf("is not %s", IPAddress{})
	}
	return nil
}

func (IPAddress) String() string { return "an IP address such as 0.0.0.0" }
