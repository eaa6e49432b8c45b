package dev.onetoone.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The synthetic catalogue: products per category with log-normal list prices and a Zipf-like
 * popularity within each category, so that a few products sell much more than the rest as in real
 * retail assortments.
 */
public final class ProductCatalog {

    /** Zipf exponent of within-category popularity. */
    private static final double POPULARITY_EXPONENT = 0.9;

    private static final List<String> BRANDS = List.of(
            "Alder", "Birchwood", "Cobalt", "Dunmore", "Ember", "Fjordland", "Granite", "Harbor", "Iris",
            "Juniper", "Kestrel", "Linden", "Maple Lane", "Nova", "Orchard", "Pinecrest", "Quarry", "Ridgeway",
            "Sierra", "Tundra");

    private final List<Product> products;
    private final int[][] productsByCategory;
    private final double[][] cumulativePopularityByCategory;
    private final double[][] popularityByCategory;

    private ProductCatalog(List<Product> products, int[][] productsByCategory, double[][] cumulativePopularityByCategory,
            double[][] popularityByCategory) {
        this.products = products;
        this.productsByCategory = productsByCategory;
        this.cumulativePopularityByCategory = cumulativePopularityByCategory;
        this.popularityByCategory = popularityByCategory;
    }

    /** Catalogue size for a customer count: grows with the customer base, between 300 and 50,000. */
    public static int productCountFor(int customers) {
        return Math.min(50_000, Math.max(300, customers / 20));
    }

    /** Builds the catalogue deterministically from the random source. */
    public static ProductCatalog generate(int productCount, SplittableRandom random) {
        ProductCategory[] categories = ProductCategory.values();
        double totalShare = 0.0;
        for (ProductCategory category : categories) {
            totalShare += category.catalogueShare();
        }
        List<Product> products = new ArrayList<>(productCount);
        int[][] productsByCategory = new int[categories.length][];
        double[][] cumulativePopularity = new double[categories.length][];
        double[][] popularityWeights = new double[categories.length][];
        double runningShare = 0.0;
        long previousBoundary = 0;
        for (ProductCategory category : categories) {
            // Cumulative rounding makes the counts add up to productCount exactly.
            runningShare += category.catalogueShare();
            long boundary = Math.round(productCount * runningShare / totalShare);
            int count = (int) Math.max(1, boundary - previousBoundary);
            previousBoundary = boundary;
            int[] indices = new int[count];
            int[] ranks = new int[count];
            for (int offset = 0; offset < count; offset++) {
                ranks[offset] = offset + 1;
            }
            // Fisher-Yates, so that popularity is not tied to the product id order.
            for (int offset = count - 1; offset > 0; offset--) {
                int swap = random.nextInt(offset + 1);
                int kept = ranks[offset];
                ranks[offset] = ranks[swap];
                ranks[swap] = kept;
            }
            double[] popularity = new double[count];
            for (int offset = 0; offset < count; offset++) {
                int index = products.size();
                indices[offset] = index;
                popularity[offset] = 1.0 / Math.pow(ranks[offset], POPULARITY_EXPONENT);
                products.add(newProduct(index, category, random));
            }
            productsByCategory[category.ordinal()] = indices;
            cumulativePopularity[category.ordinal()] = RandomDistributions.cumulative(popularity);
            popularityWeights[category.ordinal()] = popularity;
        }
        return new ProductCatalog(List.copyOf(products), productsByCategory, cumulativePopularity, popularityWeights);
    }

    private static Product newProduct(int index, ProductCategory category, SplittableRandom random) {
        double rawPrice = RandomDistributions.logNormal(random, Math.log(category.medianPrice()), category.priceSpread());
        // Shelf prices end in 9: round to ten cents, then take one cent off; never below 0.29.
        long priceCents = Math.max(29L, Math.round(rawPrice * 10.0) * 10L - 1L);
        double margin = 0.45 + 0.40 * random.nextDouble();
        long unitCostCents = Math.max(1L, Math.round(priceCents * margin));
        String brand = BRANDS.get(random.nextInt(BRANDS.size()));
        List<String> nouns = category.productNouns();
        String noun = nouns.get(random.nextInt(nouns.size()));
        String id = SyntheticDataGenerator.paddedId('P', index + 1L, 6);
        String name = brand + " " + noun + " " + (index + 1);
        return new Product(index, id, name, category, priceCents, unitCostCents);
    }

    public List<Product> products() {
        return products;
    }

    public int size() {
        return products.size();
    }

    public Product product(int index) {
        return products.get(index);
    }

    /** Catalogue indices of the products in a category. */
    int[] productIndices(ProductCategory category) {
        return productsByCategory[category.ordinal()];
    }

    /** Popularity weights (Zipf, not normalised) of the category's products, in the order of {@link #productIndices}. */
    double[] popularityWeights(ProductCategory category) {
        return popularityByCategory[category.ordinal()];
    }

    /** A product of the category drawn by popularity. */
    Product popularProduct(ProductCategory category, SplittableRandom random) {
        int offset = RandomDistributions.categorical(random, cumulativePopularityByCategory[category.ordinal()]);
        return products.get(productsByCategory[category.ordinal()][offset]);
    }
}
