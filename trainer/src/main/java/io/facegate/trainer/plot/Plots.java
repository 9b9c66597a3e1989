package io.facegate.trainer.plot;

import io.facegate.trainer.evaluation.PairDistances;
import io.facegate.trainer.evaluation.VerificationMetrics;
import io.facegate.trainer.training.EpochStats;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.statistics.HistogramType;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Writes the training and evaluation charts as PNG files. */
public final class Plots {

  private static final int WIDTH = 900;
  private static final int HEIGHT = 600;

  static {
    // charts are rendered off-screen; a server has no display
    System.setProperty("java.awt.headless", "true");
  }

  private Plots() {}

  /** Training and validation loss per epoch, all epochs. */
  public static void lossAllEpochs(List<EpochStats> epochs, Path file) throws IOException {
    XYSeries train = new XYSeries("training loss");
    XYSeries val = new XYSeries("validation loss");
    for (EpochStats e : epochs) {
      train.add(e.epoch(), e.trainLoss());
      val.add(e.epoch(), e.validationLoss());
    }
    XYSeriesCollection data = new XYSeriesCollection(train);
    data.addSeries(val);
    save(line("Loss per epoch", "epoch", "loss", data), file);
  }

  /**
   * Training loss of every step of the first five epochs, with validation loss at each epoch end.
   */
  public static void lossFirstEpochs(
      List<EpochStats> epochs, List<Double> stepLosses, int stepsPerEpoch, Path file)
      throws IOException {
    int epochsShown = Math.min(5, epochs.size());
    XYSeries train = new XYSeries("training loss (per step)");
    for (int i = 0; i < Math.min(stepLosses.size(), epochsShown * stepsPerEpoch); i++) {
      train.add((i + 1.0) / stepsPerEpoch, stepLosses.get(i));
    }
    XYSeries val = new XYSeries("validation loss (epoch end)");
    for (int i = 0; i < epochsShown; i++) {
      val.add(epochs.get(i).epoch(), epochs.get(i).validationLoss());
    }
    XYSeriesCollection data = new XYSeriesCollection(train);
    data.addSeries(val);
    save(line("Loss, first " + epochsShown + " epochs", "epoch", "loss", data), file);
  }

  /** ROC curve: true accept rate against false accept rate, with the diagonal for reference. */
  public static void roc(PairDistances distances, String title, Path file) throws IOException {
    XYSeries curve =
        new XYSeries(
            "ROC (AUC " + String.format("%.4f", VerificationMetrics.auc(distances)) + ")", false);
    for (double[] p : VerificationMetrics.roc(distances)) {
      curve.add(p[0], p[1]);
    }
    XYSeries chance = new XYSeries("chance");
    chance.add(0, 0);
    chance.add(1, 1);
    XYSeriesCollection data = new XYSeriesCollection(curve);
    data.addSeries(chance);
    save(line(title, "false accept rate", "true accept rate", data), file);
  }

  /** Genuine and impostor distance histograms (relative frequency), with the threshold marked. */
  public static void distanceHistograms(
      PairDistances distances, double threshold, String title, Path file) throws IOException {
    HistogramDataset data = new HistogramDataset();
    data.setType(HistogramType.RELATIVE_FREQUENCY);
    double max = Math.max(2.0, Math.max(last(distances.genuine()), last(distances.impostor())));
    data.addSeries(
        "same person (" + distances.genuine().length + " pairs)", distances.genuine(), 50, 0, max);
    data.addSeries(
        "different people (" + distances.impostor().length + " pairs)",
        distances.impostor(),
        50,
        0,
        max);
    JFreeChart chart =
        ChartFactory.createHistogram(
            title,
            "Euclidean distance",
            "fraction of pairs",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    XYPlot plot = chart.getXYPlot();
    plot.setForegroundAlpha(0.6f);
    XYBarRenderer renderer = (XYBarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardXYBarPainter());
    renderer.setShadowVisible(false);
    ValueMarker marker = new ValueMarker(threshold, Color.BLACK, new BasicStroke(2f));
    marker.setLabel("threshold " + String.format("%.3f", threshold));
    plot.addDomainMarker(marker);
    save(chart, file);
  }

  private static double last(double[] sorted) {
    return sorted[sorted.length - 1];
  }

  private static JFreeChart line(String title, String x, String y, XYSeriesCollection data) {
    return ChartFactory.createXYLineChart(
        title, x, y, data, PlotOrientation.VERTICAL, true, false, false);
  }

  private static void save(JFreeChart chart, Path file) throws IOException {
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }
}
