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
            .required("line_id", DataTypes.BinaryType, "First 16 bytes of the SHA-256 of the source line's values; the same line ingested twice is stored once")
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
            .required("status", StringType, "succeeded, succeeded_with_warnings (e.g. a model fit did not converge), failed or quality_failed")
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


    public static final TableSpec CUSTOMER_STATE = new TableSpec.Builder("customer_state",
            "Each customer's sufficient statistics (purchase days, spend, gaps, counts and time-decayed preference weights), folded in night by night; the latest state only.")
            .required("customer_id", StringType, "Customer id")
            .required("purchase_days", IntegerType, "Distinct days with a purchase up to state_as_of (returns excluded); 0 for a customer who has only returned goods")
            .column("first_purchase_date", DateType, "Day of the first purchase (null while purchase_days = 0)")
            .column("last_purchase_date", DateType, "Day of the last purchase (null while purchase_days = 0)")
            .column("first_day_spend", MONEY, "Spend on the first purchase day (null while purchase_days = 0)")
            .required("total_spend", MONEY, "Spend on all purchase days (returns excluded)")
            .required("net_spend", MONEY, "Amount of all lines up to state_as_of, net of returns (rfm.monetary_total)")
            .required("sum_gap_days", DoubleType, "Sum of the days between consecutive purchase days")
            .required("sum_squared_gap_days", DoubleType, "Sum of the squared days between consecutive purchase days")
            .required("purchase_lines", LongType, "Purchase lines (returns excluded)")
            .required("discounted_lines", LongType, "Purchase lines with a discount")
            .required("baskets", LongType, "Distinct purchase baskets: transaction ids, one per day for lines without one (rfm.frequency_orders)")
            .required("offer_baskets", LongType, "Baskets with at least one line with a redeemed offer")
            .column("last_category_date", DateType, "Newest purchase day with a categorised line: the reference day of the category weights")
            .column("last_product_date", DateType, "Newest purchase day with a product id: the reference day of the product weights")
            .column("last_store_date", DateType, "Newest purchase day with a store: the reference day of the store weights")
            .required("category_log_weights", DataTypes.createMapType(StringType, DoubleType, true), "Per category: ln of the sum of spend x 2^((purchase_date - 2000-01-01) / decay_half_life_days)")
            .required("product_log_weights", DataTypes.createMapType(StringType, DoubleType, true), "Per product: ln of the decayed line count as above; the 50 heaviest products only")
            .required("channel_log_weights", DataTypes.createMapType(StringType, DoubleType, true), "Per channel: ln of the decayed line count")
            .required("store_log_weights", DataTypes.createMapType(StringType, DoubleType, true), "Per store: ln of the decayed basket count")
            .required("day_of_week_log_weights", DataTypes.createMapType(IntegerType, DoubleType, true), "Per day of week (1 = Monday): ln of the decayed count of purchase days")
            .required("hour_log_weights", DataTypes.createMapType(IntegerType, DoubleType, true), "Per hour of day (0-23): ln of the decayed basket count")
            .required("decay_half_life_days", DoubleType, "Half-life of the weights (preferences.half-life-days); another value makes the next run rebuild the state")
            .required("state_as_of", DateType, "Last day folded into the state")
            .required("state_updated_at", TimestampType, "When the state was written; lines ingested later for earlier days trigger a rebuild")
            .keyedBy("customer_id")
            .build();

    public static final TableSpec POPULATION_MODEL = new TableSpec.Builder("population_model",
            "Population (prior) parameters of each behavioural model per as-of date, with fit diagnostics.")
            .required("as_of", DateType, "Date the parameters are used for")
            .required("model", StringType, "bg_nbd, mbg_nbd, pareto_nbd or gamma_gamma")
            .required("parameters", DataTypes.createMapType(StringType, DoubleType, true), "Parameters by conventional name: r, alpha, a, b / r, alpha, s, beta / p, q, gamma")
            .required("status", StringType, "fitted, reused (within the refit cadence), kept_previous (fit did not converge) or penalised (population too small)")
            .required("fitted_as_of", DateType, "As-of date of the fit that produced the parameters")
            .required("log_likelihood", DoubleType, "Log-likelihood of the fit (of the fit that produced the parameters when reused)")
            .required("iterations", IntegerType, "Optimiser iterations")
            .required("converged", BooleanType, "The optimiser met its stopping test at a well-determined interior optimum")
            .required("gradient_norm", DoubleType, "Largest gradient component per customer at the end of the fit")
            .required("customers", LongType, "Customers in the fit")
            .required("wall_seconds", DoubleType, "Time the fit took")
            .required("warm_started", BooleanType, "The fit started from the previous parameters")
            .column("message", StringType, "Why the optimiser stopped, or why the parameters were kept")
            .partitionedBy("as_of")
            .keyedBy("as_of", "model")
            .build();

    public static final TableSpec CUSTOMER_MODEL = new TableSpec.Builder("customer_model",
            "One behavioural model per customer and as-of date: activity, expected purchases and value, rhythm, preferences and confidence.")
            .required("as_of", DateType, "Date the model describes; transactions up to and including this day")
            .required("customer_id", StringType, "Customer id")
            .required("repeat_purchase_days", IntegerType, "x: purchase days after the first one")
            .required("recency_weeks", DoubleType, "t_x: weeks from the first to the last purchase day")
            .required("age_weeks", DoubleType, "T: weeks from the first purchase day to as_of")
            .required("p_alive", DoubleType, "Probability the customer is still active (has not silently left), from the purchase model")
            .required("expected_purchases_30d", DoubleType, "Expected purchase days in the next 30 days")
            .required("expected_purchases_90d", DoubleType, "Expected purchase days in the next 90 days")
            .required("expected_purchases_365d", DoubleType, "Expected purchase days in the next 365 days")
            .required("expected_spend_per_purchase", DoubleType, "Expected spend of a future purchase day (Gamma-Gamma; population mean for one-time buyers)")
            .required("clv", DoubleType, "Discounted expected margin over the CLV horizon (model.clv-horizon-days, model.margin, model.annual-discount-rate)")
            .required("purchase_rate_per_week", DoubleType, "Posterior mean purchase rate while active, per week")
            .required("dropout_probability", DoubleType, "Posterior mean probability of leaving after a purchase (BG/NBD p)")
            .required("interpurchase_days_mean", DoubleType, "The customer's own mean days between purchases, shrunk towards the population for short histories")
            .required("interpurchase_days_sd", DoubleType, "Standard deviation of the days between purchases, shrunk the same way")
            .required("expected_next_purchase_date", DateType, "last purchase day + interpurchase_days_mean")
            .required("days_overdue", IntegerType, "as_of minus expected_next_purchase_date; positive = later than the customer's own rhythm")
            .required("overdue_ratio", DoubleType, "Days since the last purchase divided by interpurchase_days_mean; above 1 = overdue")
            .column("top_category", StringType, "Category with the largest time-decayed share of the customer's purchases")
            .required("top_category_share", DoubleType, "Time-decayed share of top_category")
            .required("category_shares", DataTypes.createMapType(StringType, DoubleType, true), "Time-decayed share of every category the customer bought")
            .required("favourite_products", DataTypes.createArrayType(StringType, true), "Products bought most often, time-decayed, most frequent first")
            .required("discount_share", DoubleType, "Share of the customer's lines bought on discount")
            .required("price_sensitivity", DoubleType, "discount_share shrunk towards the population share for short histories")
            .required("offer_redemptions", LongType, "Baskets in which the customer redeemed an offer")
            .required("offer_response_rate", DoubleType, "Share of the customer's baskets with a redeemed offer")
            .required("preferred_channel", StringType, "Channel with the largest time-decayed share of lines")
            .required("preferred_channel_share", DoubleType, "Time-decayed share of preferred_channel")
            .column("preferred_store", StringType, "Store visited most (time-decayed); null if never in a store")
            .required("preferred_day_of_week", IntegerType, "Most frequent purchase day of week, 1 = Monday ... 7 = Sunday")
            .required("preferred_hour", IntegerType, "Most frequent purchase hour, 0-23")
            .required("history_days", IntegerType, "Days from the first purchase to as_of")
            .required("confidence", DoubleType, "0-1: 1 minus the coefficient of variation of the posterior purchase rate, 1/sqrt(r + x)")
            .required("confidence_level", StringType, "low (confidence < 0.3), medium (< 0.65) or high")
            .required("purchase_model", StringType, "Model behind p_alive and the expectations: bg_nbd, mbg_nbd or pareto_nbd")
            .column("loyalty_tier", StringType, "Loyalty tier on as_of (member_tier); null until the loyalty step has run for the date")
            .column("loyalty_vip", BooleanType, "True when loyalty_tier is the programme's VIP tier; feeds the vip campaigns")
            .column("points_available", LongType, "Redeemable loyalty points on as_of (points_balance.available)")
            .partitionedBy("as_of")
            .keyedBy("as_of", "customer_id")
            .build();

    public static final TableSpec MODEL_EVALUATION = new TableSpec.Builder("model_evaluation",
            "Out-of-sample checks of the purchase model against a naive baseline: fit on a calibration period, predict a holdout period.")
            .required("calibration_end", DateType, "Last day of the calibration period (the model sees transactions up to this day)")
            .required("holdout_end", DateType, "Last day of the holdout period")
            .required("predictor", StringType, "bg_nbd, mbg_nbd or pareto_nbd (the purchase models) or baseline (the customer's own past rate of repeat purchase days)")
            .required("measure", StringType, "What is predicted: repeat_purchase_days, spend, or buys_again (p_alive at calibration_end against 1 for a customer who bought in the holdout, 0 otherwise)")
            .required("segment", StringType, "all, or p_alive_decile_1..10 (1 = lowest p_alive)")
            .required("customers", LongType, "Customers in the segment (all customers who had bought by calibration_end)")
            .required("actual_total", DoubleType, "Sum of what happened in the holdout")
            .required("predicted_total", DoubleType, "Sum of the predictions")
            .required("mae", DoubleType, "Mean absolute error per customer")
            .required("rmse", DoubleType, "Root mean squared error per customer")
            .required("correlation", DoubleType, "Pearson correlation of predicted and actual per customer (0 when undefined)")
            .column("auc", DoubleType, "For measure buys_again: area under the ROC curve of p_alive for buying again in the holdout (0.5 = no better than chance); null otherwise")
            .required("evaluated_at", TimestampType, "When the evaluation ran")
            .keyedBy("calibration_end", "holdout_end", "predictor", "measure", "segment")
            .build();

    public static final TableSpec PRODUCT_AFFINITY = new TableSpec.Builder("product_affinity",
            "The products each active customer is most likely to buy next, ranked, with the reason for each and the date a repeat purchase is due.")
            .required("as_of", DateType, "Date the ranking describes; transactions up to and including this day")
            .required("customer_id", StringType, "Customer id")
            .required("product_id", StringType, "Recommended product")
            .column("category", StringType, "Category of the product")
            .required("rank", IntegerType, "1 = most likely next purchase, among all the customer's products; ranks 1 to affinity.top-k, and below them the new products kept by new_rank")
            .column("new_rank", IntegerType, "New products only: rank among the customer's new products, 1 = best (null for repeats). The best affinity.new-products are kept even below affinity.top-k; cross-sell draws by it")
            .required("score", DoubleType, "Ranker score 0-1: the learned ranker's probability that the customer buys the product within affinity.horizon-days")
            .required("source", StringType, "Source contributing most to the score: due_repeat, similar_customers, bought_together or popular_in_category")
            .required("is_repeat", BooleanType, "True when the customer has bought the product before (a buy-again item), false for a new product to discover")
            .column("due_date", DateType, "Repeat items: last purchase of the product plus the customer's cycle for it; null for new products")
            .column("last_purchase_date", DateType, "Last day the customer bought the product (null for new products)")
            .required("buy_again_score", DoubleType, "0-1 score from the customer's own repeat purchases and timing (0 if not a repeat item)")
            .required("collaborative_score", DoubleType, "0-1 score from ALS on similar customers' purchases (0 if none)")
            .required("co_occurrence_score", DoubleType, "0-1 score from products bought together with the customer's products (0 if none)")
            .required("popularity_score", DoubleType, "0-1 score from the product's popularity in the customer's preferred categories (0 if none)")
            .column("reason", StringType, "Plain-words reason from the strongest features, e.g. 'you buy this about every 3 weeks; last bought 25 days ago'")
            .column("ranked_as_of", DateType, "Night the customer's ranking was computed: as_of, or an earlier night when the customer bought nothing since and the ranker is the same (the ranking is carried, with the days in its reason counted to as_of)")
            .partitionedBy("as_of")
            .keyedBy("as_of", "customer_id", "product_id")
            .build();

    public static final TableSpec AFFINITY_RANKER = new TableSpec.Builder("affinity_ranker",
            "The learned product ranker of each training: the models fitted, their validation NDCG@10, the one chosen and where it is stored.")
            .required("trained_as_of", DateType, "Date the ranker was trained for: features as of this date minus the horizon, labels in the horizon up to it")
            .required("purpose", StringType, "nightly (used by the affinity stage) or evaluation (trained by evaluate-affinity for a cutoff)")
            .required("model_type", StringType, "gbt (gradient-boosted trees) or logistic (logistic regression)")
            .required("chosen", BooleanType, "True for the model kept: the higher validation NDCG@10 (or the one configured by affinity.ranker.model)")
            .required("horizon_days", IntegerType, "Label window: bought within this many days after the feature date")
            .required("validation_ndcg_at_10", DoubleType, "NDCG@10 of the model's ordering of the held-out customers' candidates (labels as relevance)")
            .required("training_rows", LongType, "Labelled candidates the models were fitted on, held-out customers included")
            .required("positives", LongType, "Labelled candidates bought in the window")
            .column("feature_importances", StringType, "Chosen model's feature importances as a share, largest first ('feature 0.123; ...')")
            .column("model_path", StringType, "Directory of the saved Spark ML pipeline (chosen nightly model only)")
            .required("trained_at", TimestampType, "When the ranker was trained")
            .keyedBy("trained_as_of", "purpose", "model_type")
            .build();

    public static final TableSpec AFFINITY_EVALUATION = new TableSpec.Builder("affinity_evaluation",
            "Offline evaluation of product rankings: train before a cutoff, compare the top-k with the purchases in the following window.")
            .required("cutoff", DateType, "First day of the evaluation window; rankings see transactions before this day only")
            .required("horizon_days", IntegerType, "Length of the evaluation window in days")
            .required("predictor", StringType, "blend, a single scorer (only_...), the blend or a discovery source ranking new products only (..._new), the blend without one scorer (without_...) or a baseline (baseline_...)")
            .required("segment", StringType, "all: every product bought in the window; repeat: only products bought before the cutoff; explore: only new products")
            .required("k", IntegerType, "Length of the ranked list evaluated")
            .required("customers", LongType, "Customers with a purchase in the window in this segment (and a purchase before the cutoff)")
            .required("precision_at_k", DoubleType, "Mean over customers of hits in the top k divided by k")
            .required("recall_at_k", DoubleType, "Mean over customers of hits in the top k divided by the products they bought")
            .required("ndcg_at_k", DoubleType, "Mean normalised discounted cumulative gain at k (binary relevance)")
            .required("hit_rate_at_k", DoubleType, "Share of customers with at least one hit in the top k")
            .required("coverage", DoubleType, "Distinct products in anybody's top k divided by the products in the catalogue")
            .required("evaluated_at", TimestampType, "When the evaluation ran")
            .keyedBy("cutoff", "horizon_days", "predictor", "segment", "k")
            .build();

    public static final TableSpec OFFERS = new TableSpec.Builder("offers",
            "Personalised offers decided for each as-of date, including the ones withheld from control and holdout groups so results can be measured.")
            .required("as_of", DateType, "Date the offers were decided")
            .required("offer_id", StringType, "Stable id: hash of as_of, campaign and customer; the id redeemed in transactions.offer_id")
            .required("customer_id", StringType, "Customer id")
            .required("campaign_id", StringType, "Campaign from conf/campaigns.properties")
            .required("campaign_type", StringType, "second_order, replenishment, win_back, cross_sell or vip")
            .required("offer_form", StringType, "percent_off, amount_off, bonus_points or recognition")
            .required("target_kind", StringType, "product, category or basket")
            .column("target_product_id", StringType, "Product the offer applies to (target_kind product)")
            .column("target_category", StringType, "Category the offer applies to (target_kind product or category)")
            .required("discount_percent", DoubleType, "Percent off (0 for other forms)")
            .required("discount_amount", MONEY, "Amount off in currency (0 for other forms)")
            .required("bonus_points", LongType, "Loyalty points granted on redemption (0 for other forms)")
            .column("channel", StringType, "Channel the offer is sent on (email, sms, push); null for control and holdout rows")
            .required("valid_from", DateType, "First day the offer can be redeemed")
            .required("valid_to", DateType, "Last day the offer can be redeemed")
            .required("offer_group", StringType, "treatment (sent), explore (sent, randomised choice), control (withheld: campaign control group) or holdout (withheld: global holdout)")
            .required("assignment_probability", DoubleType, "Probability with which this customer was given this group and offer, for unbiased measurement")
            .required("p_purchase_with_offer", DoubleType, "Modelled probability of a purchase in the validity window with the offer")
            .required("p_purchase_without_offer", DoubleType, "Modelled probability of that purchase without the offer")
            .required("expected_incremental_margin", DoubleType, "Expected margin with the offer minus without it, net of the discount cost")
            .required("expected_cost", DoubleType, "Expected discount cost (modelled purchase chance with the offer times the discount); with contact_cost, what the offer spends from the budgets")
            .required("reason_codes", DataTypes.createArrayType(StringType, true), "Why the customer got the offer, e.g. overdue_on_rhythm, p_alive_dropping, high_affinity_never_bought")
            .required("priority", IntegerType, "Campaign priority (lower = earlier) used when a customer qualifies for several")
            .required("run_id", StringType, "Run that wrote the row")
            .column("contact_cost", DoubleType, "Cost of sending the offer on its channel (offers.contact-cost.*), spent from the budgets with expected_cost; for control and holdout rows what sending would have cost; null before contact costs were counted")
            .column("fatigue_cost", DoubleType, "offers.fatigue-cost times the offers sent to the customer earlier in the contact window, today's included; null before contact costs were counted")
            .column("net_expected_margin", DoubleType, "expected_incremental_margin minus contact_cost and fatigue_cost; an offer is sent only when it is above offers.min-net-margin")
            .partitionedBy("as_of")
            .keyedBy("as_of", "offer_id")
            .build();

    public static final TableSpec BUDGET_SHADOW_PRICES = new TableSpec.Builder("budget_shadow_prices",
            "Per budget and as-of date: what was spent and the shadow price, the expected incremental margin one more unit of budget would buy.")
            .required("as_of", DateType, "Date the offers were decided")
            .required("budget", StringType, "Campaign id, or global for the budget over all campaigns")
            .required("budget_amount", DoubleType, "Budget available for the day (expected discount cost plus contact cost)")
            .required("expected_spend", DoubleType, "Expected discount cost plus contact cost of the offers chosen")
            .required("shadow_price", DoubleType, "Lagrange multiplier: expected incremental margin per extra unit of budget (0 when the budget does not bind)")
            .required("offers", LongType, "Offers chosen under this budget (treatment and explore)")
            .required("expected_incremental_margin", DoubleType, "Sum of the chosen offers' expected incremental margin")
            .required("binding", BooleanType, "True when the budget limited the offers")
            .partitionedBy("as_of")
            .keyedBy("as_of", "budget")
            .build();

    public static final TableSpec OFFER_RESULTS = new TableSpec.Builder("offer_results",
            "Measured results per campaign over a period: redemption, and revenue and margin of the treated group against its control group.")
            .required("from_date", DateType, "First as-of date of the offers measured")
            .required("to_date", DateType, "Last as-of date of the offers measured")
            .required("campaign_id", StringType, "Campaign, or all: for all, the increments and intervals are the sums over the campaigns that have treatment and control rows, each measured against its own control rows")
            .required("offers_sent", LongType, "Offers in the treatment and explore groups")
            .required("control_customers", LongType, "Offers withheld: control and holdout rows, the comparison group")
            .required("redemptions", LongType, "Sent offers redeemed (an offer_id on a transaction in the validity window)")
            .required("redemption_rate", DoubleType, "redemptions divided by offers_sent")
            .required("revenue_per_treated", DoubleType, "Mean spend per treatment row in its validity window (explore rows are not in the lift)")
            .required("revenue_per_control", DoubleType, "Mean spend per withheld (control or holdout) row in its validity window")
            .required("incremental_revenue", DoubleType, "(revenue_per_treated - revenue_per_control) times the treatment rows")
            .required("incremental_margin", DoubleType, "Difference of mean margin per row (at product cost, net of discounts), treatment minus withheld, times the treatment rows")
            .required("incremental_margin_ci_low", DoubleType, "Lower end of the 95% confidence interval of incremental_margin (normal approximation, Welch standard error)")
            .required("incremental_margin_ci_high", DoubleType, "Upper end of the 95% confidence interval of incremental_margin")
            .required("adjusted_incremental_margin", DoubleType, "incremental_margin adjusted (CUPED) for each customer's margin in a window of the same length just before they were first chosen for the campaign: unbiased like incremental_margin, usually with a narrower interval")
            .required("adjusted_margin_ci_low", DoubleType, "Lower end of the 95% confidence interval of adjusted_incremental_margin")
            .required("adjusted_margin_ci_high", DoubleType, "Upper end of the 95% confidence interval of adjusted_incremental_margin")
            .required("variance_reduction", DoubleType, "Share of the variance of incremental_margin that the adjustment removes (0 when the pre-period margin does not vary)")
            .required("computed_at", TimestampType, "When the results were computed")
            .keyedBy("from_date", "to_date", "campaign_id")
            .build();

    public static final TableSpec POLICY_EVALUATION = new TableSpec.Builder("policy_evaluation",
            "Off-policy estimates, from the logged offers of a period and their outcomes, of what other offer policies would have earned: one row per policy and estimator.")
            .required("from_date", DateType, "First as-of date of the offers evaluated")
            .required("to_date", DateType, "Last as-of date of the offers evaluated")
            .required("policy", StringType, "logged (as run), send_all_planned, send_nothing, min_expected_incremental_margin, min_net_expected_margin, max_offers_per_night or steps")
            .required("policy_definition", StringType, "What the policy does with each planned offer, with its parameters")
            .required("estimator", StringType, "ips (inverse propensity), snips (self-normalised inverse propensity) or dr (doubly robust)")
            .required("slots", LongType, "Planned offers evaluated: treatment and control rows of nights with both groups")
            .required("matched_slots", LongType, "Slots whose logged action (sent or withheld) the policy takes too: the ones its estimate rests on")
            .required("unsupported_slots", LongType, "Slots where the policy takes an action the log never takes there (zero propensity); above 0 the policy cannot be estimated")
            .required("estimable", BooleanType, "False when the log cannot tell this policy's value; the value columns are then null")
            .column("value_per_slot", DoubleType, "Estimated mean reward per planned offer: margin in its validity window (as offer_results measures it) minus the contact cost when sent")
            .column("ci_low", DoubleType, "Lower end of the 95% confidence interval of value_per_slot (normal, from the per-slot influence values)")
            .column("ci_high", DoubleType, "Upper end of the 95% confidence interval of value_per_slot")
            .column("total_value", DoubleType, "value_per_slot times slots: what the policy would have earned on the planned offers of the period")
            .column("total_ci_low", DoubleType, "ci_low times slots")
            .column("total_ci_high", DoubleType, "ci_high times slots")
            .column("increment_per_slot", DoubleType, "value_per_slot minus that of send_nothing, from the same slots: what the policy's offers add per planned offer")
            .column("increment_ci_low", DoubleType, "Lower end of the 95% confidence interval of increment_per_slot (paired per-slot influence values, so narrower than the two values' intervals together)")
            .column("increment_ci_high", DoubleType, "Upper end of the 95% confidence interval of increment_per_slot")
            .required("effective_sample_size", DoubleType, "Kish's (sum of weights)^2 / sum of squared weights: the on-policy slots the estimate is worth")
            .required("observed_value_per_slot", DoubleType, "Mean reward per slot as logged; the logged policy's estimate should match it")
            .column("note", StringType, "Why the policy cannot be estimated, when it cannot")
            .required("computed_at", TimestampType, "When the estimates were computed")
            .keyedBy("from_date", "to_date", "policy", "estimator")
            .build();

    public static final TableSpec RESPONSE_MODEL = new TableSpec.Builder("response_model",
            "The purchase response to each campaign's offers learned from its logged treatment, explore and control rows and their outcomes: one fit per campaign and night, and whether the night's offers used it.")
            .required("as_of", DateType, "Night the fit was made for: it learns from offers decided before it whose validity window ended before it")
            .required("campaign_id", StringType, "Campaign")
            .required("outcomes", LongType, "Logged treatment, explore and control rows of the campaign with a closed validity window: the outcomes the fit learns from")
            .column("purchases", LongType, "Of those, rows whose customer bought the offer's target in the validity window; null when there are fewer than min_outcomes (not read)")
            .required("sent_rows", LongType, "Of the outcomes, treatment and explore rows (sent)")
            .required("withheld_rows", LongType, "Of the outcomes, control rows (withheld)")
            .required("min_outcomes", LongType, "offers.learned-response.min-outcomes when the fit was made")
            .required("fitted", BooleanType, "True when a logistic regression was fitted: enough outcomes, and both purchases and non-purchases, sent and withheld rows")
            .required("coefficients", DataTypes.createMapType(StringType, DoubleType, true), "Fitted coefficients by feature name (empty when not fitted); sent and sent_x_assumed_shift are the response to the offer")
            .required("prior_elasticity", DoubleType, "offers.response-elasticity: the assumed response the fit starts from")
            .column("elasticity", DoubleType, "Learned elasticity: prior_elasticity times the coefficient of sent_x_assumed_shift (logit shift per unit of price_sensitivity x discount fraction)")
            .column("elasticity_standard_error", DoubleType, "Standard error of elasticity (from the fit's weighted information matrix)")
            .column("sent_uplift", DoubleType, "Learned logit shift of being sent an offer at no discount (coefficient of sent)")
            .required("validation_rows", LongType, "Outcomes held out of the fit (a fixed hash of offer_id) to validate it")
            .column("log_loss_learned", DoubleType, "Weighted log-loss of the learned response on the held-out rows (lower is better)")
            .column("log_loss_prior", DoubleType, "Weighted log-loss of the assumed response on the same rows and the same fitted baseline (the fit with its response replaced by the assumed logit shift)")
            .column("auc_learned", DoubleType, "Area under the ROC curve of the learned response on the held-out rows")
            .column("auc_prior", DoubleType, "Area under the ROC curve of the assumed response on the held-out rows")
            .required("converged", BooleanType, "True when the fit converged with finite coefficients")
            .required("used", BooleanType, "True when the night's offers of the campaign were priced with this fit instead of the assumed response")
            .required("reason", StringType, "Why the fit is used or not: learned, too_few_outcomes, no_variation, not_converged or worse_than_prior")
            .required("fitted_at", TimestampType, "When the fit was made")
            .partitionedBy("as_of")
            .keyedBy("as_of", "campaign_id")
            .build();

    public static final TableSpec POINTS_LEDGER = new TableSpec.Builder("points_ledger",
            "Loyalty points, append-only: one row per earn, hold release, redemption, expiry, adjustment or reversal; balances are sums of it.")
            .required("entry_id", StringType, "Hash of the entry type, rule and source ids; the same event processed twice is stored once")
            .required("customer_id", StringType, "Member the points belong to")
            .required("entry_type", StringType, "earn, hold_release, redeem, expire, adjust or reverse")
            .required("points_kind", StringType, "redeemable (can be spent) or qualifying (counts towards the tier only)")
            .required("bucket", StringType, "pending (inside the return window), available (redeemable now) or qualifying")
            .required("points", LongType, "Signed points: positive adds to the bucket, negative takes from it")
            .required("entry_date", DateType, "Day the entry takes effect")
            .required("source_id", StringType, "Source of the entry: transaction line_id, offer_id, redemption_id, referred customer or member id")
            .column("source_date", DateType, "Day of the source event; for redeemable points, the day the lot was earned (FIFO expiry order)")
            .column("related_entry_id", StringType, "Earn entry a hold release or reversal refers to")
            .required("rule", StringType, "Earning rule or process that made the entry, e.g. base, category_multiplier, return, expiry_fifo")
            .required("run_id", StringType, "Run that wrote the entry")
            .required("created_at", TimestampType, "When the entry was written")
            .keyedBy("entry_id")
            .build();

    public static final TableSpec POINTS_BALANCE = new TableSpec.Builder("points_balance",
            "Each member's loyalty balances, derived from points_ledger by the latest loyalty run; never updated on their own.")
            .required("as_of", DateType, "Date of the loyalty run that derived the balances (ledger entries up to this day)")
            .required("customer_id", StringType, "Member")
            .required("available", LongType, "Redeemable points available now: sum of the available bucket")
            .required("pending", LongType, "Points earned inside the return window, released when it closes: sum of the pending bucket")
            .required("qualifying", LongType, "Qualifying points earned in the tier window (loyalty tier.window-days) up to as_of")
            .required("lifetime_earned", LongType, "All redeemable points ever earned (earn entries), before reversals")
            .required("lifetime_redeemed", LongType, "All points ever redeemed, as a positive number")
            .required("lifetime_expired", LongType, "All points ever expired, as a positive number")
            .column("last_earn_date", DateType, "Day of the latest earn entry")
            .column("last_burn_date", DateType, "Day of the latest redemption")
            .column("days_since_last_earn", IntegerType, "as_of minus last_earn_date (null if never earned); dormant members feed win-back")
            .column("days_since_last_burn", IntegerType, "as_of minus last_burn_date (null if never redeemed)")
            .column("tier", StringType, "Current tier from member_tier")
            .keyedBy("customer_id")
            .build();

    public static final TableSpec MEMBER_TIER = new TableSpec.Builder("member_tier",
            "History of each member's loyalty tier: one row per period in a tier; the current row has no valid_to.")
            .required("customer_id", StringType, "Member")
            .required("tier", StringType, "Tier name from the loyalty configuration (tier.levels)")
            .required("valid_from", DateType, "First day in the tier")
            .column("valid_to", DateType, "Last day in the tier; null for the current tier")
            .required("change", StringType, "enrolled, upgrade or downgrade: how the member entered the tier")
            .required("qualifying_points", LongType, "Qualifying points in the tier window on valid_from")
            .required("run_id", StringType, "Run that last wrote the row")
            .keyedBy("customer_id", "valid_from")
            .build();

    public static final TableSpec REFERRALS = new TableSpec.Builder("referrals",
            "Accepted referrals: who brought whom; the referred customer's first-purchase discount and the referrer's bonus follow from it.")
            .required("referred_id", StringType, "Customer who was referred; at most one accepted referral each")
            .required("referrer_id", StringType, "Member who referred them")
            .required("referral_date", DateType, "Day of the referral")
            .column("referral_code", StringType, "Code used, as given")
            .required("first_purchase_discount_percent", DoubleType, "Discount the referred customer gets on the first purchase (referral.first-purchase-discount-percent), for the till to apply")
            .required("run_id", StringType, "Run that accepted the referral")
            .required("accepted_at", TimestampType, "When the referral was accepted")
            .keyedBy("referred_id")
            .build();

    public static final TableSpec LOYALTY_METRICS = new TableSpec.Builder("loyalty_metrics",
            "One row per day of the loyalty programme: members, points earned and burned, outstanding points and their liability, tiers and referrals.")
            .required("as_of", DateType, "Day the figures describe")
            .required("members", LongType, "Members with at least one ledger entry")
            .required("active_members", LongType, "Members who earned or redeemed in the active window (loyalty metrics.active-days) up to as_of")
            .required("points_earned", LongType, "Redeemable points earned on as_of (earn entries dated that day)")
            .required("points_burned", LongType, "Points redeemed on as_of, as a positive number")
            .required("points_expired", LongType, "Points expired on as_of, as a positive number")
            .required("points_outstanding", LongType, "Available plus pending points of all members at the end of as_of")
            .required("point_value", DoubleType, "Currency value of one point (offers.point-value)")
            .required("breakage_rate", DoubleType, "Estimated share of outstanding points never redeemed: expired / (expired + redeemed) over the ledger, shrunk to liability.prior-breakage in the loyalty file (see docs/loyalty.md)")
            .required("liability_gross", DoubleType, "points_outstanding times point_value")
            .required("liability_net", DoubleType, "liability_gross times (1 - breakage_rate)")
            .required("redemption_rate", DoubleType, "Points ever redeemed divided by points ever earned (0 when none earned)")
            .required("tier_members", DataTypes.createMapType(StringType, LongType, true), "Members per current tier")
            .required("tier_upgrades", LongType, "Members upgraded on as_of")
            .required("tier_downgrades", LongType, "Members downgraded on as_of")
            .required("referrals_accepted", LongType, "Referrals accepted up to as_of")
            .required("referral_conversions", LongType, "Accepted referrals whose referred customer has bought, up to as_of")
            .required("run_id", StringType, "Run that wrote the row")
            .partitionedBy("as_of")
            .keyedBy("as_of")
            .build();

    public static final TableSpec ERASURE_LOG = new TableSpec.Builder("erasure_log",
            "One row per customer erased by forget: a hash of the id (never the id), when, and how many rows each table lost.")
            .required("erasure_run_id", StringType, "Run of the forget command")
            .required("customer_sha256", StringType, "SHA-256 of the erased customer id (UTF-8, lower-case hex): proves the erasure without keeping the id; ids are guessable, so this is a pseudonym, not anonymous")
            .required("erased_at", TimestampType, "When the rows were deleted")
            .required("rows_deleted", DataTypes.createMapType(StringType, LongType, true), "Rows deleted per table; quarantine counts raw records holding the id, exports/offers the rows of the CSV exports")
            .required("vacuum_retention_hours", DoubleType, "Retention VACUUM ran with after the erasure: files older than this that held the customer were removed")
            .required("old_files_removed_by", TimestampType, "When no data file holding the customer remains: erased_at when VACUUM ran with retention 0, else the time after which the next maintain run removes them")
            .keyedBy("erasure_run_id", "customer_sha256")
            .build();

    /** Every table, in the order the nightly run writes them. */
    public static final List<TableSpec> ALL = List.of(TRANSACTIONS, QUARANTINE, CUSTOMERS, PRODUCTS, RUN_LOG, RFM,
            CUSTOMER_STATE, POPULATION_MODEL, CUSTOMER_MODEL, MODEL_EVALUATION, PRODUCT_AFFINITY, AFFINITY_RANKER, AFFINITY_EVALUATION,
            OFFERS, BUDGET_SHADOW_PRICES, OFFER_RESULTS, POLICY_EVALUATION, RESPONSE_MODEL, POINTS_LEDGER, POINTS_BALANCE, MEMBER_TIER, REFERRALS, LOYALTY_METRICS,
            ERASURE_LOG);


    private Tables() {
    }
}
