// Prints every option of the named sections of a JAAS file as parsed by
// the JDK's own login configuration (the parser the server uses), one
// "section option hex(UTF-8 value)" line each.
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.URIParameter;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;

public class JaasDump {
    public static void main(String[] args) throws Exception {
        Configuration c = Configuration.getInstance("JavaLoginConfig", new URIParameter(new File(args[0]).toURI()));
        for (int i = 1; i < args.length; i++) {
            AppConfigurationEntry[] entries = c.getAppConfigurationEntry(args[i]);
            if (entries == null) {
                System.out.println(args[i] + " missing");
                continue;
            }
            for (AppConfigurationEntry e : entries) {
                for (Map.Entry<String, ?> kv : new TreeMap<String, Object>(e.getOptions()).entrySet()) {
                    byte[] v = kv.getValue().toString().getBytes(StandardCharsets.UTF_8);
                    System.out.println(args[i] + " " + kv.getKey() + " " + HexFormat.of().formatHex(v));
                }
            }
        }
    }
}
