import java.io.FileInputStream;
import java.io.InputStream;
import java.util.Properties;

// Load FILE: read FILE with java.util.Properties.load(InputStream), as
// ZooKeeper's QuorumPeerConfig reads zoo.cfg, and print each entry as
// "<key> <value>", both as hex UTF-16 units (x prefix), so any character
// survives the trip to the Go test.
public class Load {
    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        try (InputStream in = new FileInputStream(args[0])) {
            p.load(in);
        }
        for (String k : p.stringPropertyNames()) {
            System.out.println(hex(k) + " " + hex(p.getProperty(k)));
        }
    }

    static String hex(String s) {
        StringBuilder b = new StringBuilder("x");
        for (char c : s.toCharArray()) {
            b.append(String.format("%04x", (int) c));
        }
        return b.toString();
    }
}
