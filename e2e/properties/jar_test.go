//go:build e2e

package properties

import (
	"archive/zip"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/zookeeper-fn/zookeeper-fn/internal/zkprops"
)

// serverJars are Debian's ZooKeeper 3.8.0 server classes.
var serverJars = []string{"/usr/share/java/zookeeper.jar", "/usr/share/java/zookeeper-jute.jar"}

// TestServerReadsEveryProperty: the name each accepted property reaches
// the server under (its zoo.cfg key for QuorumPeerConfig, its system
// property otherwise) is a string constant of the server's classes, so
// something reads it; and the keys refused as "3.9 only" are not.
func TestServerReadsEveryProperty(t *testing.T) {
	names := map[string]bool{}
	for _, strs := range serverClasses(t) {
		for s := range strs {
			names[s] = true
		}
	}
	for _, p := range zkprops.Accepted() {
		name := p.System
		if p.Place == zkprops.Config {
			name = p.Key()
		}
		if !names[name] {
			t.Errorf("%s: ZooKeeper 3.8.0's classes never name %q: nothing would read it", p.Name, name)
		}
	}
	for _, r := range zkprops.Refused() {
		if r.Reason == zkprops.NotIn38 && (names[r.Name] || names["zookeeper."+r.Name]) {
			t.Errorf("%s is refused as 3.9-only, but 3.8.0's classes name it: accept and prove it", r.Name)
		}
	}
}

// serverClasses maps each class of the server's jars (binary name, e.g.
// org.apache.zookeeper.server.ZooKeeperServer) to its string constants.
func serverClasses(t *testing.T) map[string]map[string]bool {
	t.Helper()
	classes := map[string]map[string]bool{}
	for _, j := range serverJars {
		if err := jarStrings(j, classes); err != nil {
			t.Fatalf("%s: %v (run hack/zookeeper/install.sh)", j, err)
		}
	}
	return classes
}

// jarStrings adds the CONSTANT_Utf8 entries of each of the jar's classes.
func jarStrings(jar string, classes map[string]map[string]bool) error {
	z, err := zip.OpenReader(jar)
	if err != nil {
		return err
	}
	defer z.Close()
	for _, f := range z.File {
		if !strings.HasSuffix(f.Name, ".class") {
			continue
		}
		r, err := f.Open()
		if err != nil {
			return err
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return err
		}
		names := map[string]bool{}
		if err := constants(b, names); err != nil {
			return fmt.Errorf("%s: %v", f.Name, err)
		}
		classes[strings.ReplaceAll(strings.TrimSuffix(f.Name, ".class"), "/", ".")] = names
	}
	return nil
}

// constants walks a class file's constant pool (JVMS 4.4).
func constants(b []byte, names map[string]bool) error {
	if len(b) < 10 || binary.BigEndian.Uint32(b) != 0xCAFEBABE {
		return fmt.Errorf("not a class file")
	}
	count, off := int(binary.BigEndian.Uint16(b[8:])), 10
	for i := 1; i < count; i++ {
		if off >= len(b) {
			return fmt.Errorf("truncated constant pool")
		}
		switch tag := b[off]; tag {
		case 1:
			n := int(binary.BigEndian.Uint16(b[off+1:]))
			names[string(b[off+3:off+3+n])] = true
			off += 3 + n
		case 3, 4, 9, 10, 11, 12, 17, 18:
			off += 5
		case 5, 6:
			off += 9
			i++
		case 7, 8, 16, 19, 20:
			off += 3
		case 15:
			off += 4
		default:
			return fmt.Errorf("constant tag %d", tag)
		}
	}
	return nil
}
