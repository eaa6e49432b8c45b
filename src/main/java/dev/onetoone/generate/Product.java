package dev.onetoone.generate;

/**
 * One catalogue product. Money is held in cents so that line amounts are exact integers and the
 * written decimals never suffer binary rounding.
 *
 * @param index          position in the catalogue, 0-based
 * @param id             product id as written, e.g. {@code P000001}
 * @param name           display name without commas
 * @param category       category
 * @param priceCents     list price in cents
 * @param unitCostCents  unit cost in cents (price times a margin factor in [0.45, 0.85])
 */
public record Product(int index, String id, String name, ProductCategory category, long priceCents, long unitCostCents) {

    public boolean replenishable() {
        return category.replenishable();
    }
}
