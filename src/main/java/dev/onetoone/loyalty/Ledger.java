package dev.onetoone.loyalty;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;

import java.sql.Timestamp;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The vocabulary of points_ledger and the one place entry ids are made. An entry id hashes the entry type, rule,
 * points kind, bucket and a key taken from source ids (line, offer, redemption, member and date), never from the
 * run: the same event processed twice gets the same id and the insert-only MERGE stores it once.
 */
public final class Ledger {
    public static final String EARN = "earn";
    public static final String HOLD_RELEASE = "hold_release";
    public static final String REDEEM = "redeem";
    public static final String EXPIRE = "expire";
    public static final String ADJUST = "adjust";
    public static final String REVERSE = "reverse";

    public static final String PENDING = "pending";
    public static final String AVAILABLE = "available";
    public static final String QUALIFYING = "qualifying";

    /** Columns a stage produces before {@link #finish}: the ledger's columns less entry_id, run_id, created_at, plus id_key. */
    static final String[] DRAFT = {"customer_id", "entry_type", "points_kind", "bucket", "points", "entry_date", "source_id",
            "source_date", "related_entry_id", "rule", "id_key"};

    private Ledger() {
    }

    /** Gives draft rows their entry id, run id and time. */
    static Dataset<Row> finish(Dataset<Row> drafts, String runId, Timestamp now) {
        Column id = sha2(concat_ws("|", col("entry_type"), col("rule"), col("points_kind"), col("bucket"), col("id_key")), 256);
        return drafts.select(id.as("entry_id"), col("customer_id"), col("entry_type"), col("points_kind"), col("bucket"),
                col("points").cast("long").as("points"), col("entry_date"), col("source_id"), col("source_date"),
                col("related_entry_id"), col("rule"), lit(runId).as("run_id"), lit(now).as("created_at"));
    }

    /** An empty Dataset shaped like finished entries. */
    static Dataset<Row> empty(Dataset<Row> like) {
        return like.limit(0);
    }
}
