package dev.onetoone.model;

/**
 * Settings of the {@link PreferenceStep}.
 *
 * @param halfLifeDays          age in days at which a purchase line weighs half as much as one made on the as-of
 *                              date; positive and finite (default 180)
 * @param sensitivityPriorLines weight of the population's discount share in {@code price_sensitivity}, in
 *                              pseudo-lines; zero or more and finite (default 10)
 * @param favouriteProducts     length of {@code favourite_products}; zero or more (default 5)
 */
public record PreferenceSettings(double halfLifeDays, double sensitivityPriorLines, int favouriteProducts) {

    public PreferenceSettings {
        if (!(halfLifeDays > 0) || Double.isInfinite(halfLifeDays)) {
            throw new IllegalArgumentException("halfLifeDays must be positive and finite, got " + halfLifeDays);
        }
        if (!(sensitivityPriorLines >= 0) || Double.isInfinite(sensitivityPriorLines)) {
            throw new IllegalArgumentException(
                    "sensitivityPriorLines must be zero or more and finite, got " + sensitivityPriorLines);
        }
        if (favouriteProducts < 0) {
            throw new IllegalArgumentException("favouriteProducts must be zero or more, got " + favouriteProducts);
        }
    }

    /** Half-life 180 days, a prior of 10 lines, five favourite products. */
    public static PreferenceSettings defaults() {
        return new PreferenceSettings(180, 10, 5);
    }
}
