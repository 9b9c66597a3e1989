package io.facegate.model.face;

import io.facegate.model.preprocess.RawImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns decoded input images into the model's input faces, the one definition trainer, evaluate and
 * processor share. A crop goes through the model's {@link FaceStage} as it is. A whole frame is
 * searched by the {@link FaceDetector}; one face is chosen by {@link Settings} (score, size,
 * several faces), cut out as a square around its box with the model's {@link DetectionSpec} margin
 * (zero outside the frame) and then goes through the same {@link FaceStage} (landmark alignment
 * where the model asks for it). A frame without an acceptable face is a typed {@link Rejection},
 * never an exception. Work per call: one batched detector run over the frames, one batched
 * face-stage run over the faces; the cut-out is bounded by the decoded frame.
 */
public final class FaceFinder {

  /** What an input image is. */
  public enum Kind {
    /** A face already cut out (by an edge box or a dataset): today's path. */
    CROP,
    /** A whole camera frame: the face is found first. */
    FRAME
  }

  /** Why a frame gives no face to the model. */
  public enum Rejection {
    /** The detector found nothing, even below the minimum score; or alignment found no face. */
    NO_FACE,
    /** The chosen face's box is smaller than the minimum side. */
    FACE_TOO_SMALL,
    /** Something face-like, but no box scored above the minimum score. */
    LOW_DETECTION_SCORE,
    /** Several faces above the minimum score and the policy says deny. */
    MULTIPLE_FACES,
    /** A frame, but no detector is configured for this model. */
    NO_DETECTOR
  }

  /** What to do when a frame holds several faces above the minimum score. */
  public enum MultipleFaces {
    /** Decide on the face with the largest box. */
    LARGEST,
    /** Deny {@link Rejection#MULTIPLE_FACES} (tailgating-sensitive doors). */
    DENY;

