// Package consistency is the function's validator mode: it checks a
// rendered stream for what transformations applied after the function can
// break (names, namespaces, replica counts, selectors, storage classes) and
// reports each inconsistency as a KRM result on the object and field.
package consistency
