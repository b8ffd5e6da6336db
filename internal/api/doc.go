// Package api holds the ZookeeperSpec resource: its Go types, the defaults
// the function fills in, and the validation that turns bad input into
// errors that name the field and the fix.
package api
