// ZkClient: the end-to-end suites' command-line client (e2e/zkrun), built
// on ZooKeeper's own Java client (Debian's /usr/share/java/zookeeper.jar).
// It exists because the read-only checks need a client that says it accepts
// a read-only server (canBeReadOnly), which zkCli.sh cannot be asked for,
// and the backup checks need a whole tree with every znode's Stat and ACL.
//
// usage: ZkClient CONNECT SESSION_MS CAN_BE_READ_ONLY(true|false) WAIT_MS OP...
//   OP is one argument: create:/path:data, set:/path:data, get:/path,
//   sync:/path, delete:/path;
//   load:-     create the znodes listed on stdin, one "path<TAB>data" a
//              line, parents first;
//   dump:/     print every znode but /zookeeper, sorted, one "node=" line
//              each: path, its whole Stat, ACL and data (hex), tab-separated;
//   connect:CONNECT, which closes the session and opens one to another
//              server (to read through every member in one JVM)
// Output, one line each:
//   state=SyncConnected|ConnectedReadOnly|NotConnected connect=CONNECT session=0x...
//   op=get path=/a result=ok data=hello
//   op=create path=/a result=error code=NOTREADONLY
//   op=load path=- result=ok created=240
// Exit status: 0 connected (each op's outcome is on its line), 3 not
// connected within WAIT_MS, 2 usage.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

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
            // No close: the caller halts the JVM next, and closing a session
            // that never connected only waits for the next failed attempt
            // (up to a second and more per run) to fail the closeSession.
            return null;
        }
        System.out.println("state=" + state.get() + " connect=" + connect + " session=0x" + Long.toHexString(zk.getSessionId()));
        return zk;
    }

    private static void run(ZooKeeper zk, String op) throws Exception {
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
                case "load":
                    System.out.println(prefix + " result=ok created=" + load(zk));
                    break;
                case "dump":
                    List<String> out = new ArrayList<>();
                    dump(zk, path, out);
                    Collections.sort(out);
                    for (String l : out) {
                        System.out.println("node=" + l);
                    }
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
        } catch (java.io.IOException e) {
            System.out.println(prefix + " result=error code=IO " + e);
        }
    }

    private static int load(ZooKeeper zk) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        int n = 0;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                continue;
            }
            String[] p = line.split("\t", 2);
            zk.create(p[0], p.length > 1 ? p[1].getBytes(StandardCharsets.UTF_8) : new byte[0],
                    ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            n++;
        }
        return n;
    }

    private static void dump(ZooKeeper zk, String path, List<String> out) throws Exception {
        if (path.equals("/zookeeper")) {
            return;
        }
        Stat st = new Stat();
        byte[] data = zk.getData(path, false, st);
        List<ACL> acl = zk.getACL(path, new Stat());
        StringBuilder hex = new StringBuilder();
        if (data != null) {
            for (byte b : data) {
                hex.append(String.format("%02x", b));
            }
        }
        out.add(path + "\t" + st.toString().trim().replace('\n', ' ') + "\t" + acl.toString().replace('\n', ' ') + "\t" + hex);
        List<String> children = zk.getChildren(path, false);
        Collections.sort(children);
        for (String c : children) {
            dump(zk, path.equals("/") ? "/" + c : path + "/" + c, out);
        }
    }
}
