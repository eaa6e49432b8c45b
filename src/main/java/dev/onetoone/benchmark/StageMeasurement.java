package dev.onetoone.benchmark;

/**
 * One measured piece of work.
 *
 * @param part          which run it belongs to: {@link #FULL_NIGHT}, {@link #ONE_DAY_NIGHT}, {@link #FLOOR} or {@link #PEER}
 * @param stage         the run_log stage name (ingest_transactions, rfm, ...) or the floor's or peer's step
 * @param seconds       wall time
 * @param rowsIn        rows read, as the stage reports them (run_log rows_in)
 * @param rowsOut       rows written (run_log rows_out)
 * @param peakHeapBytes the heap pools' summed peak while it ran ({@link HeapPeak})
 * @param loadAverage   the machine's one-minute load average when it ended (negative where the system does not tell):
 *                      on a shared machine, above the core count, other processes took part of the cores
 */
public record StageMeasurement(String part, String stage, double seconds, long rowsIn, long rowsOut, long peakHeapBytes,
        double loadAverage) {
    public static final String FULL_NIGHT = "full night";
    public static final String ONE_DAY_NIGHT = "one-day night";
    public static final String FLOOR = "floor";
    public static final String PEER = "peer";

    /** The machine's one-minute load average now. */
    public static double currentLoadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** The stage as the targets name it: the three ingest stages (products, customers, transactions) are "ingest". */
    public String group() {
        return stage.startsWith("ingest_") ? "ingest" : stage;
    }
}
