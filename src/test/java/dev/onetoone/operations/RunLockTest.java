package dev.onetoone.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.onetoone.cli.OneToOneCli;

/** The warehouse run lock: one holder at a time, a clear refusal, stale locks taken over, and exit code 4. */
class RunLockTest {
    private static final Duration DAY = Duration.ofHours(24);
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-01-02T03:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path warehouse;

    private RunLock acquire(String command) {
        return RunLock.acquire(warehouse.toString(), new Configuration(), command, NOW, DAY);
    }

    @Test
    void aSecondRunIsRefusedNamingTheHolderUntilTheFirstReleases() {
        RunLock first = acquire("nightly");
        var refused = assertThrows(RunLockedException.class, () -> acquire("rfm"));
        assertTrue(refused.getMessage().contains("'nightly' by " + System.getProperty("user.name")), refused.getMessage());
        assertTrue(refused.getMessage().contains("pid " + ProcessHandle.current().pid()), refused.getMessage());
        assertTrue(refused.getMessage().contains(warehouse.resolve(RunLock.FILE_NAME).toString()), refused.getMessage());
        first.close();
        assertFalse(Files.exists(warehouse.resolve(RunLock.FILE_NAME)));
        acquire("rfm").close();
    }

    @Test
    void ofTwoConcurrentAttemptsExactlyOneWins() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 50; round++) {
                var barrier = new CyclicBarrier(2);
                List<Future<RunLock>> attempts = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    attempts.add(pool.submit(() -> {
                        barrier.await();
                        try {
                            return acquire("nightly");
                        } catch (RunLockedException e) {
                            return null;
                        }
                    }));
                }
                List<RunLock> winners = new ArrayList<>();
                for (Future<RunLock> attempt : attempts) {
                    RunLock lock = attempt.get(30, TimeUnit.SECONDS);
                    if (lock != null) {
                        winners.add(lock);
                    }
                }
                assertEquals(1, winners.size(), "round " + round);
                winners.forEach(RunLock::close);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLockOfAProcessThatIsGoneFromThisHostIsTakenOver() throws Exception {
        Process finished = new ProcessBuilder("true").start();
        assertTrue(finished.waitFor(30, TimeUnit.SECONDS));
        writeLock(finished.pid(), java.net.InetAddress.getLocalHost().getHostName(), NOW.instant());
        try (RunLock lock = acquire("nightly")) {
            assertEquals(ProcessHandle.current().pid(), lock.owner().pid());
            assertTrue(Files.readString(warehouse.resolve(RunLock.FILE_NAME)).contains("token=" + lock.owner().token()));
        }
    }

    @Test
    void aLockOfAnotherHostBlocksUntilItIsOlderThanTheStaleAge() throws IOException {
        writeLock(4242, "some-other-host", NOW.instant().minus(Duration.ofHours(23)));
        var refused = assertThrows(RunLockedException.class, () -> acquire("nightly"));
        assertTrue(refused.getMessage().contains("pid 4242 on some-other-host"), refused.getMessage());
        writeLock(4242, "some-other-host", NOW.instant().minus(Duration.ofHours(25)));
        acquire("nightly").close();
    }

    @Test
    void aLiveProcessOfThisHostKeepsItsLockHoweverOld() throws IOException {
        writeLock(ProcessHandle.current().pid(), java.net.InetAddress.getLocalHost().getHostName(), NOW.instant().minus(Duration.ofDays(30)));
        assertThrows(RunLockedException.class, () -> acquire("nightly"));
    }

    @Test
    void closingLeavesALockThatIsNoLongerOurs() throws IOException {
        RunLock lock = acquire("nightly");
        writeLock(4242, "some-other-host", NOW.instant());
        lock.close();
        assertTrue(Files.readString(warehouse.resolve(RunLock.FILE_NAME)).contains("host=some-other-host"));
    }

    @Test
    void aWritingCommandOnALockedWarehouseExitsWithFourAtOnceAndHelpStillWorks() {
        try (RunLock held = RunLock.acquire(warehouse.toString(), new Configuration(), "nightly", Clock.systemUTC(), DAY)) {
            var out = new StringWriter();
            var err = new StringWriter();
            long started = System.nanoTime();
            int code = OneToOneCli.execute(new String[] {"rfm", "--as-of", "2025-12-31", "--warehouse", warehouse.toString()},
                    new PrintWriter(out), new PrintWriter(err));
            assertEquals(4, code, err.toString());
            assertTrue(err.toString().contains("run lock: the warehouse is in use by 'nightly'"), err.toString());
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(20), "refused before any Spark work");
            assertEquals(0, OneToOneCli.execute(new String[] {"rfm", "--help"}, new PrintWriter(out), new PrintWriter(err)));
            assertEquals(4, OneToOneCli.execute(new String[] {"sql", "--allow-writes", "delete from run_log", "--warehouse", warehouse.toString()},
                    new PrintWriter(out), new PrintWriter(err)));
        }
        assertFalse(Files.exists(warehouse.resolve(RunLock.FILE_NAME)));
    }

    private void writeLock(long pid, String host, Instant startedAt) throws IOException {
        Files.writeString(warehouse.resolve(RunLock.FILE_NAME), "user=someone\npid=" + pid + "\nhost=" + host + "\nstarted_at=" + startedAt
                + "\ncommand=nightly\ntoken=theirs\n");
    }
}
