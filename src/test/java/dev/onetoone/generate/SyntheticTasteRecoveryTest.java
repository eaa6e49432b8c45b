package dev.onetoone.generate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.onetoone.testing.SparkTestSupport;

/**
 * ALS finds the latent taste the generator hides, and finds nothing of it when the same vectors are drawn without
 * effect (strength 0): its item factors line up with the true vectors, and on a time split it finds customers' future
 * new products clearly better than popularity only when taste drives the choice.
 *
 * <p>With taste, customer u picks product v with weight proportional to popularity * exp(s u . v / sqrt(K)): a logit
 * factor model of rank K. Implicit ALS (Hu, Koren and Volinsky 2008) factorises who-bought-what, so where taste drives
 * the choice, two products bought by the same customers get close item factors exactly when their true vectors point
 * the same way: among the products of a category, the cosine of the ALS item factors grows with the cosine of the true
 * vectors. Popularity, repeat purchases and sampling noise add structure ALS also fits, so the relation is clearly
 * positive rather than perfect. Without effect, the true vectors are independent of every purchase, and the
 * correlation over product pairs is 0 up to sampling noise: a Mantel-type correlation over groups of m products
 * has a standard deviation of the order of 1 / sqrt(number of products), here below 0.07.
 */
class SyntheticTasteRecoveryTest extends SparkTestSupport {

    private static final LocalDate START = LocalDate.of(2024, 1, 1);
    private static final LocalDate END = LocalDate.of(2025, 12, 31);
    private static final int CUSTOMERS = 2_000;
    private static final int FACTORS = 3;
    /** Products need enough buyers for their ALS factors to mean anything. */
    private static final int MIN_BUYERS = 30;

    @TempDir
    Path directory;

    @Test
    void alsItemFactorsAgreeWithTheTrueTasteVectorsOnlyWhenTasteDrivesChoice() throws IOException {
        double tasted = trueAgainstLearnedSimilarity(generate(2.0));
        double untasted = trueAgainstLearnedSimilarity(generate(0.0));
        System.out.printf("correlation of true and ALS product cosine similarity: strength 2 %.3f, strength 0 %.3f%n",
                tasted, untasted);
        assertTrue(tasted > 0.4, "with taste: " + tasted);
        assertTrue(Math.abs(untasted) < 0.15, "without effect: " + untasted);
    }

    @Test
    void alsFindsFutureNewProductsBetterThanPopularityOnlyWithTaste() throws IOException {
        double tasted = alsOverPopularityOnNewProducts(generate(2.0));
        double untasted = alsOverPopularityOnNewProducts(generate(0.0));
        System.out.printf("ALS over popularity, hits@10 on products new after the split: strength 2 %.3f, strength 0 %.3f%n",
                tasted, untasted);
        assertTrue(tasted > 1.3, "with taste: " + tasted);
        assertTrue(untasted < 1.2, "without effect: " + untasted);
    }

