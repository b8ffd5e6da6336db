package main

import "fmt"

// oneSpecRows is row 1: the function on one prod-sized spec against the
// identity function and the empty program, and, with -base-bin, another
// build of the function in the same interleaving, so that a before and
// after of a start-up change meet the same machine load.
func (e *env) oneSpecRows() ([]row, error) {
	var rows []row
	var floor stats
	for _, r := range []int{3, 5} {
		in := fmt.Sprintf("spec-%d", r)
		progress("1 spec, %d replicas", r)
		ps := []proc{e.fn(in, in), e.id(in, in), {name: "empty program", path: e.empty, stdin: e.inputs[in]}}
		if e.base != "" {
			ps = append(ps, proc{name: "base " + in, path: e.base, stdin: e.inputs[in]})
		}
		st, err := compare(*flagRuns, ps...)
		if err != nil {
			return nil, err
		}
		floor = st[2]
		rows = append(rows, row{"1", fmt.Sprintf("1 spec, %d replicas", r), faultCell(st[0]), "identity", faultCell(st[1]),
			ratio(st[0].wall, st[1].wall) + " (cpu " + ratio(st[0].cpu, st[1].cpu) + ")", "< 10 ms, < 30 MiB"})
		if e.base != "" {
			rows = append(rows, row{"1", fmt.Sprintf("1 spec, %d replicas, -base-bin", r), faultCell(st[3]), "identity", faultCell(st[1]),
				ratio(st[3].wall, st[1].wall) + " (cpu " + ratio(st[3].cpu, st[1].cpu) + ")", ""})
		}
	}
	return append(rows, row{"1", "process floor: a Go program that does nothing", "", "empty program", faultCell(floor), "", ""}), nil
}

// faultCell is cell with the median of minor page faults: a short run's
// cost on this VM follows the pages it touches.
func faultCell(s stats) string {
	return fmt.Sprintf("%s · %d faults", cell(s), s.faults)
}
