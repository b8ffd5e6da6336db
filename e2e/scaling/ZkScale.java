// ZkScale: the scaling suite's ZooKeeper client (ZooKeeper's own Java
// client, Debian's 3.8.0 jar).
//
//   ZkScale write CONNECT PATH STOPFILE  create PATH/w-<n> one after the
//       other until STOPFILE exists; print "ack <n>" for every create the
//       ensemble acknowledged. A failed create is never retried under the
//       same name, so every printed name is one acknowledged write.
//   ZkScale list HOST:PORT PATH  sync PATH through that one member, then
//       print its children, one per line, and "end".
import java.io.File;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

public class ZkScale {
    static ZooKeeper connect(String connect, int timeoutMs) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connect, timeoutMs, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
            }
        });
        if (!up.await(timeoutMs, TimeUnit.MILLISECONDS)) {
            zk.close();
            throw new IllegalStateException("not connected to " + connect);
        }
        return zk;
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("write")) {
            write(args[1], args[2], new File(args[3]));
        } else if (args[0].equals("list")) {
            list(args[1], args[2]);
        } else {
            System.err.println("usage: ZkScale write CONNECT PATH STOPFILE | list HOST:PORT PATH");
            System.exit(2);
        }
    }

    static void write(String connect, String path, File stop) throws Exception {
        ZooKeeper zk = null;
        long n = 0;
        while (!stop.exists()) {
            try {
                if (zk == null || !zk.getState().isAlive()) {
                    if (zk != null) {
                        zk.close();
                    }
                    zk = connect(connect, 10000);
                    try {
                        zk.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                    } catch (KeeperException.NodeExistsException e) {
                        // an earlier writer made it
                    }
                }
                String name = String.format("w-%09d", n);
                n++;
                zk.create(path + "/" + name, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                System.out.println("ack " + name);
                System.out.flush();
                Thread.sleep(15);
            } catch (KeeperException e) {
                System.out.println("err " + e.code());
                System.out.flush();
                Thread.sleep(100);
            } catch (IllegalStateException e) {
                System.out.println("err " + e.getMessage());
                System.out.flush();
            }
        }
        if (zk != null) {
            zk.close();
        }
        System.out.println("stopped");
    }

    static void list(String hostPort, String path) throws Exception {
        ZooKeeper zk = connect(hostPort, 15000);
        CountDownLatch synced = new CountDownLatch(1);
        int[] result = {-1};
        zk.sync("/", (rc, p, ctx) -> {
            result[0] = rc;
            synced.countDown();
        }, null);
        if (!synced.await(15, TimeUnit.SECONDS) || result[0] != 0) {
            throw new IllegalStateException("sync through " + hostPort + " failed: rc " + result[0]);
        }
        List<String> kids;
        try {
            kids = zk.getChildren(path, false);
        } catch (KeeperException.NoNodeException e) {
            // the member lacks the whole path: every write under it is missing
            kids = List.of();
        }
        StringBuilder b = new StringBuilder();
        for (String k : kids) {
            b.append(k).append('\n');
        }
        System.out.print(b);
        System.out.println("end");
        zk.close();
    }
}