    /**
     * Hits of ALS over hits of popularity among the ten best products a customer had not bought. Lines before
     * 2025-07-01 train ALS; every customer who buys after it a product they had not bought before is ranked.
     *
     * <p>With taste, a customer's new product is drawn with weight popularity * exp(2 x), x their standard normal
     * alignment with it: the taste term varies more across a category's few dozen products than the Zipf popularity
     * does, and ALS has learned the customer's direction from what they bought, so it finds clearly more of those
     * products than the best-seller list. Without effect, a new product is drawn by popularity within a category chosen
     * by the customer's own shares: popularity knows the first part exactly and ALS approximates both, so neither
     * leads by much. The hit counts are a few hundred, so the ratio's sampling error is about 0.1-0.15.
     */
    private static double alsOverPopularityOnNewProducts(Path out) throws IOException {
        String split = "2025-07-01";
        Map<Long, Integer> linesPerPair = new HashMap<>();
        Map<Integer, Set<Integer>> before = new HashMap<>();
        Map<Integer, Set<Integer>> after = new HashMap<>();
        Map<Integer, Integer> buyersBefore = new HashMap<>();
        for (String[] line : GeneratedFiles.rows(out.resolve("transactions.csv"))) {
            if (!line[0].startsWith("T")) {
                continue;
            }
            int customer = Integer.parseInt(line[1].substring(1)) - 1;
            int product = productIndex(line[3]);
            if (line[2].compareTo(split) < 0) {
                linesPerPair.merge((long) customer * 1_000_000L + product, 1, Integer::sum);
                if (before.computeIfAbsent(customer, key -> new HashSet<>()).add(product)) {
                    buyersBefore.merge(product, 1, Integer::sum);
                }
            } else {
                after.computeIfAbsent(customer, key -> new HashSet<>()).add(product);
            }
        }
        ALSModel model = fit(linesPerPair);
        Map<Integer, double[]> items = factors(model.itemFactors());
        Map<Integer, double[]> users = factors(model.userFactors());
        List<Integer> byPopularity = new ArrayList<>(buyersBefore.keySet());
        byPopularity.sort((left, right) -> Integer.compare(buyersBefore.get(right), buyersBefore.get(left)));
        long alsHits = 0;
        long popularHits = 0;
        for (Map.Entry<Integer, Set<Integer>> customer : after.entrySet()) {
            Set<Integer> bought = before.get(customer.getKey());
            double[] user = users.get(customer.getKey());
            if (bought == null || user == null) {
                continue;
            }
            Set<Integer> fresh = new HashSet<>(customer.getValue());
            fresh.removeAll(bought);
            if (fresh.isEmpty()) {
                continue;
            }
            List<Integer> candidates = new ArrayList<>();
            for (int product : items.keySet()) {
                if (!bought.contains(product)) {
                    candidates.add(product);
                }
            }
            Map<Integer, Double> score = new HashMap<>();
            for (int product : candidates) {
                double dot = 0.0;
                double[] item = items.get(product);
                for (int factor = 0; factor < item.length; factor++) {
                    dot += user[factor] * item[factor];
                }
                score.put(product, dot);
            }
            candidates.sort((left, right) -> Double.compare(score.get(right), score.get(left)));
            for (int product : candidates.subList(0, Math.min(10, candidates.size()))) {
                if (fresh.contains(product)) {
                    alsHits++;
                }
            }
            int taken = 0;
            for (int product : byPopularity) {
                if (taken == 10) {
                    break;
                }
                if (!bought.contains(product)) {
                    taken++;
                    if (fresh.contains(product)) {
                        popularHits++;
                    }
                }
            }
        }
        System.out.printf("hits@10 on new products: ALS %d, popularity %d%n", alsHits, popularHits);
        return alsHits / (double) popularHits;
    }

    private static ALSModel fit(Map<Long, Integer> linesPerPair) {
        List<Row> ratings = new ArrayList<>(linesPerPair.size());
        linesPerPair.forEach((pair, lines) -> ratings.add(RowFactory.create((int) (pair / 1_000_000L),
                (int) (pair % 1_000_000L), (float) Math.log1p(lines))));
        StructType schema = new StructType().add("user", DataTypes.IntegerType).add("item", DataTypes.IntegerType)
                .add("rating", DataTypes.FloatType);
        // The project's ALS settings (conf/onetoone.properties, affinity.als.*), fixed seed.
        return new ALS().setImplicitPrefs(true).setRank(16).setMaxIter(10).setRegParam(0.1).setAlpha(10)
                .setNumUserBlocks(2).setNumItemBlocks(2).setSeed(7L)
                .setUserCol("user").setItemCol("item").setRatingCol("rating")
                .fit(spark().createDataFrame(ratings, schema));
    }

    private static Map<Integer, double[]> factors(Dataset<Row> factorRows) {
        Map<Integer, double[]> byId = new HashMap<>();
        for (Row row : factorRows.collectAsList()) {
            List<Float> values = row.getList(1);
            double[] vector = new double[values.size()];
            for (int factor = 0; factor < vector.length; factor++) {
                vector[factor] = values.get(factor);
            }
            byId.put(row.getInt(0), vector);
        }
        return byId;
    }

