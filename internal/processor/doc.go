// Package processor is the KRM function: it finds ZookeeperSpec resources
// in a ResourceList, validates them, and replaces the objects each spec
// generated before with freshly rendered ones. Everything else in the
// stream passes through untouched.
package processor
