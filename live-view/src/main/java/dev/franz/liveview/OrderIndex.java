package dev.franz.liveview;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.franz.liveview.Views.HeaderView;
import dev.franz.liveview.Views.HopView;
import dev.franz.liveview.Views.OrderSummaryView;
import dev.franz.liveview.Views.OrderTrace;

/**
 * The records of Level 3's topics that the live view read, by order id (every one of those topics
 * is keyed by it), so that one order can be followed from {@code orders} to its payment result and
 * notifications, or to its dead letter. No Kafka calls here: the watcher hands in what its two
 * readers returned. A record the read_committed reader returned is committed; one it passed over
 * (its position is past the record) was aborted; one it has not reached is pending.
 *
 * <p>It holds the newest {@link #MAX_ORDERS} orders. A reader far behind skips ahead to the newest
 * records (see the watcher), so at high rates some orders are never seen: {@link #skipped()} says so.
 */
final class OrderIndex {

    static final int MAX_ORDERS = 5000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A record of one order, as the read_uncommitted reader returned it. */
    private record Entry(String topic, int partition, long offset, PartitionWindow.Stored record) {
    }

    private final Level3Flow.Topics topics;
    /**
     * Order id -> its records, each under "topic/partition/offset": a record read again (the readers
     * start again from the newest records when the broker comes back) replaces itself, never adds a row.
     */
    private final Map<String, Map<String, Entry>> byOrder = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, Entry>> eldest) {
            return size() > MAX_ORDERS;
        }
    };
    private final Map<String, Set<String>> committed = new HashMap<>(); // order id -> "topic/partition/offset"
    private final Map<String, Long> committedPositions = new HashMap<>(); // "topic/partition" -> next offset
    private final Map<String, List<long[]>> unknown = new HashMap<>(); // "topic/partition" -> [from, to, when skipped]
    private final Map<String, Long> readPositions = new HashMap<>(); // "topic/partition" -> furthest next offset read
    /** "topic/partition" -> [offset, time]: where and when the live view began reading it, with older records in its log. */
    private final Map<String, long[]> notReadBefore = new HashMap<>();
    private long skippedRecords;

    OrderIndex(Level3Flow.Topics topics) {
        this.topics = topics;
    }

    boolean covers(String topic) {
        return topics.all().contains(topic);
    }

    synchronized void addRecord(String topic, int partition, PartitionWindow.Stored record) {
        String orderId = orderId(record.key());
        if (orderId != null) {
            byOrder.computeIfAbsent(orderId, id -> new LinkedHashMap<>())
                    .put(topic + "/" + partition + "/" + record.offset(), new Entry(topic, partition, record.offset(), record));
        }
    }

    synchronized void addCommitted(String topic, int partition, long offset, byte[] key) {
        String orderId = orderId(key);
        if (orderId != null) {
            committed.computeIfAbsent(orderId, id -> new HashSet<>()).add(topic + "/" + partition + "/" + offset);
            if (committed.size() > 2 * MAX_ORDERS) {
                committed.keySet().retainAll(byOrder.keySet());
            }
        }
    }

    /**
     * The readers begin reading a partition of the flow at {@code start} (at time {@code now}), when its
     * log starts at {@code logStart}: the first time, records before {@code start} are not read, and an
     * order's payment result may be among them. Later (the broker came back), a start past what was read
     * leaves the records in between unread, as a skip ahead does.
     */
    synchronized void readingFrom(String topic, int partition, long start, long logStart, long now) {
        if (!covers(topic)) {
            return;
        }
        String where = topic + "/" + partition;
        Long readTo = readPositions.get(where);
        if (readTo == null) {
            if (start > logStart) {
                notReadBefore.put(where, new long[] {start, now});
            }
            readPositions.put(where, start);
        } else if (start > readTo) {
            skipped(topic, partition, Math.min(readTo, committedPositions.getOrDefault(where, readTo)), readTo, start, now);
            readPositions.put(where, start);
        }
    }

    /** The next offsets the two readers of the partition fetch: read_uncommitted, read_committed. */
    synchronized void positions(String topic, int partition, long uncommitted, long committed) {
        readPositions.merge(topic + "/" + partition, uncommitted, Math::max);
        committedPositions.put(topic + "/" + partition, committed);
    }

    /**
     * The readers jumped from {@code uncommittedFrom} to {@code to} (they fell far behind): records in
     * between are not indexed, and what the read_committed reader had not reached from
     * {@code committedFrom} on has no known status. A non-zero count is said on the page, and an order
     * placed before {@code now} may have its payment result among the records skipped on payments.
     */
    synchronized void skipped(String topic, int partition, long committedFrom, long uncommittedFrom, long to, long now) {
        skippedRecords += Math.max(0, to - uncommittedFrom);
        List<long[]> ranges = unknown.computeIfAbsent(topic + "/" + partition, tp -> new ArrayList<>());
        ranges.add(new long[] {committedFrom, to, now});
        if (ranges.size() > 100) {
            ranges.remove(0);
        }
    }

    synchronized String skipped() {
        return skippedRecords == 0 ? null : skippedRecords + " record(s) of the flow's topics were skipped (the live view"
                + " reads the newest records when it falls far behind): orders among them cannot be followed";
    }

    /** The newest orders seen on the orders topic, newest first, with how far each got. */
    synchronized List<OrderSummaryView> recent(int count) {
        List<OrderSummaryView> recent = new ArrayList<>();
        List<String> ids = new ArrayList<>(byOrder.keySet());
        // The orders come in as each partition's records are read, a partition at a time: take a few more
        // of the last read than are shown, and show the newest by their time.
        for (int i = ids.size() - 1; i >= 0 && recent.size() < count * 4; i--) {
            OrderTrace trace = trace(ids.get(i));
            HopView order = trace.hops().stream().filter(h -> h.role().equals("order")).findFirst().orElse(null);
            if (order != null) {
                recent.add(new OrderSummaryView(trace.orderId(), order.timestamp(), progress(trace)));
            }
        }
        recent.sort(Comparator.comparingLong(OrderSummaryView::timestamp).reversed());
        return List.copyOf(recent.subList(0, Math.min(count, recent.size())));
    }

    /** Everything seen of {@code orderId}, or null when the live view saw nothing of it. */
    synchronized OrderTrace trace(String orderId) {
        Map<String, Entry> found = byOrder.get(orderId);
        if (found == null) {
            return null;
        }
        List<Entry> entries = List.copyOf(found.values());
        Set<String> committedHere = committed.getOrDefault(orderId, Set.of());
        Long orderTime = entries.stream().filter(e -> e.topic().equals(topics.orders()))
                .map(e -> e.record().timestamp()).min(Long::compare).orElse(null);
        List<HopView> hops = new ArrayList<>();
        for (Entry e : entries.stream().sorted(Comparator.comparingInt((Entry e) -> topics.all().indexOf(e.topic()))
                .thenComparingLong(Entry::offset)).toList()) {
            String where = e.topic() + "/" + e.partition();
            String status = committedHere.contains(where + "/" + e.offset()) ? "committed"
                    : skippedOver(where, e.offset()) ? "unknown"
                    : committedPositions.getOrDefault(where, -1L) > e.offset() ? "aborted" : "pending";
            List<HeaderView> headers = new ArrayList<>();
            for (PartitionWindow.Header h : e.record().headers()) {
                headers.add(new HeaderView(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8)));
            }
            hops.add(new HopView(role(e.topic()), e.topic(), e.partition(), e.offset(), e.record().timestamp(), status,
                    orderTime == null ? null : e.record().timestamp() - orderTime,
                    e.record().value() == null ? null : new String(e.record().value(), StandardCharsets.UTF_8), headers));
        }
        Long paymentAfter = hops.stream().filter(h -> h.role().equals("payment") && h.status().equals("committed"))
                .map(HopView::afterOrderMs).filter(java.util.Objects::nonNull).min(Long::compare).orElse(null);
        Long lastNotification = hops.stream().filter(h -> h.role().equals("notification") && h.status().equals("committed"))
                .map(HopView::afterOrderMs).filter(java.util.Objects::nonNull).max(Long::compare).orElse(null);
        boolean settled = hops.stream().anyMatch(h -> (h.role().equals("payment") || h.role().equals("dead letter"))
                && h.status().equals("committed"));
        return new OrderTrace(orderId, hops, paymentAfter, lastNotification, settled ? null : paymentNotRead(orderTime));
    }

    /**
     * Why the payment result of an order placed at {@code orderTime} may be in the log but not among the
     * records read: a payments partition was first read from past its log start, and the order is older
     * than that first read (its payment can be too). Null when every payment written after the order was read.
     */
    private String paymentNotRead(Long orderTime) {
        List<String> partitions = new ArrayList<>();
        notReadBefore.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            int slash = e.getKey().lastIndexOf('/');
            if (e.getKey().substring(0, slash).equals(topics.payments()) && (orderTime == null || orderTime <= e.getValue()[1])) {
                partitions.add(e.getKey().substring(0, slash) + "-" + e.getKey().substring(slash + 1)
                        + (partitions.isEmpty() ? " was read" : "") + " from offset " + e.getValue()[0] + " on");
            }
        });
        // Records skipped after the order was placed (the readers fell far behind) may hold its payment result too.
        List<String> skips = new ArrayList<>();
        unknown.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            int slash = e.getKey().lastIndexOf('/');
            if (e.getKey().substring(0, slash).equals(topics.payments())) {
                e.getValue().stream().filter(r -> orderTime == null || orderTime <= r[2]).forEach(r -> skips.add(
                        e.getKey().substring(0, slash) + "-" + e.getKey().substring(slash + 1) + " offsets " + r[0] + " to " + (r[1] - 1)));
            }
        });
        if (partitions.isEmpty() && skips.isEmpty()) {
            return null;
        }
        List<String> why = new ArrayList<>();
        if (!partitions.isEmpty()) {
            why.add(String.join(", ", partitions) + ", and older records were in " + (partitions.size() == 1 ? "its log" : "their logs")
                    + " then");
        }
        if (!skips.isEmpty()) {
            why.add("the live view skipped " + String.join(", ", skips) + " when it fell behind");
        }
        return String.join("; ", why) + ": its payment result may be among them";
    }

    private boolean skippedOver(String partition, long offset) {
        return unknown.getOrDefault(partition, List.of()).stream().anyMatch(r -> offset >= r[0] && offset < r[1]);
    }

    private String role(String topic) {
        return switch (topics.role(topic)) {
            case "orders" -> "order";
            case "payments" -> "payment";
            case "dead letters" -> "dead letter";
            default -> "notification";
        };
    }

    /** "approved, 2 notifications", "dead-lettered (malformed)", "waiting for its payment"... */
    private static String progress(OrderTrace trace) {
        List<String> parts = new ArrayList<>();
        for (HopView hop : trace.hops()) {
            if (!hop.status().equals("committed")) {
                continue;
            }
            if (hop.role().equals("payment")) {
                parts.add(field(hop.value(), "status", "paid"));
            } else if (hop.role().equals("dead letter")) {
                String reason = hop.headers().stream().filter(h -> h.key().equals("dlt.reason")).map(HeaderView::value)
                        .findFirst().orElse("no reason header");
                parts.add("dead-lettered (" + reason + ")");
            }
        }
        long notifications = trace.hops().stream().filter(h -> h.role().equals("notification") && h.status().equals("committed")).count();
        if (parts.isEmpty()) {
            parts.add(trace.paymentNotRead() == null ? "waiting for its payment" : "payment result not read");
        }
        if (notifications > 0) {
            parts.add(notifications + " notification(s)");
        }
        return String.join(", ", parts);
    }

    /** A field of a JSON value, as text; {@code otherwise} when the value is not JSON or has no such field. */
    private static String field(String json, String name, String otherwise) {
        try {
            JsonNode node = json == null ? null : JSON.readTree(json);
            JsonNode value = node == null ? null : node.get(name);
            return value == null || value.isNull() ? otherwise : value.asText().toLowerCase(java.util.Locale.ROOT);
        } catch (java.io.IOException notJson) {
            return otherwise;
        }
    }

    private static String orderId(byte[] key) {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }
}
