package dev.franz.liveview;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.franz.liveview.Views.HopView;
import dev.franz.liveview.Views.OrderTrace;

class OrderIndexTest {

    private final OrderIndex index = new OrderIndex(new Level3Flow.Topics("orders", "payments", "orders.DLT", "notifications"));

    @Test
    void anOrderIsFollowedToItsPaymentAndNotificationsWithTheirStatusAndLatency() {
        index.addRecord("orders", 1, stored(7, 1_000, "ord-1", "{\"order_id\":\"ord-1\"}"));
        index.addCommitted("orders", 1, 7, bytes("ord-1"));
        // An aborted payment (a crashed transaction), then the committed one written after the restart.
        index.addRecord("payments", 1, stored(3, 1_100, "ord-1", "{\"status\":\"APPROVED\"}"));
        index.addRecord("payments", 1, stored(5, 1_250, "ord-1", "{\"status\":\"APPROVED\"}"));
        index.addCommitted("payments", 1, 5, bytes("ord-1"));
        index.addRecord("notifications", 0, stored(9, 1_400, "ord-1", "{\"kind\":\"payment_approved\"}"));
        index.positions("payments", 1, 7, 7);
        index.positions("notifications", 0, 10, 9);

        OrderTrace trace = index.trace("ord-1");

        assertThat(trace.hops()).extracting(HopView::role, HopView::topic, HopView::offset, HopView::status,
                HopView::afterOrderMs).containsExactly(
                org.assertj.core.groups.Tuple.tuple("order", "orders", 7L, "committed", 0L),
                org.assertj.core.groups.Tuple.tuple("payment", "payments", 3L, "aborted", 100L),
                org.assertj.core.groups.Tuple.tuple("payment", "payments", 5L, "committed", 250L),
                org.assertj.core.groups.Tuple.tuple("notification", "notifications", 9L, "pending", 400L));
        assertThat(trace.paymentAfterMs()).isEqualTo(250L);
        assertThat(trace.lastNotificationAfterMs()).isNull(); // not committed yet
        assertThat(index.recent(5)).singleElement().satisfies(o -> assertThat(o.progress()).isEqualTo("approved"));
    }

    @Test
    void aDeadLetterShowsItsReasonAndAnUnknownOrderIsNull() {
        index.addRecord("orders", 0, stored(1, 10, "ord-bad", "{"));
        index.addCommitted("orders", 0, 1, bytes("ord-bad"));
        index.addRecord("orders.DLT", 0, new PartitionWindow.Stored(0, 20, bytes("ord-bad"), bytes("{"), 1,
                List.of(new PartitionWindow.Header("dlt.reason", bytes("malformed"))), 1));
        index.addCommitted("orders.DLT", 0, 0, bytes("ord-bad"));

        assertThat(index.recent(5)).singleElement().satisfies(o -> assertThat(o.progress()).isEqualTo("dead-lettered (malformed)"));
        assertThat(index.trace("ord-bad").hops()).last().satisfies(h -> assertThat(h.headers())
                .extracting(Views.HeaderView::value).containsExactly("malformed"));
        assertThat(index.trace("ord-never")).isNull();
        assertThat(index.skipped()).isNull();
    }

    @Test
    void recordsSkippedOverHaveNoKnownStatusAndTheSkipIsSaid() {
        index.addRecord("payments", 2, stored(10, 5, "ord-2", "{}"));
        index.skipped("payments", 2, 8, 11, 500, 3_000);
        index.positions("payments", 2, 501, 501);

        assertThat(index.trace("ord-2").hops()).singleElement().extracting(HopView::status).isEqualTo("unknown");
        assertThat(index.skipped()).startsWith("489 record(s) of the flow's topics were skipped");
    }

    @Test
    void aRecordReadTwiceIsOneHopItsPartitionAndOffsetAreItsIdentity() {
        // After a broker restart the readers start again from the newest records: they hand in the
        // records they already handed in.
        for (int read = 0; read < 2; read++) {
            index.addRecord("orders", 0, stored(4, 1_000, "ord-3", "{}"));
            index.addCommitted("orders", 0, 4, bytes("ord-3"));
            index.addRecord("payments", 0, stored(6, 1_100, "ord-3", "{\"status\":\"APPROVED\"}"));
            index.addCommitted("payments", 0, 6, bytes("ord-3"));
            index.addRecord("notifications", 0, stored(8, 1_200, "ord-3", "{\"kind\":\"payment_approved\"}"));
            index.addCommitted("notifications", 0, 8, bytes("ord-3"));
        }

        assertThat(index.trace("ord-3").hops()).extracting(HopView::topic, HopView::offset).containsExactly(
                org.assertj.core.groups.Tuple.tuple("orders", 4L),
                org.assertj.core.groups.Tuple.tuple("payments", 6L),
                org.assertj.core.groups.Tuple.tuple("notifications", 8L));
        assertThat(index.recent(5)).singleElement().satisfies(o -> assertThat(o.progress())
                .isEqualTo("approved, 1 notification(s)"));
    }

