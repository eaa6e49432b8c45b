package dev.onetoone.generate;

import java.util.List;

/**
 * The twelve categories of the synthetic catalogue: ten consumable (grocery and drugstore) ones that
 * are bought again on a cycle, and two durable ones that are not. Prices are log-normal per
 * category around a realistic shelf price; the spread widens for categories with a wide range
 * (electronics spans cables to headphones).
 *
 * <p>{@code cycleFactor} scales a customer's personal replenishment cycle: fresh goods come back
 * faster than detergent.
 */
public enum ProductCategory {
    COFFEE("coffee", 0.07, 0.08, 6.5, 0.45, true, 1.0,
            List.of("Espresso Beans", "Ground Coffee", "Coffee Capsules", "Instant Coffee", "Decaf Beans", "Cold Brew")),
    DAIRY("dairy", 0.10, 0.14, 2.2, 0.40, true, 0.5,
            List.of("Whole Milk", "Greek Yoghurt", "Butter", "Cheddar", "Mozzarella", "Cream", "Oat Drink")),
    BAKERY("bakery", 0.07, 0.10, 2.8, 0.40, true, 0.35,
            List.of("Sourdough Loaf", "Baguette", "Croissants", "Rye Bread", "Bagels", "Muffins")),
    PRODUCE("produce", 0.10, 0.14, 2.5, 0.45, true, 0.5,
            List.of("Bananas", "Apples", "Tomatoes", "Avocados", "Carrots", "Salad Mix", "Berries", "Potatoes")),
    HOUSEHOLD("household", 0.09, 0.08, 5.5, 0.55, true, 2.0,
            List.of("Laundry Detergent", "Dish Soap", "Paper Towels", "Toilet Paper", "Bin Bags", "Surface Cleaner")),
    PERSONAL_CARE("personal_care", 0.09, 0.07, 5.0, 0.55, true, 2.0,
            List.of("Shampoo", "Toothpaste", "Shower Gel", "Deodorant", "Face Cream", "Razor Blades")),
    BABY("baby", 0.06, 0.04, 9.0, 0.60, true, 0.8,
            List.of("Nappies", "Baby Wipes", "Infant Formula", "Baby Food Pouch", "Baby Lotion")),
    PET("pet", 0.06, 0.05, 8.0, 0.70, true, 1.5,
            List.of("Dry Dog Food", "Wet Cat Food", "Cat Litter", "Dog Treats", "Bird Seed")),
    BEVERAGES("beverages", 0.09, 0.11, 2.8, 0.50, true, 0.7,
            List.of("Sparkling Water", "Orange Juice", "Cola", "Iced Tea", "Lemonade", "Sports Drink")),
    SNACKS("snacks", 0.09, 0.11, 2.5, 0.45, true, 0.7,
            List.of("Potato Crisps", "Dark Chocolate", "Granola Bars", "Salted Nuts", "Biscuits", "Popcorn")),
    ELECTRONICS("electronics", 0.10, 0.04, 45.0, 0.90, false, 0.0,
            List.of("USB-C Cable", "Headphones", "Power Bank", "Phone Case", "Smart Plug", "Bluetooth Speaker")),
    APPAREL("apparel", 0.08, 0.04, 25.0, 0.60, false, 0.0,
            List.of("T-Shirt", "Socks", "Hoodie", "Jeans", "Rain Jacket", "Sneakers"));

    private final String label;
    private final double catalogueShare;
    private final double popularity;
    private final double medianPrice;
    private final double priceSpread;
    private final boolean replenishable;
    private final double cycleFactor;
    private final List<String> productNouns;

    ProductCategory(String label, double catalogueShare, double popularity, double medianPrice, double priceSpread,
            boolean replenishable, double cycleFactor, List<String> productNouns) {
        this.label = label;
        this.catalogueShare = catalogueShare;
        this.popularity = popularity;
        this.medianPrice = medianPrice;
        this.priceSpread = priceSpread;
        this.replenishable = replenishable;
        this.cycleFactor = cycleFactor;
        this.productNouns = productNouns;
    }

    /** The value written to the {@code category} columns. */
    public String label() {
        return label;
    }

    /** Share of the catalogue's products in this category. */
    public double catalogueShare() {
        return catalogueShare;
    }

    /** Population-average share of category choices; the centre of each customer's Dirichlet. */
    public double popularity() {
        return popularity;
    }

    /** Median list price; prices are log-normal around it. */
    public double medianPrice() {
        return medianPrice;
    }

    /** Standard deviation of log price. */
    public double priceSpread() {
        return priceSpread;
    }

    /** Whether products in this category are consumed and bought again on a cycle. */
    public boolean replenishable() {
        return replenishable;
    }

    /** Multiplier on a customer's personal replenishment cycle; zero for durable categories. */
    public double cycleFactor() {
        return cycleFactor;
    }

    List<String> productNouns() {
        return productNouns;
    }
}
