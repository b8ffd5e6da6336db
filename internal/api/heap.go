package api

import (
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/zookeeper-fn/zookeeper-fn/internal/zkprops"
)

// MinHeapMiB is the smallest heap the function renders. ZooKeeper keeps
// the whole tree in the heap and each client connection may buffer up to
// jute.maxbuffer (1 MiB by default); the admin server (Jetty) and the
// metrics provider need a few MiB more. e2e/properties runs a 3-member
// ensemble with every accepted property set at exactly this heap. Below
// it a member starts and then dies of OutOfMemoryError under the first
// real load, which is worse than an error now.
const MinHeapMiB = 64

func (s *Spec) checkHeap(ps *Problems) {
	if h := s.JVM.Heap; h != nil {
		s.checkExplicitHeap(ps, h)
		return
	}
	budget, field := s.memoryBudget(), "spec.resources.limits.memory"
	if budget == nil {
		ps.errorf(field, "is not set, and neither is spec.jvm.heap: the JVM would run on the image's default heap (1000 MB) whatever the pod's memory; set a memory limit (the heap is %d%% of it) or spec.jvm.heap", HeapPercent)
		return
	}
	if _, ok := s.Resources.Limits[corev1.ResourceMemory]; !ok {
		field = "spec.resources.requests.memory"
	}
	if heap := s.HeapMiB(); heap < MinHeapMiB {
		ps.errorf(field, "%s leaves a %dMi heap (%d%%), below the minimum %dMi: use at least %dMi, e.g. 512Mi, or set spec.jvm.heap", budget.String(), heap, HeapPercent, MinHeapMiB, (MinHeapMiB*100+HeapPercent-1)/HeapPercent)
	}
}

var bareNumber = lazyRegexp(`^[0-9]+$`) // compiled on first use: start-up stays lean

func (s *Spec) checkExplicitHeap(ps *Problems, h *resource.Quantity) {
	const field = "spec.jvm.heap"
	switch {
	case h.Sign() <= 0:
		ps.errorf(field, "%s is not a positive size; use e.g. 512Mi or remove it to size the heap from the memory limit", h.String())
	case h.Value() < MinHeapMiB<<20 && bareNumber().MatchString(h.String()):
		ps.errorf(field, "%s is a bare number, which means %s bytes; did you mean %sMi?", h.String(), h.String(), h.String())
	case h.Value() < MinHeapMiB<<20:
		ps.errorf(field, "%s is below the minimum heap %dMi: ZooKeeper keeps its whole tree in the heap; use e.g. 512Mi", h.String(), MinHeapMiB)
	default:
		if m, ok := s.Resources.Limits[corev1.ResourceMemory]; ok && h.Cmp(m) >= 0 {
			ps.errorf(field, "%s does not fit in the memory limit %s: the JVM needs memory beyond the heap and the container would be OOM-killed; use at most %d%% of the limit or remove spec.jvm.heap", h.String(), m.String(), HeapPercent)
		}
	}
}

// heapFlags set or size the heap behind spec.jvm.heap's back: the JVM
// takes the last -Xmx, and the RAM percentages size it from the container.
var heapFlags = []string{"-Xmx", "-XX:MaxHeapSize", "-XX:MaxRAM", "-XX:MinRAM", "-XX:InitialRAM", "-XX:MaxRAMFraction", "-XX:MinRAMFraction", "-XX:InitialRAMFraction"}

// initialHeapFlags may stay as long as they are not above the heap.
var initialHeapFlags = []string{"-Xms", "-XX:InitialHeapSize="}

func (s *Spec) checkFlags(ps *Problems) {
	for i, f := range s.JVM.Flags {
		path := fmt.Sprintf("spec.jvm.flags[%d]", i)
		if strings.ContainsAny(f, "\n\"'`$\\;&|<>(){}*?~") {
			ps.errorf(path, "%q contains quotes, newlines, shell or glob characters, which zkServer.sh would expand (it passes SERVER_JVMFLAGS unquoted); pass one plain JVM flag per entry", f)
			continue
		}
		for _, tok := range strings.Fields(f) {
			s.checkFlag(ps, path, tok)
		}
		if len(strings.Fields(f)) != 1 {
			ps.errorf(path, "%q is not one JVM flag: the shell splits it at the spaces; pass one flag per entry", f)
		}
	}
}

func (s *Spec) checkFlag(ps *Problems, path, tok string) {
	for _, p := range heapFlags {
		if strings.HasPrefix(tok, p) {
			ps.errorf(path, "%q sets the heap; use spec.jvm.heap so the heap is checked against the memory limit", tok)
			return
		}
	}
	for _, p := range initialHeapFlags {
		if v, ok := strings.CutPrefix(tok, p); ok {
			if n, ok := jvmSize(v); !ok || n>>20 > s.HeapMiB() {
				ps.errorf(path, "%q is not an initial heap size within spec.jvm.heap (%dMi); remove it or use e.g. -Xms%dm", tok, s.HeapMiB(), s.HeapMiB())
			}
			return
		}
	}
	if name, ok := strings.CutPrefix(tok, "-D"); ok {
		name, _, _ = strings.Cut(name, "=")
		if p, known := zkprops.BySystemProperty(name); known {
			ps.errorf(path, "%q sets the ZooKeeper property %s; set spec.zookeeper.config[%s] instead, so its value is checked (%s)", tok, p, p, zkprops.DocPath)
		} else if err := zkprops.RefusedSystemProperty(name); err != nil {
			ps.errorf(path, "%q sets a property spec.zookeeper.config refuses: %v", tok, err)
		}
	}
}

// jvmSize parses a JVM size: digits with an optional k, m, g or t suffix.
func jvmSize(v string) (int64, bool) {
	mult := int64(1)
	if n := len(v); n > 0 {
		switch v[n-1] {
		case 'k', 'K':
			mult, v = 1<<10, v[:n-1]
		case 'm', 'M':
			mult, v = 1<<20, v[:n-1]
		case 'g', 'G':
			mult, v = 1<<30, v[:n-1]
		case 't', 'T':
			mult, v = 1<<40, v[:n-1]
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, false
	}
	return n * mult, true
}
