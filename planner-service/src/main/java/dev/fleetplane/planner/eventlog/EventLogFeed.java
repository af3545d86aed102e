package dev.fleetplane.planner.eventlog;

import dev.fleetplane.messaging.Database;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The event log as it grows, handed to whoever follows it live (the dashboard's SSE streams). One thread per planner
 * holds one dedicated PostgreSQL connection that LISTENs on {@value #CHANNEL} (the {@code event_log} insert trigger
 * notifies it, whichever replica stored the row), and reads the new rows by {@code seq > cursor}; it also reads
 * every {@code safety-interval} without a notification, and re-opens the connection after a failure. Subscribers
 * are called on that thread and must never block it.
 */
@ApplicationScoped
public class EventLogFeed {

    public static final String CHANNEL = "fleetplane_event_log";

    private static final Logger LOG = Logger.getLogger(EventLogFeed.class);
    private static final int WAIT_MILLIS = 500;

    /** Someone following the log live. */
    public interface Subscriber {
        /** New events in log order, on the feed's thread: hand them on, never block. */
        void deliver(List<LoggedEvent> events);

        /** Called on the feed's thread about every half second (a chance to send a keep-alive). */
        default void tick() {
        }
    }

    @Inject
    Database database;

    @Inject
    EventLogStore store;

    @Inject
    FeedConfig config;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String url;

    @ConfigProperty(name = "quarkus.datasource.username")
    Optional<String> user;

    @ConfigProperty(name = "quarkus.datasource.password")
    Optional<String> password;

    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private long cursor;
    private volatile boolean running;
    private Thread thread;

    void start(@Observes StartupEvent ev) {
        cursor = database.read(store::end);
        running = true;
        thread = new Thread(this::run, "event-log-feed");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent ev) throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(5_000);
        }
    }

    /**
     * Follows the log from now on: every event stored after the returned seq is delivered to {@code s}, in order and
     * once.
     */
    public long subscribe(Subscriber s) {
        synchronized (lock) {
            subscribers.add(s);
            return cursor;
        }
    }

    public void unsubscribe(Subscriber s) {
        subscribers.remove(s);
    }

    /** How many follow the log now. */
    public int subscribers() {
        return subscribers.size();
    }

    private void run() {
        Connection listener = null;
        long lastRead = 0;
        long backoff = 1_000;
        while (running) {
            try {
                if (listener == null) {
                    listener = listen();
                    backoff = 1_000;
                    // Whatever was stored while no one listened.
                    catchUp();
                    lastRead = System.nanoTime();
                }
                PGNotification[] notes = listener.unwrap(PGConnection.class).getNotifications(WAIT_MILLIS);
                boolean due = System.nanoTime() - lastRead >= config.safetyInterval().toNanos();
                if ((notes != null && notes.length > 0) || due) {
                    catchUp();
                    lastRead = System.nanoTime();
                }
                for (Subscriber s : subscribers) {
                    s.tick();
                }
            } catch (Exception e) {
                if (!running) {
                    break;
                }
                LOG.warnf("event log feed: %s; re-opening its connection in %d ms", e.getMessage(), backoff);
                close(listener);
                listener = null;
                sleep(backoff);
                backoff = Math.min(backoff * 2, 15_000);
            }
        }
        close(listener);
    }

    private Connection listen() throws SQLException {
        Properties props = new Properties();
        user.ifPresent(u -> props.setProperty("user", u));
        password.ifPresent(p -> props.setProperty("password", p));
        props.setProperty("ApplicationName", "planner-event-log-feed");
        Connection c = DriverManager.getConnection(url, props);
        try (Statement st = c.createStatement()) {
            st.execute("LISTEN " + CHANNEL);
        } catch (SQLException e) {
            close(c);
            throw e;
        }
        return c;
    }

    /** Reads and hands on every row stored after the cursor, a batch at a time. */
    private void catchUp() {
        for (;;) {
            long from;
            synchronized (lock) {
                from = cursor;
            }
            if (subscribers.isEmpty()) {
                // No one to hand rows to: only move the cursor, so a new follower starts at the present.
                long end = database.read(store::end);
                synchronized (lock) {
                    if (subscribers.isEmpty()) {
                        cursor = Math.max(cursor, end);
                        return;
                    }
                }
                continue;
            }
            EventLogStore.Query q = new EventLogStore.Query(null, null, null, null, null, from, config.batch());
            List<LoggedEvent> rows = database.read(c -> store.find(c, q)).events();
            if (rows.isEmpty()) {
                return;
            }
            synchronized (lock) {
                for (Subscriber s : subscribers) {
                    try {
                        s.deliver(rows);
                    } catch (RuntimeException e) {
                        LOG.warnf(e, "event log feed: a subscriber failed; it is dropped");
                        subscribers.remove(s);
                    }
                }
                cursor = rows.get(rows.size() - 1).seq();
            }
            if (rows.size() < config.batch()) {
                return;
            }
        }
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // already broken: nothing to release
            }
        }
    }

    private void sleep(long millis) {
        long end = System.currentTimeMillis() + millis;
        while (running && System.currentTimeMillis() < end) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
