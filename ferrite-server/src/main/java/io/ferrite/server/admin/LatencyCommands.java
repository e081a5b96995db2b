package io.ferrite.server.admin;

import io.ferrite.server.FerriteServer;
import io.ferrite.server.command.CommandSpec;
import io.ferrite.server.command.CommandTable;
import io.ferrite.server.exec.LatencyHistogram;
import io.ferrite.server.net.Client;
import io.ferrite.server.protocol.RespWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * LATENCY HISTOGRAM / LATEST / HISTORY / RESET / HELP, and INFO latencystats. Per-command
 * distributions come from each command's {@link LatencyHistogram} (latency-tracking), events
 * from the {@link LatencyMonitor} (latency-monitor-threshold). DOCTOR and GRAPH texts are Ferrite's own.
 */
public final class LatencyCommands {
    private LatencyCommands() {}

    static void register(CommandTable.Builder t) {
        t.container("latency", -2, "", "")
                .sub("histogram", -2, "admin noscript loading stale", "", 0, 0, 0, LatencyCommands::histogram)
                .sub("latest", 2, "admin noscript loading stale", "", 0, 0, 0, LatencyCommands::latest)
                .sub("history", 3, "admin noscript loading stale", "", 0, 0, 0, LatencyCommands::history)
                .sub("reset", -2, "admin noscript loading stale", "", 0, 0, 0, LatencyCommands::reset)
                .sub("doctor", 2, "admin noscript loading stale", "", 0, 0, 0, LatencyCommands::doctor)
                .sub("graph", 3, "admin noscript loading stale", "", 0, 0, 0, LatencyCommands::graph)
                .sub("help", 2, "loading stale", LatencyCommands::help);
    }

    /** LATENCY HISTOGRAM [command ...]: calls and a cumulative histogram with power-of-two µs buckets. */
    static void histogram(Client c) {
        Map<String, long[]> found = new LinkedHashMap<>();
        CommandTable table = c.server().commandTable();
        if (c.argc() == 2) {
            for (CommandSpec cmd : table.all()) {
                collect(cmd, found);
                for (CommandSpec sub : cmd.subcommands().values()) collect(sub, found);
            }
        } else {
            for (int i = 2; i < c.argc(); i++) {
                CommandSpec cmd = lookup(table, new String(c.arg(i), StandardCharsets.UTF_8));
                if (cmd == null) continue;
                collect(cmd, found);
                for (CommandSpec sub : cmd.subcommands().values()) collect(sub, found);
            }
        }
        RespWriter w = c.reply();
        w.map(found.size());
        for (Map.Entry<String, long[]> e : found.entrySet()) {
            long[] counts = e.getValue();
            long total = 0;
            for (long n : counts) total += n;
            w.bulk(e.getKey());
            w.map(2);
            w.bulk("calls");
            w.integer(total);
            w.bulk("histogram_usec");
            // Buckets end at 1024 ns, doubling: keyed by their last microsecond, as Redis does.
            List<long[]> rows = new ArrayList<>();
            long cumulative = 0, previous = 0;
            int i = 0;
            for (long edge = 1024; previous < total; edge <<= 1) {
                while (i < counts.length && LatencyHistogram.upperNanos(i) < edge) cumulative += counts[i++];
                if (cumulative > previous) rows.add(new long[] {(edge - 1) / 1000, cumulative});
                previous = cumulative;
                if (i >= counts.length) break;
            }
            w.map(rows.size());
            for (long[] r : rows) {
                w.integer(r[0]);
                w.integer(r[1]);
            }
        }
    }

    /** A command by its name, or a subcommand by "container|sub", case-insensitively. */
    private static CommandSpec lookup(CommandTable table, String name) {
        int bar = name.indexOf('|');
        if (bar < 0) return table.lookup(name.toLowerCase(Locale.ROOT));
        CommandSpec parent = table.lookup(name.substring(0, bar).toLowerCase(Locale.ROOT));
        return parent == null ? null : parent.subcommands().get(name.substring(bar + 1).toLowerCase(Locale.ROOT));
    }

