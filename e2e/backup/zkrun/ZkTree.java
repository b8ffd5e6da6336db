// ZkTree: the e2e suites' tree client, on ZooKeeper's own Java client
// (Debian's /usr/share/java/zookeeper.jar).
//
//   ZkTree CONNECT load     create the znodes listed on stdin, one
//                           "path<TAB>data" a line, parents first
//   ZkTree CONNECT dump     print every znode but /zookeeper, sorted, one a
//                           line: path, its whole Stat, ACL and data (hex)
// Exit status: 0 done, 3 not connected within 30 s, 1 an operation failed.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

public final class ZkTree {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: ZkTree CONNECT load|dump");
            System.exit(2);
        }
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(args[0], 30000, event -> {
            if (event.getState() == KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        int rc = 0;
        try {
            if (!connected.await(30, TimeUnit.SECONDS)) {
                System.err.println("not connected to " + args[0]);
                rc = 3;
                return;
            }
            if (args[1].equals("load")) {
                load(zk);
            } else {
                List<String> out = new ArrayList<>();
                dump(zk, "/", out);
                Collections.sort(out);
                for (String l : out) {
                    System.out.println(l);
                }
            }
        } catch (Exception e) {
            System.err.println("failed: " + e);
            rc = 1;
        } finally {
            zk.close(2000);
            System.out.flush();
            Runtime.getRuntime().halt(rc);
        }
    }

    private static void load(ZooKeeper zk) throws Exception {
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
        System.out.println("created " + n);
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
