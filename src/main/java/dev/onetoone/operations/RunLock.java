package dev.onetoone.operations;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writing run per warehouse. The lock is the file {@code <warehouse>/_onetoone.lock}, created only if absent,
 * holding who took it (user, process id, host, command, time, a random token). A second run finds the file and
 * fails at once with {@link RunLockedException}.
 *
 * <p>Atomicity: on a local or mounted file system the content is written to a file of its own and then hard-linked
 * to the lock's name, which the file system does atomically and refuses when the name exists (without hard links,
 * the file is created with {@code O_CREAT|O_EXCL}). On other file systems it is Hadoop's {@code create(path,
 * overwrite=false)}: atomic on HDFS; on S3 through S3A it is atomic only where the client writes conditionally
 * (If-None-Match), otherwise it is a check then a write with a short window in which two runs can both win, so the
 * scheduler must still run one night at a time (Airflow {@code max_active_runs=1}).
 *
 * <p>Stale locks: a lock of this host is stale when its process is gone; a lock of another host when it is older
 * than {@code lock.stale-after-hours}. A stale lock is taken over. The stale file is first renamed away (atomic), and its token compared, so two runs taking over the
 * same stale lock cannot both succeed. A lock left by a crashed run on another host blocks runs until it is stale or
 * removed by hand; the message names the file.
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE_NAME = "_onetoone.lock";
    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);

    /** Who holds a lock. */
    public record Owner(String user, long pid, String host, Instant startedAt, String command, String token) {
        String text() {
            return "user=" + user + "\npid=" + pid + "\nhost=" + host + "\nstarted_at=" + startedAt + "\ncommand=" + command
                    + "\ntoken=" + token + "\n";
        }

        static Optional<Owner> parse(String text) {
            var properties = new Properties();
            try {
                properties.load(new StringReader(text));
                return Optional.of(new Owner(properties.getProperty("user", "?"), Long.parseLong(properties.getProperty("pid", "-1")),
                        properties.getProperty("host", "?"), Instant.parse(properties.getProperty("started_at")),
                        properties.getProperty("command", "?"), properties.getProperty("token", "")));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        public String describe() {
            return "'" + command + "' by " + user + " (pid " + pid + " on " + host + ", since " + startedAt + ")";
        }
    }

    private final Store store;
    private final Owner owner;
    private boolean released;

    private RunLock(Store store, Owner owner) {
        this.store = store;
        this.owner = owner;
    }

    public Owner owner() {
        return owner;
    }

    /**
     * Takes the lock of a warehouse for a command, or throws {@link RunLockedException} naming the holder.
     *
     * @param staleAfter age after which a lock is taken over whoever holds it
     */
    public static RunLock acquire(String warehouseRoot, Configuration hadoop, String command, Clock clock, Duration staleAfter) {
        Store store = Store.of(warehouseRoot, hadoop);
        var owner = new Owner(System.getProperty("user.name"), ProcessHandle.current().pid(), hostName(), clock.instant(), command,
                UUID.randomUUID().toString());
        if (store.createNew(owner.text())) {
            return new RunLock(store, owner);
        }
        Optional<String> held = store.read();
        if (held.isEmpty()) {
            // Released between our attempt and the read: one more try, no loop.
            if (store.createNew(owner.text())) {
                return new RunLock(store, owner);
            }
            throw locked(store, "another run");
        }
        Optional<Owner> holder = Owner.parse(held.get());
        if (holder.isEmpty()) {
            // The file is created before its content is written: give the holder a moment before calling it unreadable.
            pause();
            held = store.read();
            if (held.isEmpty()) {
                throw locked(store, "another run, which has just ended");
            }
            holder = Owner.parse(held.get());
        }
        Optional<String> staleness = holder.isEmpty() ? Optional.of("unreadable")
                : stale(holder.get(), owner.host(), clock.instant(), staleAfter);
        if (staleness.isEmpty()) {
            throw locked(store, holder.get().describe());
        }
        if (!store.takeOver(held.get())) {
            throw locked(store, "another run, which took over a stale lock just now");
        }
        LOG.warn("took over the stale run lock {} ({}): {}", store.describe(), staleness.get(), held.get().replace('\n', ' '));
        if (store.createNew(owner.text())) {
            return new RunLock(store, owner);
        }
        throw locked(store, "another run, which took over a stale lock just now");
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * On the lock's own host a lock is stale exactly when its process is gone (a live process keeps it however long
     * it runs); from another host that cannot be seen, so age decides.
     */
    private static Optional<String> stale(Owner holder, String host, Instant now, Duration staleAfter) {
        if (holder.host().equals(host) && holder.pid() > 0) {
            return ProcessHandle.of(holder.pid()).map(ProcessHandle::isAlive).orElse(false) ? Optional.empty()
                    : Optional.of("process " + holder.pid() + " is no longer running on " + host);
        }
        if (Duration.between(holder.startedAt(), now).compareTo(staleAfter) > 0) {
            return Optional.of("older than " + staleAfter.toHours() + " hours");
        }
        return Optional.empty();
    }

    private static RunLockedException locked(Store store, String holder) {
        return new RunLockedException("the warehouse is in use by " + holder + "; lock file " + store.describe()
                + ". Wait for that run to end; if no run is active, remove the file.");
    }

    /** Removes the lock file if it is still ours. */
    @Override
    public void close() {
        if (released) {
            return;
        }
        released = true;
        Optional<String> held = store.read();
        if (held.isPresent() && held.get().contains("token=" + owner.token())) {
            store.delete();
        } else {
            LOG.warn("the run lock {} is no longer ours; left as it is", store.describe());
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }

    /** The lock file on a local file system (java.nio) or any Hadoop file system. */
    private interface Store {
        boolean createNew(String text);

        Optional<String> read();

        /** Renames the file away if it still holds the given text; false if another run was quicker. */
        boolean takeOver(String expected);

        void delete();

        String describe();

        static Store of(String warehouseRoot, Configuration hadoop) {
            Path path = new Path(warehouseRoot, FILE_NAME);
            String scheme = path.toUri().getScheme();
            if (scheme == null || scheme.equals("file")) {
                return new LocalStore(java.nio.file.Path.of(path.toUri().getPath()));
            }
            try {
                return new HadoopStore(path.getFileSystem(hadoop), path);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot reach the warehouse " + warehouseRoot, e);
            }
        }
    }

    private record LocalStore(java.nio.file.Path file) implements Store {
        @Override
        public boolean createNew(String text) {
            try {
                Files.createDirectories(file.getParent());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the warehouse directory " + file.getParent(), e);
            }
            // The content goes to a file of our own first; a hard link then puts it in place complete, atomically,
            // and fails if the lock exists, so no reader ever sees a half-written lock.
            var own = file.resolveSibling(FILE_NAME + "." + UUID.randomUUID());
            try {
                Files.writeString(own, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                Files.createLink(file, own);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException e) {
                return createWithoutLink(text);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the run lock " + file, e);
            } finally {
                try {
                    Files.deleteIfExists(own);
                } catch (IOException e) {
                    LOG.warn("cannot remove {}", own, e);
                }
            }
        }

        /** For file systems without hard links: O_CREAT|O_EXCL, content written just after. */
        private boolean createWithoutLink(String text) {
            try {
                Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the run lock " + file, e);
            }
        }

        @Override
        public Optional<String> read() {
            try {
                return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the run lock " + file, e);
            }
        }

        @Override
        public boolean takeOver(String expected) {
            var aside = file.resolveSibling(FILE_NAME + ".stale-" + UUID.randomUUID());
            try {
                Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException e) {
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot move the stale run lock " + file, e);
            }
            try {
                boolean same = Files.readString(aside, StandardCharsets.UTF_8).equals(expected);
                if (same) {
                    Files.delete(aside);
                } else {
                    // Another run replaced the stale lock with its own between our read and the move: put it back.
                    Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE);
                }
                return same;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot check the stale run lock " + aside, e);
            }
        }

        @Override
        public void delete() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the run lock " + file, e);
            }
        }

        @Override
        public String describe() {
            return file.toString();
        }
    }

    private record HadoopStore(FileSystem fileSystem, Path file) implements Store {
        @Override
        public boolean createNew(String text) {
            try (OutputStream out = fileSystem.create(file, false)) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
                return true;
            } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
                return false;
            } catch (IOException e) {
                if (exists()) {
                    return false;
                }
                throw new UncheckedIOException("cannot create the run lock " + file, e);
            }
        }

        private boolean exists() {
            try {
                return fileSystem.exists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot check the run lock " + file, e);
            }
        }

        @Override
        public Optional<String> read() {
            try (InputStream in = fileSystem.open(file)) {
                var bytes = new ByteArrayOutputStream();
                in.transferTo(bytes);
                return Optional.of(bytes.toString(StandardCharsets.UTF_8));
            } catch (java.io.FileNotFoundException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the run lock " + file, e);
            }
        }

        @Override
        public boolean takeOver(String expected) {
            Path aside = new Path(file.getParent(), FILE_NAME + ".stale-" + UUID.randomUUID());
            try {
                if (!fileSystem.rename(file, aside)) {
                    return false;
                }
                var store = new HadoopStore(fileSystem, aside);
                boolean same = store.read().map(expected::equals).orElse(false);
                if (same) {
                    fileSystem.delete(aside, false);
                } else {
                    fileSystem.rename(aside, file);
                }
                return same;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot take over the stale run lock " + file, e);
            }
        }

        @Override
        public void delete() {
            try {
                fileSystem.delete(file, false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the run lock " + file, e);
            }
        }

        @Override
        public String describe() {
            return file.toString();
        }
    }
}
