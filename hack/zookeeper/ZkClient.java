// ZkClient: a small command-line client for the end-to-end suite, built on
// ZooKeeper's own Java client (Debian's /usr/share/java/zookeeper.jar).
// It exists because the read-only checks need a client that says it accepts
// a read-only server (canBeReadOnly), which zkCli.sh cannot be asked for.
//
// usage: ZkClient CONNECT SESSION_MS CAN_BE_READ_ONLY(true|false) WAIT_MS OP...
//   OP is one argument: create:/path:data, set:/path:data, get:/path,
//   sync:/path, delete:/path, or connect:CONNECT, which closes the session
//   and opens one to another server (to read through every member in one
//   JVM)
// Output, one line each:
//   state=SyncConnected|ConnectedReadOnly|NotConnected connect=CONNECT session=0x...
//   op=get path=/a result=ok data=hello
//   op=create path=/a result=error code=NOTREADONLY
// Exit status: 0 connected (each op's outcome is on its line), 3 not
// connected within WAIT_MS, 2 usage.
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

public final class ZkClient {
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: ZkClient CONNECT SESSION_MS CAN_BE_READ_ONLY WAIT_MS OP...");
            System.exit(2);
        }
        String connect = args[0];
        int sessionMs = Integer.parseInt(args[1]);
        boolean canBeReadOnly = Boolean.parseBoolean(args[2]);
        long waitMs = Long.parseLong(args[3]);
        int rc = 0;
        ZooKeeper zk = null;
        try {
            zk = open(connect, sessionMs, canBeReadOnly, waitMs);
            if (zk == null) {
                rc = 3;
                return;
            }
            for (int i = 4; i < args.length; i++) {
                if (args[i].startsWith("connect:")) {
                    zk.close(2000);
                    zk = open(args[i].substring("connect:".length()), sessionMs, canBeReadOnly, waitMs);
                    if (zk == null) {
                        rc = 3;
                        return;
                    }
                    continue;
                }
                run(zk, args[i]);
            }
        } finally {
            if (zk != null) {
                zk.close(2000);
            }
            System.out.flush();
            // Exit now so a slow close cannot keep the JVM alive past the
            // caller's bound.
            Runtime.getRuntime().halt(rc);
        }
    }

    // open connects and waits for the session; it prints the state line
    // and returns null when no session came within waitMs.
    private static ZooKeeper open(String connect, int sessionMs, boolean canBeReadOnly, long waitMs) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        AtomicReference<KeeperState> state = new AtomicReference<>();
        ZooKeeper zk = new ZooKeeper(connect, sessionMs, event -> {
            KeeperState s = event.getState();
            if (s == KeeperState.SyncConnected || s == KeeperState.ConnectedReadOnly) {
                state.set(s);
                connected.countDown();
            }
        }, canBeReadOnly);
        if (!connected.await(waitMs, TimeUnit.MILLISECONDS)) {
            System.out.println("state=NotConnected connect=" + connect);
            zk.close(2000);
            return null;
        }
        System.out.println("state=" + state.get() + " connect=" + connect + " session=0x" + Long.toHexString(zk.getSessionId()));
        return zk;
    }

    private static void run(ZooKeeper zk, String op) {
        String[] p = op.split(":", 3);
        String name = p[0];
        String path = p.length > 1 ? p[1] : "";
        String data = p.length > 2 ? p[2] : "";
        String prefix = "op=" + name + " path=" + path;
        try {
            switch (name) {
                case "create":
                    zk.create(path, data.getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                    System.out.println(prefix + " result=ok");
                    break;
                case "set":
                    zk.setData(path, data.getBytes(StandardCharsets.UTF_8), -1);
                    System.out.println(prefix + " result=ok");
                    break;
                case "get":
                    byte[] b = zk.getData(path, false, null);
                    System.out.println(prefix + " result=ok data=" + new String(b, StandardCharsets.UTF_8));
                    break;
                case "sync":
                    CountDownLatch done = new CountDownLatch(1);
                    AtomicReference<Integer> code = new AtomicReference<>();
                    zk.sync(path, (rc, pth, ctx) -> {
                        code.set(rc);
                        done.countDown();
                    }, null);
                    if (!done.await(10, TimeUnit.SECONDS)) {
                        System.out.println(prefix + " result=error code=TIMEOUT");
                    } else if (code.get() != 0) {
                        System.out.println(prefix + " result=error code=" + KeeperException.Code.get(code.get()));
                    } else {
                        System.out.println(prefix + " result=ok");
                    }
                    break;
                case "delete":
                    zk.delete(path, -1);
                    System.out.println(prefix + " result=ok");
                    break;
                default:
                    System.out.println(prefix + " result=error code=UNKNOWN_OP");
            }
        } catch (KeeperException e) {
            System.out.println(prefix + " result=error code=" + e.code());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.out.println(prefix + " result=error code=INTERRUPTED");
        }
    }
}
