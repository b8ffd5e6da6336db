// Check loads a logback.xml with logback's own Joran configurator, fails on
// any error status, and prints the effective level of each logger named on
// the command line (java's single-file source launcher runs it).
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;

public class Check {
  public static void main(String[] args) throws Exception {
    LoggerContext ctx = new LoggerContext();
    JoranConfigurator c = new JoranConfigurator();
    c.setContext(ctx);
    c.doConfigure(args[0]);
    for (Status s : ctx.getStatusManager().getCopyOfStatusList()) {
      if (s.getEffectiveLevel() >= Status.WARN) {
        System.err.println("logback: " + s);
        System.exit(1);
      }
    }
    for (int i = 1; i < args.length; i++) {
      Logger l = ctx.getLogger(args[i]);
      System.out.println(args[i] + "=" + l.getEffectiveLevel());
    }
  }
}
