package io.facegate.processor.core.embedding;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The enrolled templates of one model version, held in one contiguous {@code float[]} (row per
 * person) so that 1:N search is a single linear scan without pointer chasing.
 *
 * <p>Templates of another model version, or that are not valid unit vectors of the right
 * dimension, are remembered by identity but never stored with the comparable rows: a lookup for
 * such a person says why it cannot be compared, and 1:N search skips them.
 *
 * <p>Thread-safe: one writer (the global-store updater) and many readers (stream tasks).
 */
public final class Gallery {
  /** What a 1:1 lookup found for an identity. */
  public enum Status {
    /** A comparable template exists. */
    PRESENT,
    /** No template at all for this identity. */
    ABSENT,
    /** The template was built with another model version. */
    OTHER_MODEL_VERSION,
    /** The stored template is not a valid embedding (NaN, wrong dimension, zero norm). */
    INVALID
  }

  /** Result of a 1:1 lookup; {@code template} is a copy and only set when {@code PRESENT}. */
  public record Lookup(Status status, float[] template, String detail) {}

  /**
   * Result of a 1:N search over the comparable templates.
   *
   * @param identity nearest identity
   * @param distance Euclidean distance to it
   * @param runnerUpIdentity second-nearest identity, or empty with one template only
   * @param runnerUpDistance distance to the runner-up, or {@code NaN} without one
   */
  public record Nearest(String identity, double distance, Optional<String> runnerUpIdentity,
      double runnerUpDistance) {}

  /** Whether {@link #put} stored the template as comparable or set it aside, and why. */
  public enum PutOutcome { STORED, OTHER_MODEL_VERSION, INVALID }

  private final String modelVersion;
  private final int dim;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<String, Integer> rowOf = new HashMap<>();
  private final Map<String, String> setAside = new HashMap<>();
  private final Map<String, Status> setAsideStatus = new HashMap<>();
  private float[] rows;
  private String[] ids;
  private int size;

  /**
   * An empty gallery for embeddings of {@code dim} components produced by {@code modelVersion}.
   */
  public Gallery(String modelVersion, int dim) {
    if (modelVersion == null || modelVersion.isBlank()) {
      throw new IllegalArgumentException("modelVersion must be set");
    }
    if (dim <= 0) {
      throw new IllegalArgumentException("dim must be positive: " + dim);
    }
    this.modelVersion = modelVersion;
    this.dim = dim;
    this.rows = new float[16 * dim];
    this.ids = new String[16];
  }

  public String modelVersion() {
    return modelVersion;
  }

  public int dim() {
    return dim;
  }

  /** Number of comparable templates. */
  public int size() {
    lock.readLock().lock();
    try {
      return size;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Number of identities known but not comparable (other model version or invalid). */
  public int setAsideCount() {
    lock.readLock().lock();
    try {
      return setAside.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Adds or replaces the template of {@code identity}. A valid template of this gallery's model
   * version is stored L2-normalised; anything else is set aside with the reason.
   */
  public PutOutcome put(String identity, float[] template, String templateModelVersion) {
    Objects.requireNonNull(identity, "identity");
    lock.writeLock().lock();
    try {
      removeLocked(identity);
      if (!modelVersion.equals(templateModelVersion)) {
        setAside.put(identity, "template of model version " + templateModelVersion
            + ", loaded model is " + modelVersion);
        setAsideStatus.put(identity, Status.OTHER_MODEL_VERSION);
        return PutOutcome.OTHER_MODEL_VERSION;
      }
      float[] unit;
      try {
        unit = Vectors.l2Normalised(template, dim);
      } catch (InvalidEmbeddingException e) {
        setAside.put(identity, "invalid template: " + e.getMessage());
        setAsideStatus.put(identity, Status.INVALID);
        return PutOutcome.INVALID;
      }
      if (size == ids.length) {
        ids = Arrays.copyOf(ids, size * 2);
        rows = Arrays.copyOf(rows, size * 2 * dim);
      }
      System.arraycopy(unit, 0, rows, size * dim, dim);
      ids[size] = identity;
      rowOf.put(identity, size);
      size++;
      return PutOutcome.STORED;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Records that {@code identity} has a stored template that cannot be read or used; 1:1 for this
   * identity then denies with {@link Status#INVALID} instead of {@link Status#ABSENT}.
   */
  public void markInvalid(String identity, String detail) {
    Objects.requireNonNull(identity, "identity");
    lock.writeLock().lock();
    try {
      removeLocked(identity);
      setAside.put(identity, "invalid template: " + detail);
      setAsideStatus.put(identity, Status.INVALID);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Forgets everyone, e.g. before reloading from the store. */
  public void clear() {
    lock.writeLock().lock();
    try {
      rowOf.clear();
      setAside.clear();
      setAsideStatus.clear();
      Arrays.fill(ids, null);
      size = 0;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Forgets {@code identity}; returns whether anything was known about it. */
  public boolean remove(String identity) {
    lock.writeLock().lock();
    try {
      return removeLocked(identity);
    } finally {
      lock.writeLock().unlock();
    }
  }

  private boolean removeLocked(String identity) {
    boolean knew = setAside.remove(identity) != null;
    setAsideStatus.remove(identity);
    Integer row = rowOf.remove(identity);
    if (row == null) {
      return knew;
    }
    int last = size - 1;
    if (row != last) {
      // keep rows contiguous: move the last row into the hole
      System.arraycopy(rows, last * dim, rows, row * dim, dim);
      ids[row] = ids[last];
      rowOf.put(ids[row], row);
    }
    ids[last] = null;
    size--;
    return true;
  }

  /** What is known about {@code identity}, for 1:1 verification. */
  public Lookup lookup(String identity) {
    lock.readLock().lock();
    try {
      Integer row = rowOf.get(identity);
      if (row != null) {
        return new Lookup(Status.PRESENT,
            Arrays.copyOfRange(rows, row * dim, (row + 1) * dim), null);
      }
      Status s = setAsideStatus.get(identity);
      if (s != null) {
        return new Lookup(s, null, setAside.get(identity));
      }
      return new Lookup(Status.ABSENT, null, null);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Exact 1:N search: the nearest and second-nearest comparable templates to {@code probe}.
   *
   * @return empty when the gallery holds no comparable template
   * @throws InvalidEmbeddingException if {@code probe} is not a valid embedding of this gallery
   */
  public Optional<Nearest> nearest(float[] probe) {
    Vectors.requireValid(probe, dim);
    lock.readLock().lock();
    try {
      if (size == 0) {
        return Optional.empty();
      }
      int best = -1;
      int second = -1;
      double bestSq = Double.POSITIVE_INFINITY;
      double secondSq = Double.POSITIVE_INFINITY;
      for (int r = 0; r < size; r++) {
        double sq = Vectors.squaredDistance(probe, 0, rows, r * dim, dim);
        if (sq < bestSq) {
          second = best;
          secondSq = bestSq;
          best = r;
          bestSq = sq;
        } else if (sq < secondSq) {
          second = r;
          secondSq = sq;
        }
      }
      return Optional.of(new Nearest(ids[best], Math.sqrt(bestSq),
          second < 0 ? Optional.empty() : Optional.of(ids[second]),
          second < 0 ? Double.NaN : Math.sqrt(secondSq)));
    } finally {
      lock.readLock().unlock();
    }
  }
}
