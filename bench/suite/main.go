// Command suite is zookeeper-fn's benchmark suite (`make bench-suite`). It
// builds the identity function (bench/identity) with the same flags as the
// real one, generates the input streams, runs every binary as a separate
// process many times, interleaving the variants of each comparison so that
// a change in the machine's load hits both sides alike, and prints one
// Markdown table of medians: wall time, CPU time (user+sys) and peak RSS
// per process (getrusage of the child).
//
//	go run ./bench/suite -bin bin/zookeeper-fn -kustomize "$KUSTOMIZE"
//
// Nothing here asserts a speed: the targets are printed next to the
// figures. It fails only when a binary fails or an output is wrong.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"
)

var (
	flagBin       = flag.String("bin", envOr("ZKFN_BIN", "bin/zookeeper-fn"), "the function binary under test")
	flagKustomize = flag.String("kustomize", envOr("KUSTOMIZE", "kustomize"), "kustomize binary")
	flagImage     = flag.String("image", envOr("ZKFN_IMAGE", "localhost/zookeeper-fn:dev"), "container image of the function (`make image`)")
	flagRuns      = flag.Int("runs", 21, "runs per variant for small inputs (medians are taken over them)")
	flagLargeRuns = flag.Int("large-runs", 5, "runs per variant for the 10k and 50k streams")
	flagCtrRuns   = flag.Int("container-runs", 7, "runs per variant for the container form")
	flagSizes     = flag.String("sizes", "1000,10000,50000", "sizes of the pass-through streams (unrelated resources + 1 spec)")
	flagKeep      = flag.Bool("keep", false, "keep the work directory (inputs, binaries) and print its path")
	flagBase      = flag.String("base-bin", "", "another build of the function (e.g. `make bench-start`'s build of BENCH_BASE), run in row 1's interleaving beside the one under test")
	flagStartOnly = flag.Bool("start-only", false, "measure row 1 (one spec, against the identity function) and the sizes only")
	flagSnapshot  = flag.String("snapshot", "", "write the function's output for every input and overlay into this directory and exit (diff two snapshots to prove an optimisation changes no byte)")
)

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func main() {
	flag.Parse()
	for _, f := range strings.Split(*flagSizes, ",") {
		var n int
		if _, err := fmt.Sscan(f, &n); err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "bench: -sizes: %q is not a size\n", f)
			os.Exit(2)
		}
		streamSizes = append(streamSizes, n)
	}
	sort.Ints(streamSizes)
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// env is what every measurement needs.
type env struct {
	root, work       string
	bin, identity    string
	base             string // -base-bin, or ""
	empty            string // a Go program that does nothing: the process floor
	kustomize        string
	inputs           map[string]string // name -> ResourceList file
	overlays         []string
	containerPath    []string // extra environment for container functions
	containerProblem string   // why the container form cannot run, if it cannot
}

func run() error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "zkfn-bench-")
	if err != nil {
		return err
	}
	if *flagKeep {
		fmt.Fprintln(os.Stderr, "bench: work directory", work)
	} else {
		defer os.RemoveAll(work)
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		go func() {
			<-sig
			os.RemoveAll(work)
			os.Exit(130)
		}()
	}
	e := &env{root: root, work: work, inputs: map[string]string{}}
	if e.bin, err = filepath.Abs(*flagBin); err != nil {
		return err
	}
	if _, err := os.Stat(e.bin); err != nil {
		return fmt.Errorf("function binary: %w (run make build)", err)
	}
	if *flagBase != "" {
		if e.base, err = filepath.Abs(*flagBase); err != nil {
			return err
		}
		if _, err := os.Stat(e.base); err != nil {
			return fmt.Errorf("-base-bin: %w", err)
		}
	}
	// kustomize finds the function by its bare name on PATH.
	if err := os.MkdirAll(filepath.Join(work, "path"), 0o755); err != nil {
		return err
	}
	if err := os.Symlink(e.bin, filepath.Join(work, "path", "zookeeper-fn")); err != nil {
		return err
	}
	if e.kustomize, err = exec.LookPath(*flagKustomize); err != nil {
		return fmt.Errorf("kustomize: %w (run make tools)", err)
	}
	progress("building the identity function and the empty program")
	e.identity = filepath.Join(work, "bin", "identity")
	e.empty = filepath.Join(work, "bin", "empty")
	for out, pkg := range map[string]string{e.identity: "./bench/identity", e.empty: "./bench/empty"} {
		build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
		build.Dir = root
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if b, err := build.CombinedOutput(); err != nil {
			return fmt.Errorf("building %s: %v\n%s", pkg, err, b)
		}
	}
	progress("generating inputs")
	if err := e.generate(); err != nil {
		return err
	}
	if err := e.copyTree(); err != nil {
		return err
	}
	if *flagSnapshot != "" {
		return e.snapshot(*flagSnapshot)
	}
	return e.measureAll()
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && bytes.Contains(b, []byte("module github.com/zookeeper-fn/zookeeper-fn\n")) {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("not inside the zookeeper-fn repository: %s", dir)
		}
	}
}

