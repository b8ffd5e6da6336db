// Package zkprops is the model of ZooKeeper's server properties: which
// exist, their types and ranges, and where each takes effect (a zoo.cfg key
// that QuorumPeerConfig parses, a zoo.cfg key that ZooKeeper turns into the
// system property zookeeper.<key>, or a -D flag on the server's JVM), plus
// the keys the function refuses and why. zoo.cfg and the JVM flags are
// written from this model only, with java.util.Properties escaping.
package zkprops
