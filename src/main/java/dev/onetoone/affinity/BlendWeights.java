package dev.onetoone.affinity;

import java.util.EnumMap;
import java.util.Map;

import dev.onetoone.config.OneToOneConfig.AffinityConfig;

/** Weight of each scorer in the blend, from 0 (left out, as in the ablations) to 1 (taken at face value). */
public record BlendWeights(Map<AffinitySource, Double> weights) {

    public BlendWeights {
        var copy = new EnumMap<AffinitySource, Double>(AffinitySource.class);
        for (AffinitySource source : AffinitySource.values()) {
            double weight = weights.getOrDefault(source, 0.0);
            if (!(weight >= 0 && weight <= 1)) {
                throw new IllegalArgumentException("weight of " + source.label() + " must be from 0 to 1, not " + weight);
            }
            copy.put(source, weight);
        }
        if (copy.values().stream().mapToDouble(Double::doubleValue).sum() <= 0) {
            throw new IllegalArgumentException("at least one blend weight must be above 0");
        }
        weights = java.util.Collections.unmodifiableMap(copy);
    }

    public static BlendWeights of(AffinityConfig settings) {
        return new BlendWeights(Map.of(
                AffinitySource.BUY_AGAIN, settings.weights().buyAgain(),
                AffinitySource.COLLABORATIVE, settings.weights().collaborative(),
                AffinitySource.CO_OCCURRENCE, settings.weights().coOccurrence(),
                AffinitySource.POPULARITY, settings.weights().popularity()));
    }

    /** The same weights with one scorer left out. */
    public BlendWeights without(AffinitySource source) {
        var changed = new EnumMap<>(weights);
        changed.put(source, 0.0);
        return new BlendWeights(changed);
    }

    /** Only one scorer. */
    public static BlendWeights only(AffinitySource source) {
        return new BlendWeights(Map.of(source, 1.0));
    }

    public double weight(AffinitySource source) {
        return weights.get(source);
    }

    public double total() {
        return weights.values().stream().mapToDouble(Double::doubleValue).sum();
    }
}
