package dev.onetoone.affinity;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

import org.apache.spark.sql.Row;

/**
 * The customers among whom {@link TifuKnn} looks for each customer's nearest neighbours, as an inverted index
 * (product to the pool members who bought it, with their own-vector weights), broadcast to the executors.
 *
 * <p>Scoring one customer touches only the pool members who share a product with it, through the index, and keeps the
 * {@code k} most similar in a bounded heap: the work per customer is bounded by the pool, not by the number of
 * customers. A search over every customer would grow with the square of the buyers of each product (at 10,000
 * generated customers the pairwise join already took 158 s of a night, and at 1,000,000 it would not finish).
 *
 * <p>The pool is at most {@code affinity.tifu.pool-size} customers' own vectors: a bounded sample, like the item
 * factors a recommender broadcasts, not the customers' data. Below that size it holds every customer and the search
 * is exact.
 */
final class NeighbourPool implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String[] members;
    private final Map<String, Integer> memberIndex;
    private final double[] norms;
    private final String[] products;
    private final Map<String, Integer> productIndex;
    /** Per member: the indices of its products and its own-vector weights. */
    private final int[][] memberProducts;
    private final double[][] memberWeights;
    /** Per product: the members who bought it and their own-vector weights. */
    private final int[][] buyers;
    private final double[][] buyerWeights;

    private NeighbourPool(Map<String, Map<String, Double>> vectors) {
        members = vectors.keySet().stream().sorted().toArray(String[]::new);
        memberIndex = new HashMap<>();
        for (int m = 0; m < members.length; m++) {
            memberIndex.put(members[m], m);
        }
        products = vectors.values().stream().flatMap(vector -> vector.keySet().stream()).distinct().sorted().toArray(String[]::new);
        productIndex = new HashMap<>();
        for (int p = 0; p < products.length; p++) {
            productIndex.put(products[p], p);
        }
        norms = new double[members.length];
        memberProducts = new int[members.length][];
        memberWeights = new double[members.length][];
        int[] buyerCounts = new int[products.length];
        for (int m = 0; m < members.length; m++) {
            Map<String, Double> vector = vectors.get(members[m]);
            memberProducts[m] = new int[vector.size()];
            memberWeights[m] = new double[vector.size()];
            int i = 0;
            double squares = 0;
            for (Map.Entry<String, Double> entry : vector.entrySet()) {
                int product = productIndex.get(entry.getKey());
                memberProducts[m][i] = product;
                memberWeights[m][i] = entry.getValue();
                squares += entry.getValue() * entry.getValue();
                buyerCounts[product]++;
                i++;
            }
            norms[m] = Math.sqrt(squares);
        }
        buyers = new int[products.length][];
        buyerWeights = new double[products.length][];
        for (int p = 0; p < products.length; p++) {
            buyers[p] = new int[buyerCounts[p]];
            buyerWeights[p] = new double[buyerCounts[p]];
        }
        int[] filled = new int[products.length];
        for (int m = 0; m < members.length; m++) {
            for (int i = 0; i < memberProducts[m].length; i++) {
                int product = memberProducts[m][i];
                buyers[product][filled[product]] = m;
                buyerWeights[product][filled[product]] = memberWeights[m][i];
                filled[product]++;
            }
        }
    }

    /** @param rows customer_id, product_id, own_vector of the pool's members */
    static NeighbourPool of(List<Row> rows) {
        Map<String, Map<String, Double>> vectors = new HashMap<>();
        for (Row row : rows) {
            vectors.computeIfAbsent(row.getString(0), id -> new HashMap<>()).put(row.getString(1), row.getDouble(2));
        }
        return new NeighbourPool(vectors);
    }

    int size() {
        return members.length;
    }

    /** One product's TIFU-KNN scores for a customer. */
    record Scored(String productId, double ownVector, double neighbourVector, double tifuScore) {
    }

    /**
     * Reusable work arrays of one task: scoring a customer writes only the entries it touches and clears them after.
     */
    final class Scorer {
        private final double[] dots = new double[members.length];
        private final int[] touched = new int[members.length];
        private final double[] neighbourSums = new double[products.length];
        private final int[] touchedProducts = new int[products.length];
        private final boolean[] memberTouched = new boolean[members.length];
        private final boolean[] productTouched = new boolean[products.length];

        /**
         * The customer's scores: every product of its own vector, and the {@code maxProducts} best of the products
         * only its neighbours bought (ties by product id).
         *
         * @param customerId  the customer, left out of its own neighbours when it is in the pool
         * @param productIds  the products of its own vector
         * @param ownVector   their weights u(i)
         * @param neighbours  k, the number of neighbours; the neighbours' mean divides by k (paper, eq. 4)
         * @param alpha       weight of the own vector (eq. 5)
         */
        List<Scored> score(String customerId, String[] productIds, double[] ownVector, int neighbours, double alpha, int maxProducts) {
            double squares = 0;
            for (double value : ownVector) {
                squares += value * value;
            }
            double norm = Math.sqrt(squares);
            Integer self = memberIndex.get(customerId);
            int touchedCount = 0;
            for (int i = 0; i < productIds.length; i++) {
                Integer product = productIndex.get(productIds[i]);
                if (product == null) {
                    continue;
                }
                int[] productBuyers = buyers[product];
                double[] weights = buyerWeights[product];
                for (int b = 0; b < productBuyers.length; b++) {
                    int member = productBuyers[b];
                    if (!memberTouched[member]) {
                        memberTouched[member] = true;
                        touched[touchedCount++] = member;
                    }
                    dots[member] += ownVector[i] * weights[b];
                }
            }
            // The k most similar by cosine, ties by id: a min-heap on (similarity, reversed id) whose head is the worst kept.
            PriorityQueue<double[]> nearest = new PriorityQueue<>(Math.max(1, Math.min(neighbours, touchedCount)) + 1,
                    (x, y) -> x[0] != y[0] ? Double.compare(x[0], y[0]) : members[(int) y[1]].compareTo(members[(int) x[1]]));
            for (int t = 0; t < touchedCount; t++) {
                int member = touched[t];
                double dot = dots[member];
                dots[member] = 0.0;
                memberTouched[member] = false;
                // A zero vector (every weight decayed to 0) has no direction: it is nobody's neighbour.
                if (self != null && member == self || dot <= 0.0 || norm == 0.0 || norms[member] == 0.0) {
                    continue;
                }
                double[] candidate = {dot / (norm * norms[member]), member};
                if (nearest.size() < neighbours) {
                    nearest.add(candidate);
                } else if (nearest.comparator().compare(candidate, nearest.peek()) > 0) {
                    nearest.poll();
                    nearest.add(candidate);
                }
            }
            int productCount = 0;
            for (double[] neighbour : nearest) {
                int member = (int) neighbour[1];
                for (int i = 0; i < memberProducts[member].length; i++) {
                    int product = memberProducts[member][i];
                    if (!productTouched[product]) {
                        productTouched[product] = true;
                        touchedProducts[productCount++] = product;
                    }
                    neighbourSums[product] += memberWeights[member][i];
                }
            }
            List<Scored> scored = new ArrayList<>(productIds.length + Math.min(productCount, maxProducts));
            for (int i = 0; i < productIds.length; i++) {
                Integer product = productIndex.get(productIds[i]);
                double neighbourVector = product == null ? 0.0 : neighbourSums[product] / neighbours;
                if (product != null) {
                    neighbourSums[product] = 0.0;
                    productTouched[product] = false;
                }
                scored.add(new Scored(productIds[i], ownVector[i], neighbourVector, alpha * ownVector[i] + (1 - alpha) * neighbourVector));
            }
            List<Scored> others = new ArrayList<>();
            for (int t = 0; t < productCount; t++) {
                int product = touchedProducts[t];
                double sum = neighbourSums[product];
                neighbourSums[product] = 0.0;
                // Own products were cleared above; a product the neighbours weigh 0 scores nothing.
                if (productTouched[product] && sum > 0.0) {
                    double neighbourVector = sum / neighbours;
                    others.add(new Scored(products[product], 0.0, neighbourVector, (1 - alpha) * neighbourVector));
                }
            }
            for (int t = 0; t < productCount; t++) {
                productTouched[touchedProducts[t]] = false;
            }
            others.sort((x, y) -> x.tifuScore() != y.tifuScore() ? Double.compare(y.tifuScore(), x.tifuScore())
                    : x.productId().compareTo(y.productId()));
            scored.addAll(others.subList(0, Math.min(maxProducts, others.size())));
            return scored;
        }
    }

    @Override
    public String toString() {
        return "NeighbourPool[" + members.length + " customers, " + products.length + " products, " + Arrays.stream(buyers).mapToInt(b -> b.length).sum() + " entries]";
    }
}