// ---------------------------------------------------------------- inputs

const header = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"

// specItem is one ZookeeperSpec as a ResourceList item: the prod overlay's
// spec (data log, required spreading, and the StorageClass when asked:
// only one spec may create it) at the given size.
func specItem(name string, replicas int, createClass bool) string {
	class := `
      storageClass:
        provisioner: ebs.csi.aws.com
        parameters: {type: gp3, iops: "6000", throughput: "250"}
        volumeBindingMode: WaitForFirstConsumer
        allowVolumeExpansion: true`
	if !createClass {
		class = ""
	}
	return fmt.Sprintf(`- apiVersion: zookeeper-fn.dev/v1alpha1
  kind: ZookeeperSpec
  metadata:
    name: %s
    namespace: zookeeper-bench
  spec:
    replicas: %d
    resources:
      requests: {cpu: "1", memory: 4Gi}
      limits: {memory: 4Gi}
    storage:
      className: zookeeper-ssd
      size: 20Gi
      reclaimPolicy: Retain
      dataLog:
        size: 10Gi%s
    placement:
      antiAffinity: required
      zoneSpread: required
`, name, replicas, class)
}

// unrelated is resource i of a stream the function must pass through:
// a rotation of ConfigMaps, Services, Deployments and ServiceAccounts of
// an application, about 20 lines each on average.
func unrelated(w io.Writer, i int) {
	name := fmt.Sprintf("app-%05d", i)
	switch i % 4 {
	case 0:
		fmt.Fprintf(w, `- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: %[1]s
    namespace: apps
    labels: {app: %[1]s, tier: backend}
  data:
    LOG_LEVEL: info
    FEATURE_FLAGS: "a,b,c"
    settings.properties: |
      threads=%[2]d
      cache.size=256
`, name, i%64)
	case 1:
		fmt.Fprintf(w, `- apiVersion: v1
  kind: Service
  metadata:
    name: %[1]s
    namespace: apps
    labels: {app: %[1]s}
  spec:
    selector: {app: %[1]s}
    ports:
    - {name: http, port: 80, targetPort: 8080}
`, name)
	case 2:
		fmt.Fprintf(w, `- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: %[1]s
    namespace: apps
    labels: {app: %[1]s}
    annotations: {team: payments}
  spec:
    replicas: 2
    selector:
      matchLabels: {app: %[1]s}
    template:
      metadata:
        labels: {app: %[1]s}
      spec:
        containers:
        - name: app
          image: registry.example.com/app:1.%[2]d
          ports:
          - {containerPort: 8080, name: http}
          resources:
            requests: {cpu: 100m, memory: 128Mi}
`, name, i%100)
	default:
		fmt.Fprintf(w, `- apiVersion: v1
  kind: ServiceAccount
  metadata:
    name: %[1]s
    namespace: apps
`, name)
	}
}

