import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Runs Neo4j Community embedded, with the Bolt connector described by a
 * neo4j.conf that scripts/neo4j generates. Used for development and tests
 * only: Maven Central ships the Neo4j jars but no server distribution.
 *
 * <p>Usage: {@code java Launcher <home-dir> <neo4j.conf> <ready-file>}. The
 * ready file is created once the password is set: Bolt listens (and refuses
 * logins) a few seconds before that, so waiting for Bolt alone would race
 * with the password change and trip Neo4j's login rate limit. The credentials
 * come from the environment (NEO4J_USER, NEO4J_PASSWORD) rather than the
 * command line so they do not show up in {@code ps}. An empty password means
 * the conf disabled auth and no user is touched.
 *
 * <p>The database stops cleanly on SIGTERM/SIGINT through a shutdown hook.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: Launcher <home-dir> <neo4j.conf> <ready-file>");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path conf = Path.of(args[1]).toAbsolutePath();
        Path ready = Path.of(args[2]).toAbsolutePath();
        String user = envOr("NEO4J_USER", "neo4j");
        String password = envOr("NEO4J_PASSWORD", "");

        long started = System.nanoTime();
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .loadPropertiesFromFile(conf)
                .setUserLogProvider(new Log4jLogProvider(System.out, Level.INFO))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("launcher: shutting down");
            dbms.shutdown();
            stopped.countDown();
        }, "neo4j-shutdown"));

        if (!password.isEmpty()) {
            setPassword(dbms.database("system"), user, password);
        }
        System.out.printf("launcher: ready in %d ms (user %s, auth %s)%n",
                (System.nanoTime() - started) / 1_000_000, user, password.isEmpty() ? "disabled" : "enabled");
        System.out.flush();
        Files.writeString(ready, ProcessHandle.current().pid() + "\n");
        stopped.await();
    }

    /**
     * Gives the configured user the configured password without the forced
     * change that a fresh store requires for the built-in "neo4j" user.
     */
    private static void setPassword(GraphDatabaseService system, String user, String password) {
        Map<String, Object> params = Map.of("pw", password);
        String name = "`" + user.replace("`", "``") + "`";
        if (user.equals("neo4j")) {
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", params);
        } else {
            system.executeTransactionally(
                    "CREATE OR REPLACE USER " + name + " SET PASSWORD $pw CHANGE NOT REQUIRED", params);
        }
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null ? fallback : v;
    }
}
