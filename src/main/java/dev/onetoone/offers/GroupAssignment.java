package dev.onetoone.offers;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Column;

/**
 * Deterministic, salted draws in [0, 1) per customer (and campaign), from a 64-bit hash (xxHash64) of the salt, a
 * purpose label and the ids. The same salt gives the same groups on every run and every machine; a new salt redraws
 * them. Distinct labels make the holdout, control and explore draws independent of each other.
 */
public final class GroupAssignment {
    private static final long MASK_53_BITS = (1L << 53) - 1;
    private static final double TWO_TO_53 = 9007199254740992.0;

    private GroupAssignment() {
    }

    /** A uniform draw in [0, 1): the low 53 bits of the hash divided by 2^53. */
    public static Column draw(String salt, String purpose, Column... ids) {
        return draw(lit(salt), purpose, ids);
    }

    /** {@link #draw(String, String, Column...)} with the salt taken from a string column: the same draw for the same text. */
    public static Column draw(Column salt, String purpose, Column... ids) {
        List<Column> parts = new ArrayList<>();
        parts.add(salt);
        parts.add(lit(purpose));
        parts.addAll(List.of(ids));
        return xxhash64(parts.toArray(Column[]::new)).bitwiseAND(lit(MASK_53_BITS)).cast("double").divide(TWO_TO_53);
    }
}
