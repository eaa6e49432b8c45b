package dev.onetoone.affinity;

/** The four scorers, with their score column and the reason written for items they contribute most to. */
public enum AffinitySource {
    BUY_AGAIN("buy_again", "buy_again_score", "due_repeat"),
    COLLABORATIVE("collaborative", "collaborative_score", "similar_customers"),
    CO_OCCURRENCE("co_occurrence", "co_occurrence_score", "bought_together"),
    POPULARITY("popularity", "popularity_score", "popular_in_category");

    private final String label;
    private final String scoreColumn;
    private final String reason;

    AffinitySource(String label, String scoreColumn, String reason) {
        this.label = label;
        this.scoreColumn = scoreColumn;
        this.reason = reason;
    }

    /** Short name used in predictor names and run_log details. */
    public String label() {
        return label;
    }

    public String scoreColumn() {
        return scoreColumn;
    }

    /** The value of product_affinity.source for items this scorer contributes most to. */
    public String reason() {
        return reason;
    }
}
