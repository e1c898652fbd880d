package dev.franz.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

/** The results as a console table, a Markdown report and a bar chart of the ratios. */
final class Report {

    private Report() {
    }

    static String table(List<Measurement> results) {
        StringBuilder text = new StringBuilder();
        text.append("| scenario | reference | reference median | ours median | ours / reference | goal | met |"
                + " ceiling: ours / Kafka's tool (no goal) | peak RSS ours / reference |\n");
        text.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Measurement m : results) {
            boolean hasReference = !m.references().isEmpty();
            text.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    m.scenario(),
                    hasReference ? m.reference() : "-",
                    hasReference ? format(m.referenceMedian(), m.unit()) : "-",
                    format(m.oursMedian(), m.unit()),
                    hasReference ? String.format(Locale.ROOT, "%.2fx", m.ratio()) : "-",
                    Double.isNaN(m.goal()) ? m.absoluteGoal() : (m.higherIsBetter() ? ">= " : "<= ") + m.goal() + "x",
                    hasGoal(m) ? (met(m) ? "yes" : "**no**") : "-",
                    m.ceilings().isEmpty() ? "-" : String.format(Locale.ROOT, "%.2fx of %s (%s)", m.ceilingRatio(),
                            m.ceilingTool(), format(Measurement.median(m.ceilings()), m.unit())),
                    Measurement.median(m.oursRssMb()) > 0
                            ? String.format(Locale.ROOT, "%.0f MB / %s", Measurement.median(m.oursRssMb()),
                                    m.referenceRssMb().isEmpty() ? "-"
                                            : String.format(Locale.ROOT, "%.0f MB", Measurement.median(m.referenceRssMb())))
                            : "-"));
        }
        return text.toString();
    }

    /** A ratio goal or an absolute one ("< 8 s"); nothing, "none" or "none: why" is no goal: neither met nor missed. */
    static boolean hasGoal(Measurement m) {
        return !Double.isNaN(m.goal()) || !(m.absoluteGoal().isBlank() || m.absoluteGoal().startsWith("none"));
    }

    static boolean met(Measurement m) {
        if (Double.isNaN(m.goal())) {
            // "< 8 s" style goals
            String goal = m.absoluteGoal().replaceAll("[^0-9.]", "");
            return goal.isEmpty() || m.oursMedian() < Double.parseDouble(goal);
        }
        return m.meetsGoal();
    }

    static void writeMarkdown(Path file, List<Measurement> results, String header, String footer) throws IOException {
        Files.createDirectories(file.getParent());
        StringBuilder text = new StringBuilder(header).append("\n\n").append(table(results)).append('\n');
        for (Measurement m : results) {
            if (!m.note().isEmpty()) {
                text.append("- **").append(m.scenario()).append("**: ").append(m.note()).append('\n');
            }
        }
        text.append('\n').append(footer).append('\n');
        Files.writeString(file, text);
    }

    /**
     * One horizontal bar per scenario with a reference: ours / reference, the goal as a dashed line
     * where there is one, and the ratio to Kafka's own tool (the ceiling) in grey after it. The label
     * column is as wide as the longest label, so that no label is cut off or runs into a bar.
     */
    static void writeChart(Path file, List<Measurement> results) throws IOException {
        List<Measurement> ratios = results.stream().filter(m -> !m.references().isEmpty()).toList();
        Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D measure = scratch.createGraphics();
        FontMetrics metrics = measure.getFontMetrics(labelFont);
        int labelWidth = ratios.stream().mapToInt(m -> metrics.stringWidth(label(m))).max().orElse(100);
        measure.dispose();
        int rowHeight = 34;
        int left = 20 + labelWidth + 16;
        int plotWidth = 480;
        int width = left + plotWidth + 230; // room for "1.23x  (0.81x of ProducerPerformance)" after a full bar
        int height = 70 + rowHeight * ratios.size() + 56;
        double maxRatio = Math.max(1.25, ratios.stream().mapToDouble(Measurement::ratio).max().orElse(1.0) * 1.1);

        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("Franz's programs / a reference doing the same work (records/s: higher is better; ms, s: lower)", 20, 30);
        g.setFont(labelFont);

        int top = 55;
        for (int i = 0; i < ratios.size(); i++) {
            Measurement m = ratios.get(i);
            int y = top + i * rowHeight;
            int barWidth = (int) (plotWidth * Math.min(m.ratio(), maxRatio) / maxRatio);
            g.setColor(Color.DARK_GRAY);
            g.drawString(label(m), 20, y + 18);
            g.setColor(met(m) ? new Color(0x4C9A2A) : new Color(0xC0392B));
            if (Double.isNaN(m.goal())) {
                g.setColor(new Color(0x5B7DB1)); // no goal: a comparison, neither met nor missed
            }
            g.fillRect(left, y + 4, barWidth, rowHeight - 12);
            g.setColor(Color.DARK_GRAY);
            if (!Double.isNaN(m.goal())) {
                int goalX = left + (int) (plotWidth * m.goal() / maxRatio);
                g.setStroke(new BasicStroke(2, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {4, 4}, 0));
                g.drawLine(goalX, y, goalX, y + rowHeight - 4);
                g.setStroke(new BasicStroke(1));
            }
            // The ratio on white, so that a goal line just behind the bar's end does not cross it.
            String ratio = String.format(Locale.ROOT, "%.2fx", m.ratio());
            g.setColor(Color.WHITE);
            g.fillRect(left + barWidth + 3, y + 5, g.getFontMetrics().stringWidth(ratio) + 6, rowHeight - 14);
            g.setColor(Color.DARK_GRAY);
            g.drawString(ratio, left + barWidth + 6, y + 18);
            if (!m.ceilings().isEmpty()) {
                g.setColor(Color.GRAY);
                g.drawString(String.format(Locale.ROOT, "(%.2fx of %s)", m.ceilingRatio(), m.ceilingTool()),
                        left + barWidth + 12 + g.getFontMetrics().stringWidth(ratio), y + 18);
                g.setColor(Color.DARK_GRAY);
            }
        }
        int axisY = top + ratios.size() * rowHeight + 4;
        g.drawLine(left, axisY, left + plotWidth, axisY);
        for (double tick = 0; tick <= maxRatio; tick += 0.25) {
            int x = left + (int) (plotWidth * tick / maxRatio);
            g.drawLine(x, axisY, x, axisY + 4);
            g.drawString(String.format(Locale.ROOT, "%.2f", tick), x - 12, axisY + 18);
        }
        g.drawString("dashed line: goal; blue: no goal; grey: ours / Kafka's own tool", 20, axisY + 34);
        g.dispose();
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    /** "basic-producer, acks=all vs JSON reference producer". */
    private static String label(Measurement m) {
        return m.scenario() + "  vs  " + m.reference();
    }

    private static String format(double value, String unit) {
        if (Double.isNaN(value)) {
            return "-";
        }
        return "s".equals(unit)
                ? String.format(Locale.ROOT, "%.1f s", value)
                : String.format(Locale.ROOT, "%,.0f %s", value, unit);
    }
}
