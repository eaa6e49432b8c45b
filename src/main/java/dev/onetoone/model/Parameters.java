package dev.onetoone.model;

/** Argument checks shared by the parameter records and the models. */
final class Parameters {

    private Parameters() {
    }

    static void requirePositive(String name, double value) {
        if (!(value > 0.0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be positive and finite, was " + value);
        }
    }

    static void requireLength(double[] values, int length) {
        if (values == null || values.length != length) {
            throw new IllegalArgumentException("expected " + length + " values, got "
                    + (values == null ? "null" : values.length));
        }
    }

    /** Checks a BTYD summary: x &ge; 0, T &gt; 0 and 0 &lt; t_x &le; T when x &gt; 0 (t_x is ignored when x = 0). */
    static void requireSummary(double x, double recency, double age) {
        if (!(x >= 0.0) || Double.isInfinite(x)) {
            throw new IllegalArgumentException("x must be a non-negative count, was " + x);
        }
        if (!(age > 0.0) || Double.isInfinite(age)) {
            throw new IllegalArgumentException("T must be positive and finite, was " + age);
        }
        if (x > 0.0 && !(recency > 0.0 && recency <= age)) {
            throw new IllegalArgumentException("t_x must lie in (0, T] when x > 0, was t_x=" + recency + ", T=" + age);
        }
    }
}
