package dev.onetoone.ingest;

/** The reason codes written to {@code quarantine.reason_codes}. A row carries every code that applies. */
public final class ReasonCodes {
    /** The line did not split into the header's fields (wrong number of delimiters, broken quoting, bad JSON). */
    public static final String MALFORMED_LINE = "malformed_line";
    public static final String MISSING_CUSTOMER_ID = "missing_customer_id";
    public static final String MISSING_PRODUCT_ID = "missing_product_id";
    public static final String MISSING_TS = "missing_ts";
    public static final String UNPARSABLE_TS = "unparsable_ts";
    public static final String UNPARSABLE_QUANTITY = "unparsable_quantity";
    public static final String UNPARSABLE_UNIT_PRICE = "unparsable_unit_price";
    public static final String UNPARSABLE_AMOUNT = "unparsable_amount";
    public static final String UNPARSABLE_DISCOUNT = "unparsable_discount";
    /** Neither an amount nor a unit price to compute it from. */
    public static final String MISSING_AMOUNT = "missing_amount";
    public static final String ZERO_QUANTITY = "zero_quantity";
    public static final String NEGATIVE_PRICE = "negative_price";
    /** Negative quantity whose amount is positive, or without the configured cancellation marker. */
    public static final String NEGATIVE_QUANTITY_NOT_RETURN = "negative_quantity_not_return";
    /** Negative amount on a line that is not a return (positive quantity, no marker). */
    public static final String NEGATIVE_AMOUNT_NOT_RETURN = "negative_amount_not_return";
    /** Cancellation marker on a line with a positive quantity and amount. */
    public static final String INCONSISTENT_RETURN = "inconsistent_return";
    public static final String FUTURE_DATE = "future_date";
    public static final String BEFORE_HISTORY_START = "before_history_start";
    /** An exact copy of an earlier line of the same file; the first copy is kept. */
    public static final String DUPLICATE_LINE = "duplicate_line";
    /** Zero-value line, quarantined only when ingest.zero-value-lines=quarantine. */
    public static final String ZERO_VALUE = "zero_value";
    /** A second record for the same customer or product id in one master data file; the first is kept. */
    public static final String DUPLICATE_KEY = "duplicate_key";
    public static final String UNPARSABLE_DATE = "unparsable_date";
    public static final String UNPARSABLE_BOOLEAN = "unparsable_boolean";
    public static final String UNPARSABLE_PRICE = "unparsable_price";
    public static final String UNPARSABLE_UNIT_COST = "unparsable_unit_cost";
    public static final String NEGATIVE_UNIT_COST = "negative_unit_cost";
    /**
     * A finite number too large for its column (unit price decimal(18, 4), amount and discount decimal(18, 2)),
     * or an amount computed from quantity × unit price that overflows.
     */
    public static final String VALUE_OUT_OF_RANGE = "value_out_of_range";
    /** NaN or an infinity in a numeric column. */
    public static final String NON_FINITE_VALUE = "non_finite_value";
    /** Absolute quantity above {@code ingest.max-quantity}. */
    public static final String IMPLAUSIBLE_QUANTITY = "implausible_quantity";
    /** Absolute amount or unit price above {@code ingest.max-amount}. */
    public static final String IMPLAUSIBLE_AMOUNT = "implausible_amount";
    /**
     * A customer id holding a control character, or starting with {@code =}, {@code +}, {@code -} or {@code @}
     * (a spreadsheet formula). Invisible format characters (zero-width space, byte order mark) are removed
     * instead, since the id a person reads is the same without them.
     */
    public static final String INVALID_CUSTOMER_ID = "invalid_customer_id";

    private ReasonCodes() {
    }
}