    @Test
    void aPaymentOlderThanWhatWasReadIsUnknownNotMissing() {
        // payments-0 holds offsets 0 to 59; the live view began reading it at offset 40, at time 2,000.
        index.readingFrom("payments", 0, 40, 0, 2_000);
        index.readingFrom("notifications", 0, 0, 0, 2_000);
        index.addRecord("orders", 0, stored(3, 1_500, "ord-old", "{}")); // placed before the live view read payments
        index.addCommitted("orders", 0, 3, bytes("ord-old"));
        index.addRecord("notifications", 0, stored(5, 1_600, "ord-old", "{\"kind\":\"payment_approved\"}"));
        index.addCommitted("notifications", 0, 5, bytes("ord-old"));

        OrderTrace old = index.trace("ord-old");
        assertThat(old.paymentAfterMs()).isNull();
        assertThat(old.paymentNotRead()).isEqualTo("payments-0 was read from offset 40 on, and older records were"
                + " in its log then: its payment result may be among them");
        assertThat(index.recent(5)).singleElement().satisfies(o -> assertThat(o.progress())
                .isEqualTo("payment result not read, 1 notification(s)"));

        // An order placed after the live view began reading payments: its payment cannot be older.
        index.addRecord("orders", 0, stored(4, 2_500, "ord-new", "{}"));
        index.addCommitted("orders", 0, 4, bytes("ord-new"));
        assertThat(index.trace("ord-new").paymentNotRead()).isNull();
        assertThat(index.recent(1)).singleElement().satisfies(o -> assertThat(o.progress())
                .isEqualTo("waiting for its payment"));
    }

    @Test
    void aPaymentAmongRecordsSkippedToKeepUpIsUnknownNotMissing() {
        index.readingFrom("payments", 1, 0, 0, 1_000);
        index.addRecord("orders", 1, stored(7, 1_500, "ord-busy", "{}"));
        index.addCommitted("orders", 1, 7, bytes("ord-busy"));
        index.addRecord("notifications", 1, stored(9, 1_600, "ord-busy", "{\"kind\":\"order_received\"}"));
        index.addCommitted("notifications", 1, 9, bytes("ord-busy"));
        // The readers fell far behind on payments-1 at time 2,000 and jumped from offset 12 to 400.
        index.skipped("payments", 1, 12, 12, 400, 2_000);

        assertThat(index.trace("ord-busy").paymentNotRead()).isEqualTo("the live view skipped payments-1 offsets 12 to 399"
                + " when it fell behind: its payment result may be among them");
        assertThat(index.recent(5)).singleElement().satisfies(o -> assertThat(o.progress())
                .isEqualTo("payment result not read, 1 notification(s)"));

        // An order placed after the skip: its payment comes after the records skipped.
        index.addRecord("orders", 1, stored(8, 2_500, "ord-later", "{}"));
        assertThat(index.trace("ord-later").paymentNotRead()).isNull();
    }

    @Test
    void aPartitionReadFromItsStartLeavesNoPaymentUnknown() {
        index.readingFrom("payments", 0, 0, 0, 2_000);
        index.positions("payments", 0, 35, 35);
        index.readingFrom("payments", 0, 30, 0, 9_000); // read again from 30 after a broker restart: 0 to 29 were read before
        index.addRecord("orders", 0, stored(3, 1_500, "ord-4", "{}"));

        assertThat(index.trace("ord-4").paymentNotRead()).isNull();
    }

    @Test
    void onlyTheNewestOrdersAreKept() {
        for (int i = 0; i <= OrderIndex.MAX_ORDERS; i++) {
            index.addRecord("orders", 0, stored(i, i, "ord-" + i, "{}"));
        }
        assertThat(index.trace("ord-0")).isNull();
        assertThat(index.trace("ord-" + OrderIndex.MAX_ORDERS)).isNotNull();
        assertThat(index.recent(3)).extracting(Views.OrderSummaryView::orderId)
                .containsExactly("ord-5000", "ord-4999", "ord-4998");
    }

    @Test
    void theNewestOrdersAreListedByTheirTimeNotByThePartitionTheyWereReadFrom() {
        // Partition 0's records are read before partition 1's, though some of partition 1's are older.
        index.addRecord("orders", 0, stored(0, 1_000, "ord-a", "{}"));
        index.addRecord("orders", 0, stored(1, 4_000, "ord-d", "{}"));
        index.addRecord("orders", 1, stored(0, 2_000, "ord-b", "{}"));
        index.addRecord("orders", 1, stored(1, 3_000, "ord-c", "{}"));

        assertThat(index.recent(3)).extracting(Views.OrderSummaryView::orderId)
                .containsExactly("ord-d", "ord-c", "ord-b");
    }

    private static PartitionWindow.Stored stored(long offset, long timestamp, String key, String value) {
        return new PartitionWindow.Stored(offset, timestamp, bytes(key), bytes(value), value.length(), List.of(), 0);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
