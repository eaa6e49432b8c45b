package dev.onetoone.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import dev.onetoone.io.TableSpec;
import dev.onetoone.io.Tables;

/**
 * Every table is either erased by customer_id, or is quarantine (erased by the id inside the raw record), or is
 * listed as holding no per-customer rows. A new table that fits none of these fails here until it is classified.
 */
class ErasureCoverageTest {
    private static final List<String> PERSONAL_COLUMN_HINTS = List.of("customer", "member", "person", "email", "phone", "user");

    @Test
    void everyTableIsErasedOrListedAsHoldingNoCustomerRows() {
        for (TableSpec table : Tables.ALL) {
            boolean erasedById = Erasure.customerTables().contains(table);
            boolean quarantine = table.equals(Tables.QUARANTINE);
            boolean listed = Erasure.WITHOUT_CUSTOMER_ROWS.containsKey(table.name());
            assertEquals(1, (erasedById ? 1 : 0) + (quarantine ? 1 : 0) + (listed ? 1 : 0),
                    table.name() + ": give it a customer_id column or list it in Erasure.WITHOUT_CUSTOMER_ROWS with the reason");
        }
    }

    @Test
    void tablesListedAsHoldingNoCustomerRowsHaveNoColumnThatLooksPersonal() {
        for (TableSpec table : Tables.ALL) {
            if (!Erasure.WITHOUT_CUSTOMER_ROWS.containsKey(table.name())) {
                continue;
            }
            for (String column : table.schema().fieldNames()) {
                String lower = column.toLowerCase(Locale.ROOT);
                assertFalse(PERSONAL_COLUMN_HINTS.stream().anyMatch(lower::contains) && !lower.equals("customer_sha256")
                                && !lower.equals("customers") && !lower.endsWith("_customers")
                                && !lower.equals("members") && !lower.endsWith("_members"),
                        table.name() + "." + column + " looks like personal data, yet the table is listed as holding none");
            }
        }
    }

    @Test
    void theListNamesOnlyTablesThatExist() {
        var names = Tables.ALL.stream().map(TableSpec::name).toList();
        for (String listed : Erasure.WITHOUT_CUSTOMER_ROWS.keySet()) {
            assertTrue(names.contains(listed), listed);
        }
    }

    @Test
    void theCustomerTablesOfTodayAreFoundFromTheirColumns() {
        assertEquals(List.of("transactions", "customers", "rfm", "customer_state", "customer_model", "product_affinity", "offers",
                        "points_ledger", "points_balance", "member_tier", "referrals"),
                Erasure.customerTables().stream().map(TableSpec::name).toList());
        assertTrue(Arrays.asList(Tables.QUARANTINE.schema().fieldNames()).contains("raw_record"));
    }
}
