package io.facegate.cli.replay;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * PNG plots of end-to-end latency: its histogram, and each event's latency over the replay's time.
 */
final class LatencyPlots {

  private static final int WIDTH = 800;
  private static final int HEIGHT = 500;

  private LatencyPlots() {}

  /**
   * @param points (seconds since the first event, latency ms)
   */
  static void histogram(List<double[]> points, Path file) throws IOException {
    HistogramDataset data = new HistogramDataset();
    double[] latencies = points.stream().mapToDouble(p -> p[1]).toArray();
    if (latencies.length > 0) {
      data.addSeries("latency", latencies, 40);
    }
    JFreeChart chart =
        ChartFactory.createHistogram(
            "End-to-end latency (capture to decision)",
            "ms",
            "events",
            data,
            PlotOrientation.VERTICAL,
            false,
            false,
            false);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  /**
   * @param points (seconds since the first event, latency ms)
   */
  static void overTime(List<double[]> points, Path file) throws IOException {
    XYSeries series = new XYSeries("latency", false, true);
    for (double[] p : points) {
      series.add(p[0], p[1]);
    }
    JFreeChart chart =
        ChartFactory.createScatterPlot(
            "Latency over the replay",
            "seconds since the first event",
            "latency ms",
            new XYSeriesCollection(series),
            PlotOrientation.VERTICAL,
            false,
            false,
            false);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }
}
