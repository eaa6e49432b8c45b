package dev.onetoone.simulation;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.onetoone.generate.SyntheticDataGenerator;

/**
 * The products of a generated sample as the response simulator needs them: id, category, price and cost in cents,
 * indexed by id and by category. Read on the driver from {@code products.csv} (a catalogue, not per-customer data)
 * and shipped to the executors with the simulation function.
 */
final class ResponseCatalogue implements Serializable {
    private static final long serialVersionUID = 1L;

    record Item(String id, String category, long priceCents, long costCents) implements Serializable {
    }

    private final List<Item> items;
    private final Map<String, Integer> byId = new HashMap<>();
    private final Map<String, int[]> byCategory = new HashMap<>();
    private final Map<String, Double> meanCategoryPrice = new HashMap<>();

    ResponseCatalogue(List<Item> items) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("the product catalogue is empty");
        }
        this.items = List.copyOf(items);
        Map<String, List<Integer>> categories = new HashMap<>();
        for (int index = 0; index < items.size(); index++) {
            Item item = items.get(index);
            byId.put(item.id(), index);
            categories.computeIfAbsent(item.category(), key -> new ArrayList<>()).add(index);
        }
        categories.forEach((category, indices) -> {
            byCategory.put(category, indices.stream().mapToInt(Integer::intValue).toArray());
            meanCategoryPrice.put(category, indices.stream().mapToLong(index -> items.get(index).priceCents()).average().orElse(0) / 100.0);
        });
    }

    /** Reads the generator's products.csv (product_id,name,category,price,unit_cost,replenishable). */
    static ResponseCatalogue read(Path productsFile) throws IOException {
        List<String> lines = Files.readAllLines(productsFile, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).startsWith("product_id,")) {
            throw new IllegalArgumentException(productsFile + " is not a generator products file: expected the header "
                    + SyntheticDataGenerator.PRODUCTS_HEADER);
        }
        List<Item> items = new ArrayList<>(lines.size());
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",", -1);
            if (fields.length < 5) {
                throw new IllegalArgumentException(productsFile + ": line with fewer than 5 fields: " + line);
            }
            items.add(new Item(fields[0], fields[2], cents(fields[3]), fields[4].isEmpty() ? 0L : cents(fields[4])));
        }
        return new ResponseCatalogue(items);
    }

    private static long cents(String decimal) {
        return new java.math.BigDecimal(decimal).movePointRight(2).longValueExact();
    }

    int size() {
        return items.size();
    }

    Item item(int index) {
        return items.get(index);
    }

    /** Index of a product id, or -1. */
    int indexOf(String productId) {
        return productId == null ? -1 : byId.getOrDefault(productId, -1);
    }

    /** Indices of the products of a category; empty if the category is unknown. */
    int[] inCategory(String category) {
        return category == null ? new int[0] : byCategory.getOrDefault(category, new int[0]);
    }

    /** Mean list price of a category's products, 0 if unknown. */
    double meanPrice(String category) {
        return category == null ? 0.0 : meanCategoryPrice.getOrDefault(category, 0.0);
    }
}
