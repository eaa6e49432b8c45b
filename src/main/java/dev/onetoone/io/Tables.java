package dev.onetoone.io;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import java.util.List;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** Every table the application writes, with the schema analysts see. */
public final class Tables {
    /** Money: two decimals, enough digits for any basket or customer total. */
    public static final DataType MONEY = DataTypes.createDecimalType(18, 2);
    /** Prices and costs per unit keep four decimals (weighed goods, fractions of a cent). */
    public static final DataType UNIT_PRICE = DataTypes.createDecimalType(18, 4);

    public static final TableSpec TRANSACTIONS = new TableSpec.Builder("transactions",
            "Accepted transaction lines, one row per source line; returns kept and flagged.")
            .required("line_id", StringType, "Hash of the source line's values; the same line ingested twice is stored once")
            .column("transaction_id", StringType, "Order or invoice id shared by the lines of one basket (null if the source has none)")
            .required("customer_id", StringType, "Customer id as in the source")
            .required("ts", TimestampType, "Time of the purchase or return")
            .required("purchase_date", DateType, "Calendar day of ts in the configured time zone")
            .column("product_id", StringType, "Product id (null if the source has none)")
            .column("category", StringType, "Product category from the line, else from the product table")
            .required("quantity", DoubleType, "Units; negative for returns; 1 when the source has no quantity")
            .column("unit_price", UNIT_PRICE, "List price per unit before discount (null if not given)")
            .required("discount", MONEY, "Discount on the line in currency (0 when not given)")
            .required("amount", MONEY, "Amount paid for the line after discount; negative for returns")
            .required("channel", StringType, "Sales channel in lower case (store, web, app, ...); unknown when not given")
            .column("store_id", StringType, "Store of an in-store purchase")
            .column("offer_id", StringType, "Offer redeemed on this line, if any")
            .required("is_return", BooleanType, "True for returns and cancellations (negative quantity or cancellation marker)")
            .required("is_zero_value", BooleanType, "True for lines with amount 0 (free items, samples)")
            .required("source_file", StringType, "File the line was read from")
            .required("run_id", StringType, "Run that first loaded the line")
            .required("ingested_at", TimestampType, "When the line was first loaded")
            .keyedBy("line_id")
            .build();

    public static final TableSpec QUARANTINE = new TableSpec.Builder("quarantine",
            "Rows that failed validation, with the raw record and every reason; nothing is dropped silently.")
            .required("record_id", StringType, "Hash of the raw record and its occurrence number in the file; a re-read file adds no new rows")
            .required("run_id", StringType, "Run that quarantined the row")
            .required("source_kind", StringType, "transactions, customers or products")
            .required("source_file", StringType, "File the row was read from")
            .required("raw_record", StringType, "The row as read, as JSON of the source columns (or the raw text of a malformed line)")
            .required("reason_codes", DataTypes.createArrayType(StringType, true), "Every reason the row was rejected, e.g. unparsable_ts, missing_customer_id")
            .required("reasons", StringType, "reason_codes joined with commas, for easy grouping")
            .required("quarantined_at", TimestampType, "When the row was quarantined")
            .keyedBy("record_id")
            .build();

    public static final TableSpec CUSTOMERS = new TableSpec.Builder("customers",
            "Customer master data; customers seen only in transactions are added with is_known = false.")
            .required("customer_id", StringType, "Customer id")
            .column("signup_date", DateType, "Day the customer registered")
            .column("country", StringType, "Country code as given")
            .column("birth_date", DateType, "Birth date, if known")
            .required("consent_email", BooleanType, "Customer agreed to e-mail contact")
            .required("consent_sms", BooleanType, "Customer agreed to SMS contact")
            .required("consent_push", BooleanType, "Customer agreed to app push messages")
            .required("opt_out", BooleanType, "Customer opted out of all marketing; overrides every consent")
            .required("is_known", BooleanType, "False for customers created from transactions without master data (no consent assumed)")
            .required("source_file", StringType, "File the record came from (transactions file for unknown customers)")
            .required("run_id", StringType, "Run that last wrote the record")
            .required("updated_at", TimestampType, "When the record was last written")
            .keyedBy("customer_id")
            .build();