    /** Parses {@code largest} or {@code deny}, case-insensitively. */
    public static MultipleFaces parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "multiple-faces policy must be largest or deny, got '" + s + "'");
      }
    }
  }

  /**
   * Which detected face counts.
   *
   * @param minScore a face needs a detection score strictly above this, in (0, 1); boxes between
   *     the detector's own floor and this give {@link Rejection#LOW_DETECTION_SCORE}
   * @param minFaceSide the chosen box's shorter side must be at least this many source pixels
   * @param multiple what several faces above {@code minScore} lead to
   */
  public record Settings(double minScore, int minFaceSide, MultipleFaces multiple) {
    /** face-api's minimum confidence. */
    public static final double DEFAULT_MIN_SCORE = 0.5;

    /** Smallest face side accepted by default, in source pixels. */
    public static final int DEFAULT_MIN_FACE_SIDE = 32;

    /** Validates the fields; each message starts with the field name. */
    public Settings {
      if (!(minScore > 0 && minScore < 1)) {
        throw new IllegalArgumentException("minScore must be in (0, 1), got " + minScore);
      }
      if (minFaceSide < 1 || minFaceSide > 4096) {
        throw new IllegalArgumentException("minFaceSide must be in [1, 4096], got " + minFaceSide);
      }
      Objects.requireNonNull(multiple, "multiple");
    }

    /** Score 0.5, side 32 px, the largest of several faces. */
    public static Settings defaults() {
      return new Settings(DEFAULT_MIN_SCORE, DEFAULT_MIN_FACE_SIDE, MultipleFaces.LARGEST);
    }
  }

  /** One input image: its pixels and what they show. */
  public record Input(RawImage image, Kind kind) {
    /** Both must be set. */
    public Input {
      Objects.requireNonNull(image, "image");
      Objects.requireNonNull(kind, "kind");
    }
  }

  /** The outcome for one input. */
  public sealed interface Found permits Face, Rejected {}

  /**
   * A face for the model.
   *
   * @param image the image to pre-process (the stage's output)
   * @param box the chosen detection in frame pixels; null for a crop
   */
  public record Face(RawImage image, FaceBox box) implements Found {}

  /**
   * No face for the model.
   *
   * @param reason why
   * @param detail in words, for the decision
   * @param box the best box seen, when there was one
   */
  public record Rejected(Rejection reason, String detail, FaceBox box) implements Found {}

  /** Lowest score the detector must report so that low-scored boxes can be told from none. */
  public static final double DETECTOR_FLOOR = 0.2;

  private final FaceDetector detector;
  private final FaceStage stage;
  private final DetectionSpec detection;
  private final Settings settings;

  /**
   * @param detector finds faces in frames and reports boxes down to {@link #DETECTOR_FLOOR}; null
   *     when the model has no detector (frames are rejected {@link Rejection#NO_DETECTOR})
   * @param detection the detector's file and crop margin; null exactly when {@code detector} is
   * @param stage the model's face stage, applied to crops and to faces cut from frames
   */
  public FaceFinder(
      FaceDetector detector, DetectionSpec detection, FaceStage stage, Settings settings) {
    if ((detector == null) != (detection == null)) {
      throw new IllegalArgumentException("a detector needs its detection spec and vice versa");
    }
    this.detector = detector;
    this.detection = detection;
    this.stage = Objects.requireNonNull(stage, "stage");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** A finder for crops only: frames are rejected. */
  public static FaceFinder cropsOnly(FaceStage stage) {
    return new FaceFinder(null, null, stage, Settings.defaults());
  }

  /**
   * This finder as a {@link FaceStage} for images that are all of {@code kind}: the face, or {@code
   * null} where it rejects the image (trainer and evaluate count those as unusable).
   */
  public FaceStage asStage(Kind kind) {
    return images ->
        find(images.stream().map(i -> new Input(i, kind)).toList()).stream()
            .map(f -> f instanceof Face face ? face.image() : null)
            .toList();
  }

  /** The settings in force. */
  public Settings settings() {
    return settings;
  }

  /**
   * Finds the model's input face in each image.
   *
   * @return per input, in order, its face or why there is none
   * @throws RuntimeException when the detector or the face stage fails: no input of the batch has
   *     an answer (the caller denies them all)
   */
  public List<Found> find(List<Input> inputs) {
    int n = inputs.size();
    Found[] out = new Found[n];
    RawImage[] faces = new RawImage[n];
    FaceBox[] boxes = new FaceBox[n];
    List<Integer> frames = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Input in = inputs.get(i);
      if (in.kind() == Kind.CROP) {
        faces[i] = in.image();
      } else if (detector == null) {
        out[i] =
            new Rejected(
                Rejection.NO_DETECTOR,
                "a whole frame, but the model has no face " + "detector",
                null);
      } else {
        frames.add(i);
      }
    }
    if (!frames.isEmpty()) {
      List<RawImage> batch = new ArrayList<>(frames.size());
      for (int i : frames) {
        batch.add(inputs.get(i).image());
      }
      List<List<FaceBox>> detected = detector.detect(batch);
      if (detected == null || detected.size() != batch.size()) {
        throw new IllegalStateException(
            "detector returned "
                + (detected == null ? "nothing" : detected.size() + " answers")
                + " for "
                + batch.size()
                + " frames");
      }
      for (int j = 0; j < frames.size(); j++) {
        int i = frames.get(j);
        Found chosen = choose(detected.get(j));
        if (chosen instanceof Rejected r) {
          out[i] = r;
        } else {
          boxes[i] = ((Face) chosen).box();
          faces[i] = cut(inputs.get(i).image(), boxes[i], detection.margin());
        }
      }
    }
    List<Integer> staged = new ArrayList<>();
    List<RawImage> toStage = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (faces[i] != null) {
        staged.add(i);
        toStage.add(faces[i]);
      }
    }
    if (!toStage.isEmpty()) {
      List<RawImage> prepared = stage.prepare(toStage);
      if (prepared == null || prepared.size() != toStage.size()) {
        throw new IllegalStateException(
            "face stage returned "
                + (prepared == null ? "nothing" : prepared.size() + " images")
                + " for "
                + toStage.size());
      }
      for (int j = 0; j < staged.size(); j++) {
        int i = staged.get(j);
        RawImage img = prepared.get(j);
        out[i] =
            img != null
                ? new Face(img, boxes[i])
                : new Rejected(Rejection.NO_FACE, "no plausible face landmarks", boxes[i]);
      }
    }
    return List.of(out);
  }

  /** The face the settings accept among a frame's boxes (best score first), or why none. */
  Found choose(List<FaceBox> found) {
    if (found == null || found.isEmpty()) {
      return new Rejected(Rejection.NO_FACE, "no face in the frame", null);
    }
    FaceBox best = found.stream().max(Comparator.comparingDouble(FaceBox::score)).orElseThrow();
    List<FaceBox> faces = found.stream().filter(b -> b.score() > settings.minScore()).toList();
    if (faces.isEmpty()) {
      return new Rejected(
          Rejection.LOW_DETECTION_SCORE,
          String.format(
              Locale.ROOT,
              "best face score %.3f is not above %.3f",
              best.score(),
              settings.minScore()),
          best);
    }
    FaceBox largest =
        faces.stream().max(Comparator.comparingDouble(b -> b.width() * b.height())).orElseThrow();
    if (faces.size() > 1 && settings.multiple() == MultipleFaces.DENY) {
      return new Rejected(
          Rejection.MULTIPLE_FACES,
          faces.size() + " faces above score " + settings.minScore(),
          largest);
    }
    if (Math.min(largest.width(), largest.height()) < settings.minFaceSide()) {
      return new Rejected(
          Rejection.FACE_TOO_SMALL,
          String.format(
              Locale.ROOT,
              "face of %.0fx%.0f px is below the %d px minimum side",
              largest.width(),
              largest.height(),
              settings.minFaceSide()),
          largest);
    }
    return new Face(null, largest);
  }

  /** Largest side of a cut-out face; larger squares are block-averaged down to at most this. */
  static final int MAX_CUT_SIDE = 1024;

  /**
   * The square of side {@code max(w, h) * (1 + 2 * margin)} centred on {@code box}, copied out of
   * {@code frame}; pixels outside the frame are zero. A square wider than {@value #MAX_CUT_SIDE} is
   * averaged over k x k blocks (k the smallest integer that brings it within), so the work is
   * bounded by the frame's pixels, whatever the box.
   */
  static RawImage cut(RawImage frame, FaceBox box, double margin) {
    double side = Math.max(box.width(), box.height()) * (1 + 2 * margin);
    long s = Math.max(1, Math.round(side));
    int k = (int) Math.max(1, (s + MAX_CUT_SIDE - 1) / MAX_CUT_SIDE);
    long left = Math.round(box.x() + box.width() / 2 - s / 2.0);
    long top = Math.round(box.y() + box.height() / 2 - s / 2.0);
    int out = (int) ((s + k - 1) / k);
    int c = frame.channels();
    byte[] px = new byte[out * out * c];
    int x0 = (int) Math.max(0, left);
    int x1 = (int) Math.min(frame.width(), left + s);
    int y0 = (int) Math.max(0, top);
    int y1 = (int) Math.min(frame.height(), top + s);
    if (k == 1) {
      for (int y = y0; y < y1 && x1 > x0; y++) {
        System.arraycopy(
            frame.pixels(),
            (y * frame.width() + x0) * c,
            px,
            (int) (((y - top) * out + (x0 - left)) * c),
            (x1 - x0) * c);
      }
      return new RawImage(out, out, c, px);
    }
    long[] sum = new long[out * out * c];
    for (int y = y0; y < y1; y++) {
      int row = (int) ((y - top) / k) * out;
      for (int x = x0; x < x1; x++) {
        int o = (row + (int) ((x - left) / k)) * c;
        int src = (y * frame.width() + x) * c;
        for (int ch = 0; ch < c; ch++) {
          sum[o + ch] += frame.pixels()[src + ch] & 0xFF;
        }
      }
    }
    int area = k * k;
    for (int i = 0; i < sum.length; i++) {
      px[i] = (byte) Math.round((double) sum[i] / area);
    }
    return new RawImage(out, out, c, px);
  }
}