    private static void collect(CommandSpec cmd, Map<String, long[]> found) {
        long[] counts = cmd.latencyCounts();
        for (long n : counts) {
            if (n > 0) {
                found.put(cmd.fullName(), counts);
                return;
            }
        }
    }

    static void latest(Client c) {
        List<Object[]> rows = c.server().latencyMonitor().latest();
        RespWriter w = c.reply();
        w.array(rows.size());
        for (Object[] r : rows) {
            w.array(4);
            w.bulk((String) r[0]);
            w.integer((Long) r[1]);
            w.integer((Long) r[2]);
            w.integer((Long) r[3]);
        }
    }

    static void history(Client c) {
        var samples = c.server().latencyMonitor().history(new String(c.arg(2), StandardCharsets.UTF_8));
        RespWriter w = c.reply();
        w.array(samples.size());
        for (var s : samples) {
            w.array(2);
            w.integer(s.second());
            w.integer(s.millis());
        }
    }

    static void reset(Client c) {
        List<String> names = new ArrayList<>();
        for (int i = 2; i < c.argc(); i++) names.add(new String(c.arg(i), StandardCharsets.UTF_8));
        c.reply().integer(c.server().latencyMonitor().reset(names));
    }

    /** LATENCY DOCTOR: a verbatim text report (Ferrite's own wording, not Redis's). */
    static void doctor(Client c) {
        c.reply().verbatim("txt", c.server().latencyMonitor().report());
    }

    /** LATENCY GRAPH event: an ASCII chart of the event's samples (Ferrite's own layout). */
    static void graph(Client c) {
        String name = new String(c.arg(2), StandardCharsets.UTF_8);
        String chart = c.server().latencyMonitor().graph(name);
        if (chart == null) throw new io.ferrite.server.protocol.CommandError("ERR No samples available for event '" + name + "'");
        c.reply().verbatim("txt", chart);
    }

    static void help(Client c) {
        Help.reply(c,
                "DOCTOR",
                "    Return a human readable latency analysis report.",
                "GRAPH <event>",
                "    Return an ASCII latency graph for the <event> class.",
                "HISTORY <event>",
                "    Return time-latency samples for the <event> class.",
                "LATEST",
                "    Return the latest latency samples for all events.",
                "RESET [<event> ...]",
                "    Reset latency data of one or more <event> classes.",
                "    (default: reset all data for all event classes)",
                "HISTOGRAM [COMMAND ...]",
                "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
                "    If no commands are specified then all histograms are replied.");
    }

    /** INFO latencystats: latency_percentiles_usec_NAME:p50=...,p99=...,p99.9=... per command called. */
    static void info(InfoCommand.Sections o, FerriteServer s) {
        String[] spec = s.config().param("latency-tracking-info-percentiles").value().trim().split("\\s+");
        List<Double> percentiles = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (String p : spec) {
            if (p.isEmpty()) continue;
            percentiles.add(Double.parseDouble(p));
            labels.add(new BigDecimal(p).stripTrailingZeros().toPlainString());
        }
        for (CommandSpec cmd : s.commandTable().all()) {
            infoLine(o, cmd, percentiles, labels);
            for (CommandSpec sub : cmd.subcommands().values()) infoLine(o, sub, percentiles, labels);
        }
    }

    private static void infoLine(InfoCommand.Sections o, CommandSpec cmd, List<Double> percentiles, List<String> labels) {
        long[] counts = cmd.latencyCounts();
        long total = 0;
        for (long n : counts) total += n;
        if (total == 0) return;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < percentiles.size(); i++) {
            if (i > 0) sb.append(',');
            double usec = LatencyHistogram.percentile(counts, percentiles.get(i)) / 1000.0;
            sb.append('p').append(labels.get(i)).append('=').append(String.format(Locale.ROOT, "%.3f", usec));
        }
        o.field("latency_percentiles_usec_" + InfoCommand.safe(cmd.fullName()), sb.toString());
    }
}
