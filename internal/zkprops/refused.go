package zkprops

const (
	issue15    = "spec.security renders TLS and authentication together with the key stores, trust stores and JAAS file they need (docs/security.md)"
	noObserver = "it tunes observers (spec.observers), and no suite proves its effect on them on a real server yet; observers run with ZooKeeper's default"
	static     = "(static membership; see the README on scaling)"
)

// refused are the keys spec.zookeeper.config refuses, with the reason.
var refused = []Refusal{
	// Rendered from spec fields.
	{Name: "tickTime", Use: "spec.zookeeper.tickTime"},
	{Name: "initLimit", Use: "spec.zookeeper.initLimit"},
	{Name: "syncLimit", Use: "spec.zookeeper.syncLimit"},
	{Name: "maxClientCnxns", Use: "spec.zookeeper.maxClientCnxns"},
	{Name: "dataDir", Use: "spec.storage"},
	{Name: "dataLogDir", Use: "spec.storage.dataLog"},
	{Name: "clientPort", Use: "(fixed at 2181)"},
	{Name: "clientPortAddress", Use: "(the client port listens on every address: probes and server.X lines rely on it)"},
	{Name: "autopurge.snapRetainCount", Use: "spec.zookeeper.autopurge.snapRetainCount"},
	{Name: "peerType", Use: "spec.observers (observers run with peerType=observer, voters as participants)"},
	{Name: "autopurge.purgeInterval", Use: "spec.zookeeper.autopurge.purgeInterval"},
	{Name: "4lw.commands.whitelist", Use: "spec.zookeeper.fourLetterWords"},
	{Name: "admin.enableServer", Use: "spec.zookeeper.adminServer.enabled"},
	{Name: "admin.serverPort", Use: "spec.zookeeper.adminServer.port"},
	{Name: "metricsProvider.", Prefix: true, Use: "spec.zookeeper.metrics"},
	{Name: "localSessionsEnabled", Use: "spec.zookeeper.readOnlyMode"},
	{Name: "localSessionsUpgradingEnabled", Use: "spec.zookeeper.readOnlyMode"},
	{Name: "readonlymode.enabled", Use: "spec.zookeeper.readOnlyMode"},
	{Name: "standaloneEnabled", Use: "spec.replicas"},
	{Name: "reconfigEnabled", Use: static},
	{Name: "dynamicConfigFile", Use: static},
	{Name: "quorumListenOnAllIPs", Use: "(always true: a member must bind before its own DNS record exists)"},
	{Name: "server.", Prefix: true, Use: "spec.replicas (server.X lines follow the StatefulSet's ordinals)"},
	{Name: "group.", Prefix: true, Use: "spec.replicas (hierarchical quorums are not rendered)"},
	{Name: "weight.", Prefix: true, Use: "spec.replicas (hierarchical quorums are not rendered)"},

	// TLS, SASL and authentication providers: issue 15.
	{Name: "ssl.", Prefix: true, Reason: Secured, Use: issue15},
	{Name: "sslQuorum", Reason: Secured, Use: issue15},
	{Name: "sslQuorumReloadCertFiles", Reason: Secured, Use: issue15 + " (always true with spec.security.tls)"},
	{Name: "secureClientPort", Reason: Secured, Use: issue15},
	{Name: "secureClientPortAddress", Reason: Secured, Use: issue15},
	{Name: "portUnification", Reason: Secured, Use: issue15},
	{Name: "client.portUnification", Reason: Secured, Use: issue15},
	{Name: "client.certReload", Reason: Secured, Use: issue15 + " (true with spec.security.tls.client)"},
	{Name: "serverCnxnFactory", Reason: Secured, Use: issue15 + " (Netty is needed for TLS on the client port)"},
	{Name: "netty.", Prefix: true, Reason: Secured, Use: issue15 + " (Netty settings do nothing without serverCnxnFactory)"},
	{Name: "advancedFlowControlEnabled", Reason: Secured, Use: issue15 + " (Netty settings do nothing without serverCnxnFactory)"},
	{Name: "quorum.auth.", Prefix: true, Reason: Secured, Use: issue15 + " (set spec.security.quorumSasl)"},
	{Name: "quorum.cnxn.threads.size", Reason: Secured, Use: issue15 + " (only used with quorum SASL)"},
	{Name: "authProvider", Prefix: true, Reason: Secured, Use: issue15},
	{Name: "DigestAuthenticationProvider.", Prefix: true, Reason: Secured, Use: issue15},
	{Name: "X509AuthenticationProvider.", Prefix: true, Reason: Secured, Use: issue15},
	{Name: "IPAuthenticationProvider.", Prefix: true, Reason: Secured, Use: issue15},
	{Name: "superUser", Reason: Secured, Use: issue15},
	{Name: "ensembleAuthName", Reason: Secured, Use: issue15},
	{Name: "sessionRequireClientSASLAuth", Reason: Secured, Use: issue15},
	{Name: "enforce.auth.", Prefix: true, Reason: Secured, Use: issue15},
	{Name: "kerberos.", Prefix: true, Reason: Secured, Use: issue15},
	{Name: "admin.needClientAuth", Reason: Secured, Use: issue15},
	{Name: "admin.forceHttps", Reason: Secured, Use: issue15},
	{Name: "admin.portUnification", Reason: Secured, Use: issue15},
	{Name: "fips-mode", Reason: Secured, Use: issue15},

	// Valid ZooKeeper settings that do nothing here.
	{Name: "observerMasterPort", Reason: NoEffect, Use: "observers sync from the leader's quorum port; a master port on the followers would need its own container, Service and NetworkPolicy port, which the function does not render"},
	{Name: "syncEnabled", Reason: ObserversOnly, Use: noObserver},
	{Name: "observer.", Prefix: true, Reason: ObserversOnly, Use: noObserver},
	{Name: "connectToLearnerMasterLimit", Reason: NoEffect, Use: "only used with observerMasterPort, which the function does not render"},
	{Name: "multiAddress.", Prefix: true, Reason: NoEffect, Use: "each member has one address in its server.X line"},
	{Name: "oraclePath", Reason: NoEffect, Use: "only two-member ensembles use it, and spec.replicas is odd"},
	{Name: "electionAlg", Reason: NoEffect, Use: "3 is the only algorithm and the default"},
	{Name: "audit.impl.class", Reason: NoEffect, Use: "the image has no other audit logger class"},

	// Would break the rendered probes.
	{Name: "leaderServes", Reason: Conflicts, Use: "with \"no\" the leader answers srvr with \"not currently serving requests\", so the readiness probe never passes on the leader and rolling updates stall (Leader.lead skips setZooKeeperServer; on Debian's 3.8.0 the e2e ensemble with it never showed a leader in 3 minutes)"},

	// Read by 3.9 only: Debian's 3.8.0, which the suite runs, cannot prove them.
	{Name: "admin.rateLimiterIntervalInMS", Reason: NotIn38, Use: "ZooKeeper 3.8.0's server does not read it, so e2e/properties cannot prove it takes effect"},
	{Name: "admin.snapshot.enabled", Reason: NotIn38, Use: "ZooKeeper 3.8.0's server does not read it, so e2e/properties cannot prove it takes effect"},
	{Name: "admin.restore.enabled", Reason: NotIn38, Use: "ZooKeeper 3.8.0's server does not read it, so e2e/properties cannot prove it takes effect"},
}