func (e *env) write(name string, body func(w io.Writer)) error {
	path := filepath.Join(e.work, "in", name+".yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	io.WriteString(w, header)
	body(w)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	e.inputs[name] = path
	return f.Close()
}

// Stream sizes of the pass-through comparison (-sizes).
var streamSizes []int

func streamName(n int) string { return "stream-" + kilo(n) }

// kilo writes 50000 as 50k.
func kilo(n int) string {
	if n%1000 == 0 {
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

func (e *env) generate() error {
	for _, r := range []int{3, 5} {
		if err := e.write(fmt.Sprintf("spec-%d", r), func(w io.Writer) { io.WriteString(w, specItem("zk", r, true)) }); err != nil {
			return err
		}
	}
	for _, n := range streamSizes {
		if err := e.write(streamName(n), func(w io.Writer) {
			for i := 0; i < n; i++ {
				unrelated(w, i)
				if i == n/2 {
					io.WriteString(w, specItem("zk", 5, true))
				}
			}
		}); err != nil {
			return err
		}
	}
	return e.write("specs-100", func(w io.Writer) {
		for i := 0; i < 100; i++ {
			io.WriteString(w, specItem(fmt.Sprintf("zk%03d", i), 3+2*(i%2), i == 0))
		}
	})
}

// copyTree copies base/ and overlays/ into the work directory, so that the
// end-to-end runs never write into the checkout, and prepares the
// container form and the already-rendered floor.
func (e *env) copyTree() error {
	for _, dir := range []string{"base", "overlays"} {
		cp := exec.Command("cp", "-r", filepath.Join(e.root, dir), filepath.Join(e.work, "exec", dir))
		if err := os.MkdirAll(filepath.Join(e.work, "exec"), 0o755); err != nil {
			return err
		}
		if out, err := cp.CombinedOutput(); err != nil {
			return fmt.Errorf("copying %s: %v\n%s", dir, err, out)
		}
	}
	ents, err := os.ReadDir(filepath.Join(e.root, "overlays"))
	if err != nil {
		return err
	}
	for _, d := range ents {
		if d.IsDir() {
			e.overlays = append(e.overlays, d.Name())
		}
	}
	return nil
}

// ---------------------------------------------------------- measurement

// sample is one process run.
type sample struct {
	wall, cpu time.Duration
	rssKiB    int64
	faults    int64 // minor page faults: on this VM each costs microseconds
}

// proc is one way of running a process on an input.
type proc struct {
	name  string
	path  string
	args  []string
	stdin string // file, or "" for none
	dir   string
	env   []string
}

func (p proc) run(stdout io.Writer) (sample, error) {
	cmd := exec.Command(p.path, p.args...)
	cmd.Dir = p.dir
	cmd.Env = append(os.Environ(), p.env...)
	if p.stdin != "" {
		f, err := os.Open(p.stdin)
		if err != nil {
			return sample{}, err
		}
		defer f.Close()
		cmd.Stdin = f
	}
	if stdout == nil {
		null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return sample{}, err
		}
		defer null.Close()
		cmd.Stdout = null
	} else {
		cmd.Stdout = stdout
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return sample{}, fmt.Errorf("%s: %v\n%s", p.name, err, tail(stderr.String()))
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return sample{wall: wall, cpu: cpu, rssKiB: ru.Maxrss, faults: ru.Minflt}, nil
}

func tail(s string) string {
	if len(s) > 2000 {
		return "..." + s[len(s)-2000:]
	}
	return s
}

// stats are the medians of one variant.
type stats struct {
	wall, cpu time.Duration
	rssKiB    int64
	faults    int64
	runs      int
}

// compare runs each variant runs times (after one warm-up run each),
// rotating the order every round, and returns the medians in order.
func compare(runs int, ps ...proc) ([]stats, error) {
	all := make([][]sample, len(ps))
	for _, p := range ps {
		if _, err := p.run(nil); err != nil {
			return nil, err
		}
	}
	for r := 0; r < runs; r++ {
		for k := range ps {
			i := (k + r) % len(ps)
			s, err := ps[i].run(nil)
			if err != nil {
				return nil, err
			}
			all[i] = append(all[i], s)
		}
	}
	out := make([]stats, len(ps))
	for i, ss := range all {
		out[i] = medians(ss)
	}
	return out, nil
}

func medians(ss []sample) stats {
	walls := make([]float64, len(ss))
	cpus := make([]float64, len(ss))
	rss := make([]float64, len(ss))
	faults := make([]float64, len(ss))
	for i, s := range ss {
		walls[i], cpus[i], rss[i], faults[i] = float64(s.wall), float64(s.cpu), float64(s.rssKiB), float64(s.faults)
	}
	return stats{wall: time.Duration(median(walls)), cpu: time.Duration(median(cpus)), rssKiB: int64(median(rss)), faults: int64(median(faults)), runs: len(ss)}
}

func median(v []float64) float64 {
	sort.Float64s(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// ------------------------------------------------------------------ table

type row struct {
	no, what      string
	ours          string
	baselineName  string
	baseline      string
	ratio, target string
}

func ms(d time.Duration) string {
	f := float64(d) / float64(time.Millisecond)
	switch {
	case f >= 1000:
		return fmt.Sprintf("%.2f s", f/1000)
	case f >= 100:
		return fmt.Sprintf("%.0f ms", f)
	case f >= 10:
		return fmt.Sprintf("%.1f ms", f)
	}
	return fmt.Sprintf("%.2f ms", f)
}

func mib(kib int64) string { return fmt.Sprintf("%.1f MiB", float64(kib)/1024) }

func mb(bytes int64) string { return fmt.Sprintf("%.1f MB", float64(bytes)/1e6) }

// cell is "wall · cpu · RSS".
func cell(s stats) string {
	return fmt.Sprintf("%s · cpu %s · %s", ms(s.wall), ms(s.cpu), mib(s.rssKiB))
}

func ratio(a, b time.Duration) string { return fmt.Sprintf("%.2f", float64(a)/float64(b)) }

func (e *env) fn(name, input string) proc {
	return proc{name: "zookeeper-fn " + name, path: e.bin, stdin: e.inputs[input]}
}

func (e *env) id(name, input string) proc {
	return proc{name: "identity " + name, path: e.identity, stdin: e.inputs[input]}
}

func (e *env) measureAll() error {
	load0 := loadavg()
	started := time.Now()

	// 1. One spec, with the floor of any process beside it.
	rows, err := e.oneSpecRows()
	if err != nil {
		return err
	}
	if *flagStartOnly {
		sizes, err := e.sizeRows()
		if err != nil {
			return err
		}
		e.printResults(append(rows, sizes...), load0, started)
		return nil
	}

	// 2. Unrelated resources plus one spec.
	byN := map[int][]stats{}
	for _, n := range streamSizes {
		in := streamName(n)
		runs := *flagRuns
		if n >= 10000 {
			runs = *flagLargeRuns
		}
		progress("%s unrelated resources + 1 spec (%d runs)", kilo(n), runs)
		st, err := compare(runs, e.fn(in, in), e.id(in, in))
		if err != nil {
			return err
		}
		byN[n] = st
		rows = append(rows, row{"2", fmt.Sprintf("%s unrelated resources + 1 spec", kilo(n)), cell(st[0]), "identity", cell(st[1]),
			ratio(st[0].wall, st[1].wall) + " (cpu " + ratio(st[0].cpu, st[1].cpu) + ")", "ratio ≤ 1.2"})
	}
	if n := len(streamSizes); n >= 2 {
		big, small := streamSizes[n-1], streamSizes[n-2]
		g, h := byN[big], byN[small]
		rows = append(rows, row{"2", fmt.Sprintf("growth %s / %s (size x%.1f)", kilo(big), kilo(small), float64(big)/float64(small)), fmt.Sprintf("%.2fx (cpu %.2fx)", float64(g[0].wall)/float64(h[0].wall), float64(g[0].cpu)/float64(h[0].cpu)),
			"identity", fmt.Sprintf("%.2fx (cpu %.2fx)", float64(g[1].wall)/float64(h[1].wall), float64(g[1].cpu)/float64(h[1].cpu)), "", "≤ 5.5x for 50k / 10k"})
	}

	// 3. 100 specs in one stream.
	progress("100 specs in one stream")
	st, err := compare(*flagRuns, e.fn("100 specs", "specs-100"), e.id("100 specs", "specs-100"), e.fn("1 spec", "spec-5"))
	if err != nil {
		return err
	}
	per := (st[0].wall - st[2].wall) / 99
	perCPU := (st[0].cpu - st[2].cpu) / 99
	rows = append(rows, row{"3", "100 specs in one stream", cell(st[0]), "identity", cell(st[1]),
		ratio(st[0].wall, st[1].wall) + " (cpu " + ratio(st[0].cpu, st[1].cpu) + ")", ""})
	rows = append(rows, row{"3", "per ensemble: (100 specs − 1 spec) / 99", fmt.Sprintf("%s · cpu %s", ms(per), ms(perCPU)), "", "", "", ""})

	// 4. End to end through kustomize.
	rows4, err := e.endToEnd()
	if err != nil {
		return err
	}
	rows = append(rows, rows4...)

	// 5. Sizes.
	sizes, err := e.sizeRows()
	if err != nil {
		return err
	}
	e.printResults(append(rows, sizes...), load0, started)
	return nil
}

func (e *env) sizeRows() ([]row, error) {
	bs, err := fileSize(e.bin)
	if err != nil {
		return nil, err
	}
	is, err := fileSize(e.identity)
	if err != nil {
		return nil, err
	}
	rows := []row{{"5", "binary size (-s -w, static)", mb(bs), "identity", mb(is), fmt.Sprintf("%.2f", float64(bs)/float64(is)), ""}}
	if e.base != "" {
		if bb, err := fileSize(e.base); err == nil {
			rows = append(rows, row{"5", "binary size, -base-bin", mb(bb), "identity", mb(is), fmt.Sprintf("%.2f", float64(bb)/float64(is)), ""})
		}
	}
	return append(rows, e.imageRow()), nil
}

func (e *env) printResults(rows []row, load0 string, started time.Time) {
	fmt.Printf("zookeeper-fn benchmark: %s, %s, %s, %d CPUs, load %s at start and %s at end, %s; medians of %d runs (streams of 10k and more: %d, container: %d) after a warm-up run, variants interleaved\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), gitDescribe(e.root), runtime.Version(), runtime.NumCPU(), load0, loadavg(), time.Since(started).Round(time.Second),
		*flagRuns, *flagLargeRuns, *flagCtrRuns)
	printTable(rows)
}

func printTable(rows []row) {
	head := []string{"#", "measurement", "zookeeper-fn: wall · cpu · peak RSS", "baseline", "baseline: wall · cpu · peak RSS", "ratio wall (cpu)", "target"}
	cells := [][]string{head}
	for _, r := range rows {
		cells = append(cells, []string{r.no, r.what, r.ours, r.baselineName, r.baseline, r.ratio, r.target})
	}
	width := make([]int, len(head))
	for _, c := range cells {
		for i, s := range c {
			if n := len([]rune(s)); n > width[i] {
				width[i] = n
			}
		}
	}
	line := func(c []string) {
		var b strings.Builder
		b.WriteString("|")
		for i, s := range c {
			b.WriteString(" " + s + strings.Repeat(" ", width[i]-len([]rune(s))) + " |")
		}
		fmt.Println(b.String())
	}
	line(cells[0])
	sep := make([]string, len(head))
	for i := range sep {
		sep[i] = strings.Repeat("-", width[i])
	}
	line(sep)
	for _, c := range cells[1:] {
		line(c)
	}
}

func fileSize(p string) (int64, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

func gitDescribe(root string) string {
	out, err := exec.Command("git", "-C", root, "describe", "--tags", "--always", "--dirty").Output()
	if err != nil {
		return "unknown commit"
	}
	return "commit " + strings.TrimSpace(string(out))
}

// -------------------------------------------------------------- end to end

// pathWith puts dir first on PATH.
func pathWith(dirs ...string) string {
	return "PATH=" + strings.Join(append(dirs, os.Getenv("PATH")), string(os.PathListSeparator))
}

// kustomizeProc builds an overlay of a tree with the function on PATH.
func (e *env) kustomizeProc(name, tree, overlay string, extraEnv []string, flags ...string) proc {
	args := append([]string{"build"}, flags...)
	args = append(args, filepath.Join(tree, "overlays", overlay))
	return proc{name: name, path: e.kustomize, args: args, env: append([]string{pathWith(filepath.Join(e.work, "path"))}, extraEnv...)}
}

var execFlags = []string{"--enable-alpha-plugins", "--enable-exec"}

func (e *env) endToEnd() ([]row, error) {
	execTree := filepath.Join(e.work, "exec")
	withFn := e.kustomizeProc("kustomize build with the exec function", execTree, "prod", nil, execFlags...)
	var rendered bytes.Buffer
	if _, err := withFn.run(&rendered); err != nil {
		return nil, err
	}
	// The floor: the same manifests, already rendered, through kustomize
	// with no function. Its output must equal the function's.
	floorDir := filepath.Join(e.work, "floor", "overlays", "prod")
	if err := os.MkdirAll(floorDir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(floorDir, "rendered.yaml"), rendered.Bytes(), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(floorDir, "kustomization.yaml"), []byte("resources:\n- rendered.yaml\n"), 0o644); err != nil {
		return nil, err
	}
	floor := e.kustomizeProc("kustomize build of the rendered output", filepath.Join(e.work, "floor"), "prod", nil)
	var floorOut bytes.Buffer
	if _, err := floor.run(&floorOut); err != nil {
		return nil, err
	}
	if !bytes.Equal(floorOut.Bytes(), rendered.Bytes()) {
		return nil, errors.New("kustomize build of the rendered output differs from the build with the function: the floor would not be the same work")
	}
	progress("kustomize build overlays/prod: exec function vs already rendered")
	st, err := compare(*flagRuns, withFn, floor)
	if err != nil {
		return nil, err
	}
	rows := []row{{"4", "kustomize build overlays/prod, exec function", ms(st[0].wall) + " · cpu " + ms(st[0].cpu) + " (kustomize)", "rendered, no function (floor)",
		ms(st[1].wall) + " · cpu " + ms(st[1].cpu), ratio(st[0].wall, st[1].wall), ""}}

	ctr, err := e.containerRow(withFn, rendered.Bytes())
	if err != nil {
		return nil, err
	}
	return append(rows, ctr), nil
}

// engine finds a container engine and the environment kustomize needs to
// run container functions with it (hack/image/engine.sh: podman behind a
// `docker` shim where no Docker engine answers). It installs nothing: with
// no engine on the machine there can be no image either.
func (e *env) engine() (string, []string, error) {
	_, errD := exec.LookPath("docker")
	_, errP := exec.LookPath("podman")
	if errD != nil && errP != nil {
		return "", nil, errors.New("no container engine on this machine")
	}
	script := filepath.Join(e.root, "hack", "image", "engine.sh")
	if _, err := os.Stat(script); err != nil {
		return "", nil, errors.New("hack/image/engine.sh is missing")
	}
	out, err := exec.Command(script).Output()
	if err != nil {
		return "", nil, fmt.Errorf("hack/image/engine.sh: %v", err)
	}
	var envs []string
	vars := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		kv, ok := strings.CutPrefix(strings.TrimSpace(l), "export ")
		if !ok {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
		if k == "CONTAINERS_CONF" {
			envs = append(envs, kv)
		}
	}
	engine := vars["ZKFN_ENGINE"]
	if shim := vars["ZKFN_DOCKER_SHIM"]; shim != "" {
		envs = append(envs, pathWith(shim, filepath.Join(e.work, "path")))
	}
	return engine, envs, nil
}

func (e *env) containerRow(execProc proc, rendered []byte) (row, error) {
	r := row{no: "4", what: "kustomize build overlays/prod, container function", baselineName: "exec function", target: ""}
	engine, envs, err := e.engine()
	if err != nil {
		r.ours = "not measured: " + err.Error()
		return r, nil
	}
	if err := exec.Command(engine, "image", "inspect", *flagImage).Run(); err != nil {
		r.ours = fmt.Sprintf("not measured: image %s not built (make image)", *flagImage)
		return r, nil
	}
	// The same tree with the function run from the image.
	tree := filepath.Join(e.work, "container")
	if out, err := exec.Command("cp", "-r", filepath.Join(e.work, "exec"), tree).CombinedOutput(); err != nil {
		return r, fmt.Errorf("copying the tree: %v\n%s", err, out)
	}
	fnFile := filepath.Join(tree, "base", "function", "function.yaml")
	b, err := os.ReadFile(fnFile)
	if err != nil {
		return r, err
	}
	execAnno := "      exec:\n        path: zookeeper-fn\n"
	if !bytes.Contains(b, []byte(execAnno)) {
		return r, fmt.Errorf("%s: no exec annotation to replace", fnFile)
	}
	b = bytes.Replace(b, []byte(execAnno), []byte(fmt.Sprintf("      container:\n        image: %s\n        network: false\n", *flagImage)), 1)
	if err := os.WriteFile(fnFile, b, 0o644); err != nil {
		return r, err
	}
	ctr := e.kustomizeProc("kustomize build with the container function", tree, "prod", envs, "--enable-alpha-plugins")
	var out bytes.Buffer
	if _, err := ctr.run(&out); err != nil {
		return r, err
	}
	if !bytes.Equal(out.Bytes(), rendered) {
		// Comparing two different builds would measure nothing useful.
		r.ours = fmt.Sprintf("not measured: %s renders other bytes than the exec binary (built from another commit? make image)", *flagImage)
		return r, nil
	}
	progress("kustomize build overlays/prod: container vs exec function (%s)", engine)
	st, err := compare(*flagCtrRuns, ctr, execProc)
	if err != nil {
		return r, err
	}
	r.ours = ms(st[0].wall) + " · cpu " + ms(st[0].cpu) + " (kustomize, " + engine + ")"
	r.baseline = ms(st[1].wall) + " · cpu " + ms(st[1].cpu)
	r.ratio = ratio(st[0].wall, st[1].wall)
	return r, nil
}

func (e *env) imageRow() row {
	r := row{no: "5", what: "image size", target: ""}
	engine, _, err := e.engine()
	if err != nil {
		r.ours = "not measured: " + err.Error()
		return r
	}
	out, err := exec.Command(engine, "image", "inspect", "--format", "{{.Size}}", *flagImage).Output()
	if err != nil {
		r.ours = fmt.Sprintf("not measured: image %s not built (make image)", *flagImage)
		return r
	}
	var size int64
	if _, err := fmt.Sscan(strings.TrimSpace(string(out)), &size); err != nil {
		r.ours = "not measured: " + err.Error()
		return r
	}
	r.ours = mb(size) + " (" + *flagImage + ")"
	return r
}

// ---------------------------------------------------------------- snapshot

// snapshot writes the function's output for every generated input and
// every overlay, so that two builds can be compared byte for byte.
func (e *env) snapshot(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	names := make([]string, 0, len(e.inputs))
	for n := range e.inputs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		var out bytes.Buffer
		if _, err := e.fn(n, n).run(&out); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, n+".yaml"), out.Bytes(), 0o644); err != nil {
			return err
		}
	}
	for _, o := range e.overlays {
		var out bytes.Buffer
		if _, err := e.kustomizeProc("kustomize build "+o, filepath.Join(e.work, "exec"), o, nil, execFlags...).run(&out); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "overlay-"+o+".yaml"), out.Bytes(), 0o644); err != nil {
			return err
		}
	}
	progress("wrote %d outputs to %s", len(names)+len(e.overlays), dir)
	return nil
}