    private Path generate(double strength) throws IOException {
        Path out = directory.resolve("strength-" + strength);
        new SyntheticDataGenerator(GeneratorConfig.of(CUSTOMERS, START, END, 21L)
                .withStructure(HiddenStructure.none().withTaste(FACTORS, strength))).generate(out);
        return out;
    }

    /**
     * Pearson correlation, over pairs of products of one category with enough buyers each, of the true and the ALS
     * cosine similarity. Taste chooses among the products of a category; which category a basket line comes from is the
     * customer's category share, independent of taste, so pairs across categories carry no taste signal.
     */
    private static double trueAgainstLearnedSimilarity(Path out) throws IOException {
        JsonNode products = new ObjectMapper().readTree(Files.readString(out.resolve("manifest.json")))
                .path("hidden_structure").path("products");
        Map<Integer, double[]> trueVectors = new HashMap<>();
        products.fields().forEachRemaining(entry -> {
            JsonNode vector = entry.getValue().path("taste");
            double[] values = new double[vector.size()];
            for (int factor = 0; factor < values.length; factor++) {
                values[factor] = vector.get(factor).asDouble();
            }
            trueVectors.put(productIndex(entry.getKey()), values);
        });

        Map<Integer, String> category = new HashMap<>();
        for (String[] row : GeneratedFiles.rows(out.resolve("products.csv"))) {
            category.put(productIndex(row[0]), row[2]);
        }

        Map<Long, Integer> linesPerPair = new HashMap<>();
        Map<Integer, Set<Integer>> buyers = new HashMap<>();
        for (String[] line : GeneratedFiles.rows(out.resolve("transactions.csv"))) {
            if (!line[0].startsWith("T")) {
                continue;
            }
            int customer = Integer.parseInt(line[1].substring(1)) - 1;
            int product = productIndex(line[3]);
            linesPerPair.merge((long) customer * 1_000_000L + product, 1, Integer::sum);
            buyers.computeIfAbsent(product, key -> new HashSet<>()).add(customer);
        }
        Map<Integer, double[]> learned = factors(fit(linesPerPair).itemFactors());
        List<Integer> kept = new ArrayList<>();
        buyers.forEach((product, who) -> {
            if (who.size() >= MIN_BUYERS && learned.containsKey(product)) {
                kept.add(product);
            }
        });
        kept.sort(Integer::compare);
        assertTrue(kept.size() >= 100, "products with at least " + MIN_BUYERS + " buyers: " + kept.size());
        List<double[]> pairs = new ArrayList<>();
        for (int first = 0; first < kept.size(); first++) {
            for (int second = first + 1; second < kept.size(); second++) {
                if (!category.get(kept.get(first)).equals(category.get(kept.get(second)))) {
                    continue;
                }
                pairs.add(new double[] {
                    cosine(trueVectors.get(kept.get(first)), trueVectors.get(kept.get(second))),
                    cosine(learned.get(kept.get(first)), learned.get(kept.get(second)))});
            }
        }
        return pearson(pairs);
    }

    private static int productIndex(String productId) {
        return Integer.parseInt(productId.substring(1)) - 1;
    }

    private static double cosine(double[] left, double[] right) {
        double dot = 0.0;
        double leftNorm = 0.0;
        double rightNorm = 0.0;
        for (int index = 0; index < left.length; index++) {
            dot += left[index] * right[index];
            leftNorm += left[index] * left[index];
            rightNorm += right[index] * right[index];
        }
        return dot / Math.sqrt(leftNorm * rightNorm);
    }

    private static double pearson(List<double[]> pairs) {
        double meanX = 0.0;
        double meanY = 0.0;
        for (double[] pair : pairs) {
            meanX += pair[0];
            meanY += pair[1];
        }
        meanX /= pairs.size();
        meanY /= pairs.size();
        double covariance = 0.0;
        double varianceX = 0.0;
        double varianceY = 0.0;
        for (double[] pair : pairs) {
            covariance += (pair[0] - meanX) * (pair[1] - meanY);
            varianceX += (pair[0] - meanX) * (pair[0] - meanX);
            varianceY += (pair[1] - meanY) * (pair[1] - meanY);
        }
        return covariance / Math.sqrt(varianceX * varianceY);
    }
}
