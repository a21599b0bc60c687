package io.customerpulse.sink;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RetentionTablesTest {

    @Test
    void aDriverParameterIsAppendedAfterTheQuestionMarkOrAnAmpersand() {
        assertEquals("jdbc:postgresql://db:5432/pulse?ApplicationName=customer-pulse/user_retention",
                RetentionTables.withParameter("jdbc:postgresql://db:5432/pulse", "ApplicationName",
                        "customer-pulse/user_retention"));
        assertEquals("jdbc:postgresql://db/pulse?ssl=true&reWriteBatchedInserts=true",
                RetentionTables.withBatchedInserts("jdbc:postgresql://db/pulse?ssl=true"));
    }

    @Test
    void aParameterTheUrlSetsAlreadyIsLeftAsTheUserSetIt() {
        String url = "jdbc:postgresql://db/pulse?ApplicationName=etl-nightly&reWriteBatchedInserts=false";
        assertEquals(url, RetentionTables.withParameter(url, "ApplicationName", "customer-pulse/wom_reach"));
        assertEquals(url, RetentionTables.withBatchedInserts(url));
    }
}
