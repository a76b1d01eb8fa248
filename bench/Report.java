import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * Turns the raw runs of bench/run (one "target round rps p50 p99 p999 errors" line each) into a
 * markdown table (median of the rounds, spread, ratios to nginx and to the direct upstream) and a
 * PNG bar chart; and, given the fixed-rate results of bench/RateClient.java, a latency table and
 * a p99 chart a rate under the throughput chart.
 * Run: java -cp xchart.jar bench/Report.java RAW OUT.md OUT.png "machine text" [RATE_RESULTS]
 */
public class Report {
  /** One wrk round of a target; cpuMicros is its processes' CPU time per request (-1 when not measured). */
  record Run(double rps, double p50, double p99, double p999, long errors, double cpuMicros) {}

  public static void main(String[] args) throws IOException {
    Map<String, List<Run>> runs = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 7) {
        continue;
      }
      runs.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new Run(Double.parseDouble(f[2]),
          Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]), Long.parseLong(f[6]),
          f.length > 7 ? Double.parseDouble(f[7]) : -1));
    }
    double nginx = median(runs.getOrDefault("nginx", List.of()), Run::rps);
    double direct = median(runs.getOrDefault("direct", List.of()), Run::rps);
    StringBuilder md = new StringBuilder();
    md.append("Measured ").append(args.length > 3 ? args[3] : "").append("\n\n");
    double nginxCpu = median(runs.getOrDefault("nginx", List.of()), Run::cpuMicros);
    md.append("| target | req/s (median) | spread | vs nginx | vs direct | p50 ms | p99 ms | p99.9 ms | errors "
        + "| CPU µs/req | CPU vs nginx |\n");
    md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    List<String> names = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    runs.forEach((target, list) -> {
      double rps = median(list, Run::rps);
      double min = list.stream().mapToDouble(Run::rps).min().orElse(0);
      double max = list.stream().mapToDouble(Run::rps).max().orElse(0);
      double cpu = median(list, Run::cpuMicros);
      md.append(String.format("| %s | %,.0f | %,.0f–%,.0f | %s | %s | %.2f | %.2f | %.2f | %d | %s | %s |%n", target, rps,
          min, max, nginx > 0 ? String.format("%.2f", rps / nginx) : "—", direct > 0 ? String.format("%.2f", rps / direct) : "—",
          median(list, Run::p50) / 1000, median(list, Run::p99) / 1000, median(list, Run::p999) / 1000,
          list.stream().mapToLong(Run::errors).sum(), cpu > 0 ? String.format("%.1f", cpu) : "—",
          cpu > 0 && nginxCpu > 0 ? String.format("%.2f", cpu / nginxCpu) : "—"));
      names.add(target);
      values.add((double) Math.round(rps));
    });
    md.append("\nEach figure is the median of ").append(runs.values().stream().mapToInt(List::size).max().orElse(0))
        .append(" interleaved rounds (every target once per round, in turn); spread is min–max. CPU µs/req is the\n")
        .append("CPU time (user + system, from /proc) that the target's processes — and their children, such as\n")
        .append("nginx's workers or Gantry's embedded Postgres — spent during the round, divided by the requests\n")
        .append("wrk completed: it holds up on a loaded machine where req/s swings.\n");
    Map<String, List<double[]>> rated = args.length > 4 && Files.exists(Path.of(args[4]))
        ? parseRates(Files.readAllLines(Path.of(args[4]))) : Map.of();
    fixedRate(rated, md);
    Files.writeString(Path.of(args[1]), md.toString());
    List<CategoryChart> charts = new ArrayList<>();
    charts.add(bars("Requests per second (wrk, median)", "req/s", names, values));
    // One p99 chart a rate: the targets measured differ from rate to rate.
    Map<String, List<String>> targetsByRate = new LinkedHashMap<>();
    Map<String, List<Double>> p99ByRate = new LinkedHashMap<>();
    rated.forEach((key, list) -> {
      String[] k = key.split(" ");
      targetsByRate.computeIfAbsent(k[1], r -> new ArrayList<>()).add(k[0]);
      p99ByRate.computeIfAbsent(k[1], r -> new ArrayList<>()).add(Math.round(col(list, 4) / 10) / 100.0);
    });
    targetsByRate.forEach((rate, targets) -> charts.add(bars("p99 latency at " + rate
        + " req/s, open loop (ms, median)", "ms", targets, p99ByRate.get(rate))));
    BitmapEncoder.saveBitmap(charts, charts.size(), 1, args[2].replaceAll("\\.png$", ""),
        BitmapEncoder.BitmapFormat.PNG);
    System.out.print(md);
  }

  static CategoryChart bars(String title, String unit, List<String> names, List<Double> values) {
    CategoryChart chart = new CategoryChartBuilder().width(1100).height(420).title(title)
        .xAxisTitle("target").yAxisTitle(unit).build();
    chart.getStyler().setDecimalPattern(unit.equals("ms") ? "0.00" : "#,###");
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setLabelsVisible(true);
    chart.getStyler().setXAxisLabelRotation(12); // long target names stay apart
    chart.addSeries(unit, names, values);
    return chart;
  }

  /**
   * Lines "target rate achieved p50 p90 p99 p999 max errors" (latencies in microseconds), one per
   * target, rate and round, keyed "target rate"; each column's median over the rounds is reported,
   * errors summed.
   */
  static Map<String, List<double[]>> parseRates(List<String> lines) {
    Map<String, List<double[]>> runs = new LinkedHashMap<>();
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 9) {
        double[] v = new double[8];
        for (int i = 0; i < 8; i++) {
          v[i] = Double.parseDouble(f[i + 1]);
        }
        runs.computeIfAbsent(f[0] + " " + f[1], k -> new ArrayList<>()).add(v);
      }
    }
    return runs;
  }

  static void fixedRate(Map<String, List<double[]>> runs, StringBuilder md) {
    if (runs.isEmpty()) {
      return;
    }
    md.append("\nFixed rate, open loop (bench/RateClient.java: each request's latency runs from the time it was due,\n")
        .append("so a stall shows in every request queued behind it, as with wrk2). Targets that cannot sustain\n")
        .append("1.25 × the rate in the table above are left out. Medians of ")
        .append(runs.values().stream().mapToInt(List::size).max().orElse(0)).append(" rounds.\n\n")
        .append("| target | rate req/s | achieved | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors |\n")
        .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    runs.forEach((key, list) -> {
      String[] k = key.split(" ");
      md.append(String.format("| %s | %,.0f | %,.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f |%n", k[0],
          Double.parseDouble(k[1]), col(list, 1), col(list, 2) / 1000, col(list, 3) / 1000, col(list, 4) / 1000,
          col(list, 5) / 1000, col(list, 6) / 1000, list.stream().mapToDouble(v -> v[7]).sum()));
    });
  }

  /** The median over the rounds of one column of the fixed-rate results. */
  static double col(List<double[]> rounds, int i) {
    return median(rounds, r -> r[i]);
  }

  /** The median of {@code metric} over {@code list}; 0 for none. */
  static <T> double median(List<T> list, ToDoubleFunction<T> metric) {
    if (list.isEmpty()) {
      return 0;
    }
    double[] v = list.stream().mapToDouble(metric).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
