// Command empty does nothing. The benchmark suite runs it as the floor of
// any process on the machine: what exec, the Go runtime's start and exit
// cost before any code of the function or of kyaml runs.
package main

func main() {}
