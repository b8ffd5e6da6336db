package zkprops

import "math"

const maxInt = math.MaxInt32

// Shorthands for the catalog.
func ints(min, max int64, unit string) Integer { return Integer{Min: min, Max: max, Unit: unit} }

func cfg(name string, t Type, example, doc string) Property {
	return Property{Name: name, Place: Config, Type: t, Example: example, Doc: doc}
}

// sys is a zoo.cfg key whose system property is zookeeper.<name>.
func sys(name string, t Type, example, doc string) Property {
	return sysAs(name, "zookeeper."+name, t, example, doc)
}

// sysAs is a zoo.cfg key whose system property has another name than the
// admin guide's key: writing the guide's key in zoo.cfg would set
// zookeeper.<key>, which nothing reads, so the function writes the key
// that becomes the property the server reads.
func sysAs(name, system string, t Type, example, doc string) Property {
	return Property{Name: name, Place: ConfigSystem, System: system, Type: t, Example: example, Doc: doc}
}

func jvm(name, system string, t Type, example, doc string) Property {
	return Property{Name: name, Place: JVMFlag, System: system, Type: t, Example: example, Doc: doc}
}

// accepted are the properties of ZooKeeper 3.9's administrator's guide
// that spec.zookeeper.config accepts: each is read by ZooKeeper 3.8.0's
// server classes too (e2e/properties checks the name in the jar and the
// value in the running server).
var accepted = []Property{
	// Parsed by QuorumPeerConfig; the conf four-letter word shows them.
	cfg("minSessionTimeout", ints(1, maxInt, "ms"), "5000", "shortest session timeout a client may negotiate (default 2 ticks)"),
	cfg("maxSessionTimeout", ints(1, maxInt, "ms"), "60000", "longest session timeout a client may negotiate (default 20 ticks)"),
	cfg("clientPortListenBacklog", ints(1, 65535, "connections"), "128", "the client socket's listen backlog"),

	// zoo.cfg keys that become system properties.
	sys("globalOutstandingLimit", ints(1, maxInt, "requests"), "2000", "queued requests before the server throttles clients"),
	sys("preAllocSize", ints(1, maxInt, "KiB"), "131072", "transaction log preallocation block"),
	sys("snapCount", ints(2, maxInt, "transactions"), "200000", "transactions between snapshots"),
	sys("commitLogCount", ints(1, maxInt, "proposals"), "1000", "committed proposals kept in memory for fast follower sync"),
	sys("snapSizeLimitInKb", ints(1, math.MaxInt64, "KiB"), "8388608", "log size since the last snapshot that triggers a snapshot"),
	sys("txnLogSizeLimitInKb", ints(1, math.MaxInt64, "KiB"), "1048576", "transaction log file size that starts a new file"),
	sys("maxCnxns", ints(0, maxInt, "connections; 0: unlimited"), "1000", "client connections per server"),
	sys("fsync.warningthresholdms", ints(1, math.MaxInt64, "ms"), "2000", "fsync duration that logs a warning"),
	sys("maxResponseCacheSize", ints(0, maxInt, "entries"), "800", "cached serialized getData responses"),
	sys("maxGetChildrenResponseCacheSize", ints(0, maxInt, "entries"), "800", "cached serialized getChildren responses"),
	sys("fastleader.minNotificationInterval", ints(1, maxInt, "ms"), "300", "first wait between election notifications"),
	sys("fastleader.maxNotificationInterval", ints(1, maxInt, "ms"), "90000", "longest wait between election notifications"),
	sysAs("connectionMaxTokens", "zookeeper.connection_throttle_tokens", ints(0, maxInt, "tokens; 0: no throttle"), "5000", "connection throttle bucket size"),
	sysAs("connectionTokenFillTime", "zookeeper.connection_throttle_fill_time", ints(1, maxInt, "ms"), "10", "connection throttle refill period"),
	sysAs("connectionTokenFillCount", "zookeeper.connection_throttle_fill_count", ints(1, maxInt, "tokens"), "2", "tokens added per refill"),
	sysAs("connectionFreezeTime", "zookeeper.connection_throttle_freeze_time", ints(-1, maxInt, "ms; -1: no drops"), "1000", "how often the drop probability adapts"),
	sysAs("connectionDropIncrease", "zookeeper.connection_throttle_drop_increase", Decimal{0, 1}, "0.05", "drop probability increase"),
	sysAs("connectionDropDecrease", "zookeeper.connection_throttle_drop_decrease", Decimal{0, 1}, "0.01", "drop probability decrease"),
	sysAs("connectionDecreaseRatio", "zookeeper.connection_throttle_decrease_ratio", Decimal{0, 1}, "0.5", "bucket fill ratio under which drops decrease"),
	sys("flushDelay", ints(0, math.MaxInt64, "ms"), "10", "delay before flushing the transaction log, to batch writes"),
	sys("maxWriteQueuePollTime", ints(0, math.MaxInt64, "ms"), "5", "wait for more writes when flushDelay is set"),
	sys("maxBatchSize", ints(1, maxInt, "transactions"), "500", "transactions per flush when flushDelay is set"),
	sys("enforceQuota", Bool, "true", "reject writes over a quota instead of logging"),
	sysAs("requestThrottleLimit", "zookeeper.request_throttle_max_requests", ints(0, maxInt, "requests; 0: off"), "5000", "outstanding requests before the request throttler stalls"),
	sysAs("requestThrottleStallTime", "zookeeper.request_throttle_stall_time", ints(1, maxInt, "ms"), "200", "how long the throttler stalls"),
	sysAs("requestThrottleDropStale", "zookeeper.request_throttle_drop_stale", Bool, "false", "drop throttled requests of closed connections"),
	sysAs("requestStaleLatencyCheck", "zookeeper.request_stale_latency_check", Bool, "true", "drop requests older than the session timeout"),
	sysAs("requestStaleConnectionCheck", "zookeeper.request_stale_connection_check", Bool, "false", "drop requests of closed connections"),
	sysAs("maxConcurrentSnapSyncs", "zookeeper.leader.maxConcurrentSnapSyncs", ints(1, maxInt, "syncs"), "5", "snapshot syncs the leader serves at once"),
	sysAs("maxConcurrentDiffSyncs", "zookeeper.leader.maxConcurrentDiffSyncs", ints(1, maxInt, "syncs"), "50", "diff syncs the leader serves at once"),
	sys("snapshot.compression.method", Enum{"gz"}, "gz", "compress snapshots (snappy needs a library the image lacks)"),
	sys("snapshot.trust.empty", Bool, "true", "start from a snapshot-less data directory that has logs (upgrades from 3.4)"),
	sys("audit.enable", Bool, "true", "write the audit log"),
	sys("largeRequestMaxBytes", ints(1, maxInt, "bytes"), "209715200", "memory for requests over largeRequestThreshold"),
	sys("largeRequestThreshold", ints(-1, maxInt, "bytes; -1: all requests are small"), "2097152", "size from which a request counts as large"),
	sysAs("requestThrottledOpWaitTime", "zookeeper.throttled_op_wait_time", ints(0, maxInt, "ms"), "10", "how long a throttled operation waits"),
	sys("learner.closeSocketAsync", Bool, "true", "followers close the leader socket in the background"),
	sys("leader.closeSocketAsync", Bool, "true", "the leader closes learner sockets in the background"),
	sys("learner.asyncSending", Bool, "true", "followers send to the leader from their own thread"),
	sys("forward_learner_requests_to_commit_processor_disabled", Bool, "true", "the leader skips the commit processor queue for learners' requests"),
	sysAs("maxTimeToWaitForEpoch", "zookeeper.leader.maxTimeToWaitForEpoch", ints(-1, maxInt, "ms; -1: forever"), "5000", "how long a new leader waits for a quorum to ack its epoch"),
	sys("cnxTimeout", ints(1, maxInt, "ms"), "10000", "timeout of election connections"),
	sys("tcpKeepAlive", Bool, "true", "TCP keepalive on quorum sockets"),
	sys("clientTcpKeepAlive", Bool, "true", "TCP keepalive on client sockets"),
	sys("electionPortBindRetry", ints(0, maxInt, "retries; 0: forever"), "5", "retries to bind the election port"),
	sys("forceSync", YesNo, "no", "fsync the transaction log before acknowledging (no risks data loss)"),
	sys("jute.maxbuffer.extrasize", ints(0, maxInt, "bytes"), "2048", "slack over jute.maxbuffer for a request's metadata"),
	sys("skipACL", YesNo, "yes", "skip every ACL check (any client may do anything)"),
	sys("snapshotSizeFactor", Decimal{-1, 100}, "0.5", "log size, relative to the snapshot, up to which a follower gets a diff"),
	sys("admin.idleTimeout", ints(1, maxInt, "ms"), "60000", "admin server connection idle timeout"),
	sys("admin.commandURL", URLPath{}, "/cmds", "URL path of the admin server's commands"),
	sys("admin.serverAddress", IPAddress{}, "127.0.0.1", "address the admin server binds (default 0.0.0.0)"),

	// "Java system property only" in the admin guide, or no zookeeper.
	// prefix: JVM flags.
	// QuorumPeer reads it in a static initializer and loads before zoo.cfg
	// is parsed (e2e/properties checks the class loading order), so the
	// admin guide's zoo.cfg key would have no effect.
	jvm("quorumCnxnTimeoutMs", "zookeeper.quorumCnxnTimeoutMs", ints(1, maxInt, "ms"), "8000", "read timeout of election connections"),
	jvm("jute.maxbuffer", "jute.maxbuffer", ints(1, maxInt, "bytes"), "8388608", "largest znode or request; clients need the same value"),
	jvm("extendedTypesEnabled", "zookeeper.extendedTypesEnabled", Bool, "true", "TTL nodes"),
	jvm("emulate353TTLNodes", "zookeeper.emulate353TTLNodes", Bool, "true", "TTL nodes created by 3.5.3"),
	jvm("watchManagerName", "zookeeper.watchManagerName", Enum{"org.apache.zookeeper.server.watch.WatchManager", "org.apache.zookeeper.server.watch.WatchManagerOptimized"}, "org.apache.zookeeper.server.watch.WatchManagerOptimized", "watch manager implementation"),
	jvm("watcherCleanThreadsNum", "zookeeper.watcherCleanThreadsNum", ints(1, 1024, "threads"), "4", "threads that clean dead watchers (optimized watch manager)"),
	jvm("watcherCleanThreshold", "zookeeper.watcherCleanThreshold", ints(1, maxInt, "watchers"), "2000", "dead watchers that trigger a clean"),
	jvm("watcherCleanIntervalInSeconds", "zookeeper.watcherCleanIntervalInSeconds", ints(1, maxInt, "s"), "900", "longest time between dead-watcher cleans"),
	jvm("maxInProcessingDeadWatchers", "zookeeper.maxInProcessingDeadWatchers", ints(-1, maxInt, "watchers; -1: unlimited"), "5000", "dead watchers being cleaned at once"),
	jvm("bitHashCacheSize", "zookeeper.bitHashCacheSize", ints(0, maxInt, "entries"), "20", "cache of the optimized watch manager's bit sets"),
	jvm("connection_throttle_weight_enabled", "zookeeper.connection_throttle_weight_enabled", Bool, "true", "weigh connections by session type in the throttle"),
	jvm("connection_throttle_global_session_weight", "zookeeper.connection_throttle_global_session_weight", ints(1, maxInt, "tokens"), "4", "tokens a global session costs"),
	jvm("connection_throttle_local_session_weight", "zookeeper.connection_throttle_local_session_weight", ints(1, maxInt, "tokens"), "2", "tokens a local session costs"),
	jvm("connection_throttle_renew_session_weight", "zookeeper.connection_throttle_renew_session_weight", ints(1, maxInt, "tokens"), "3", "tokens a session reconnect costs"),
	jvm("request_throttler.shutdownTimeout", "zookeeper.request_throttler.shutdownTimeout", ints(0, maxInt, "ms"), "20000", "how long shutdown waits for the throttler"),
	jvm("enableEagerACLCheck", "zookeeper.enableEagerACLCheck", Bool, "true", "check ACLs on the member that receives a write"),
	jvm("digest.enabled", "zookeeper.digest.enabled", Bool, "false", "data tree digests that detect inconsistencies"),
	jvm("nio.numSelectorThreads", "zookeeper.nio.numSelectorThreads", ints(1, 1024, "threads"), "2", "NIO selector threads"),
	jvm("nio.numWorkerThreads", "zookeeper.nio.numWorkerThreads", ints(0, 1024, "threads"), "8", "NIO worker threads"),
	jvm("nio.sessionlessCnxnTimeout", "zookeeper.nio.sessionlessCnxnTimeout", ints(1, maxInt, "ms"), "15000", "timeout of connections without a session"),
	jvm("nio.directBufferBytes", "zookeeper.nio.directBufferBytes", ints(0, maxInt, "bytes"), "131072", "direct buffer per worker thread"),
	jvm("nio.shutdownTimeout", "zookeeper.nio.shutdownTimeout", ints(0, maxInt, "ms"), "20000", "how long shutdown waits for NIO workers"),
	jvm("commitProcessor.numWorkerThreads", "zookeeper.commitProcessor.numWorkerThreads", ints(0, 1024, "threads"), "4", "commit processor worker threads"),
	jvm("commitProcessor.shutdownTimeout", "zookeeper.commitProcessor.shutdownTimeout", ints(0, maxInt, "ms"), "20000", "how long shutdown waits for the commit processor"),
	jvm("commitProcessor.maxReadBatchSize", "zookeeper.commitProcessor.maxReadBatchSize", ints(-1, maxInt, "reads; -1: unbounded"), "100", "reads processed before a pending write"),
	jvm("commitProcessor.maxCommitBatchSize", "zookeeper.commitProcessor.maxCommitBatchSize", ints(1, maxInt, "commits"), "4", "commits processed in one batch"),
	jvm("znode.container.checkIntervalMs", "znode.container.checkIntervalMs", ints(1, maxInt, "ms"), "30000", "how often empty container and TTL nodes are looked for"),
	jvm("znode.container.maxPerMinute", "znode.container.maxPerMinute", ints(1, maxInt, "nodes"), "5000", "container nodes deleted per minute"),
	jvm("znode.container.maxNeverUsedIntervalMs", "znode.container.maxNeverUsedIntervalMs", ints(0, math.MaxInt64, "ms; 0: never"), "3600000", "age at which a never-used container node is deleted"),
	jvm("messageTracker.BufferSize", "zookeeper.messageTracker.BufferSize", ints(1, 1024, "messages"), "20", "quorum messages kept for debugging"),
	jvm("messageTracker.Enabled", "zookeeper.messageTracker.Enabled", Bool, "true", "keep recent quorum messages for debugging"),
	jvm("follower.skipLearnerRequestToNextProcessor", "zookeeper.follower.skipLearnerRequestToNextProcessor", Bool, "true", "followers skip their commit processor for learners' requests"),
}
