//go:build e2e

package zkrun

import (
	"bufio"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// ZooCfg is a parsed zoo.cfg.
type ZooCfg struct {
	// Raw is the file byte for byte, as rendered.
	Raw string
	// ConfigMap is the name of the ConfigMap that holds it.
	ConfigMap string
	// Servers are its server.X lines, by id.
	Servers []Server
	// Values maps every key to its last value, as java.util.Properties
	// (and so ZooKeeper) reads the file.
	Values map[string]string
}

// Server is one server.X line.
type Server struct {
	Raw      string // the line as rendered
	ID       int
	Host     string
	Quorum   int
	Election int
	Role     string // participant (the default) or observer
	Client   string // "[address:]port" after ';', if any
}

// ParseZooCfg parses zoo.cfg's key=value lines and its server.X lines.
func ParseZooCfg(cfg string) (ZooCfg, error) {
	z := ZooCfg{Raw: cfg, Values: map[string]string{}}
	sc := bufio.NewScanner(strings.NewReader(cfg))
	for sc.Scan() {
		line := sc.Text()
		trim := strings.TrimSpace(line)
		if trim == "" || strings.HasPrefix(trim, "#") {
			continue
		}
		k, v, ok := strings.Cut(trim, "=")
		if !ok {
			return z, fmt.Errorf("zoo.cfg: line %q is not key=value", line)
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		z.Values[k] = v
		if strings.HasPrefix(k, "server.") {
			s, err := parseServer(line, k, v)
			if err != nil {
				return z, err
			}
			z.Servers = append(z.Servers, s)
		}
	}
	sort.SliceStable(z.Servers, func(a, b int) bool { return z.Servers[a].ID < z.Servers[b].ID })
	return z, nil
}

// parseServer reads server.<id>=<host>:<quorum>:<election>[:<role>][;[<addr>:]<port>].
func parseServer(line, k, v string) (Server, error) {
	s := Server{Raw: line, Role: "participant"}
	var err error
	if s.ID, err = strconv.Atoi(strings.TrimPrefix(k, "server.")); err != nil {
		return s, fmt.Errorf("zoo.cfg: %q: server id is not a number", line)
	}
	addr, client, _ := strings.Cut(v, ";")
	s.Client = client
	parts := strings.Split(addr, ":")
	if len(parts) < 3 || len(parts) > 4 {
		return s, fmt.Errorf("zoo.cfg: %q: want host:quorumPort:electionPort[:role]", line)
	}
	s.Host = parts[0]
	if s.Quorum, err = strconv.Atoi(parts[1]); err != nil {
		return s, fmt.Errorf("zoo.cfg: %q: quorum port: %v", line, err)
	}
	if s.Election, err = strconv.Atoi(parts[2]); err != nil {
		return s, fmt.Errorf("zoo.cfg: %q: election port: %v", line, err)
	}
	if len(parts) == 4 {
		s.Role = parts[3]
	}
	return s, nil
}

// ClientPort is the port clients and probes use: the server lines'
// ";port" part, else clientPort=.
func (z ZooCfg) ClientPort() (int, error) {
	spec := ""
	if len(z.Servers) > 0 {
		spec = z.Servers[0].Client
	}
	if spec == "" {
		spec = z.Values["clientPort"]
	}
	if spec == "" {
		// Plaintext closed (spec.security): clients and 4lw use TLS.
		spec = z.Values["secureClientPort"]
	}
	if i := strings.LastIndex(spec, ":"); i >= 0 {
		spec = spec[i+1:]
	}
	p, err := strconv.Atoi(spec)
	if err != nil {
		return 0, fmt.Errorf("zoo.cfg names no client port (server.X ;port or clientPort=)")
	}
	return p, nil
}

// Whitelist is the set of 4lw.commands.whitelist entries.
func (z ZooCfg) Whitelist() map[string]bool {
	w := map[string]bool{}
	for _, c := range strings.Split(z.Values["4lw.commands.whitelist"], ",") {
		if c = strings.TrimSpace(c); c != "" {
			w[c] = true
		}
	}
	return w
}