    public static final TableSpec PRODUCTS = new TableSpec.Builder("products",
            "Product master data; products seen only in transactions are added with is_known = false.")
            .required("product_id", StringType, "Product id")
            .column("name", StringType, "Product name")
            .column("category", StringType, "Product category")
            .column("price", UNIT_PRICE, "Current list price per unit")
            .column("unit_cost", UNIT_PRICE, "Cost per unit, for margins (null if unknown)")
            .required("replenishable", BooleanType, "True for consumables bought again on a cycle (coffee, nappies, pet food)")
            .required("is_known", BooleanType, "False for products created from transactions without master data")
            .required("source_file", StringType, "File the record came from (transactions file for unknown products)")
            .required("run_id", StringType, "Run that last wrote the record")
            .required("updated_at", TimestampType, "When the record was last written")
            .keyedBy("product_id")
            .build();

    public static final TableSpec RUN_LOG = new TableSpec.Builder("run_log",
            "One row per stage per run: what ran, for which date, how many rows went in and out, and how it ended.")
            .required("run_id", StringType, "Run id, shared by the stages of one command")
            .required("stage", StringType, "Stage name, e.g. ingest_transactions, rfm")
            .column("as_of", DateType, "As-of date of the run (null for ingest without a date)")
            .required("started_at", TimestampType, "Stage start")
            .required("ended_at", TimestampType, "Stage end")
            .required("duration_seconds", DoubleType, "ended_at minus started_at in seconds")
            .required("rows_in", LongType, "Rows read by the stage")
            .required("rows_out", LongType, "Rows accepted or produced by the stage")
            .required("rows_quarantined", LongType, "Rows sent to quarantine (rows_in = rows_out + rows_quarantined for ingest stages)")
            .required("status", StringType, "succeeded, failed or quality_failed")
            .column("message", StringType, "Summary or error message")
            .required("details", DataTypes.createMapType(StringType, LongType, true), "Stage-specific counts, e.g. returns, new_rows, unknown_customers_created")
            .build();

    public static final TableSpec RFM = new TableSpec.Builder("rfm",
            "Recency, frequency and monetary value per customer and as-of date, with 1-5 scores, segment and customer type.")
            .required("as_of", DateType, "Date the scores describe; transactions up to and including this day")
            .required("customer_id", StringType, "Customer id")
            .required("first_purchase_date", DateType, "Day of the first purchase")
            .required("last_purchase_date", DateType, "Day of the last purchase (returns do not count)")
            .required("tenure_days", IntegerType, "as_of minus first_purchase_date in days")
            .required("recency_days", IntegerType, "as_of minus last_purchase_date in days")
            .required("frequency_days", IntegerType, "Distinct days with a purchase")
            .required("frequency_orders", LongType, "Distinct orders (transaction ids; one per day where ids are missing)")
            .required("monetary_total", MONEY, "Total spend net of returns")
            .required("monetary_avg", MONEY, "monetary_total divided by frequency_orders")
            .required("r_score", IntegerType, "Recency score 1-5 by population quintiles; 5 = most recent")
            .required("f_score", IntegerType, "Frequency score 1-5 by quintiles of frequency_days; 5 = most frequent")
            .required("m_score", IntegerType, "Monetary score 1-5 by quintiles of monetary_total; 5 = highest spend")
            .required("rfm_cell", StringType, "The three scores as one string, e.g. 545")
            .required("segment", StringType, "Named segment from r_score and f_score (champions, loyal, ..., lost)")
            .required("customer_type", StringType, "occasional, sporadic, regular or exclusive, from purchase days and rate")
            .partitionedBy("as_of")
            .keyedBy("as_of", "customer_id")
            .build();

    /** Every table, in the order the nightly run writes them. */
    public static final List<TableSpec> ALL = List.of(TRANSACTIONS, QUARANTINE, CUSTOMERS, PRODUCTS, RUN_LOG, RFM);

    private Tables() {
    }
}
