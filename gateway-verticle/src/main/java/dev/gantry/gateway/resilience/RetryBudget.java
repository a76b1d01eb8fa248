package dev.gantry.gateway.resilience;

/**
 * Keeps retries below a share of live traffic over a sliding ten-second window (as Linkerd's
 * retry budget): a retry is allowed while retries in the window stay under
 * {@code percent}% of requests in it, or under {@code minPerSecond} a second whatever the traffic.
 * Shared by the gateway's event loops, hence synchronized.
 */
public final class RetryBudget {
  static final int BUCKETS = 10;
  static final long BUCKET_MILLIS = 1_000;

  private final int percent;
  private final int minPerSecond;
  private final long[] requests = new long[BUCKETS];
  private final long[] retries = new long[BUCKETS];
  private long currentBucket;

  public RetryBudget(int percent, int minPerSecond) {
    this.percent = percent;
    this.minPerSecond = minPerSecond;
  }

  public synchronized void request(long nowMillis) {
    requests[slot(nowMillis)]++;
  }

  /** Takes one retry from the budget if there is one. */
  public synchronized boolean tryRetry(long nowMillis) {
    int slot = slot(nowMillis);
    long req = 0;
    long ret = 0;
    for (int i = 0; i < BUCKETS; i++) {
      req += requests[i];
      ret += retries[i];
    }
    boolean allowed = ret < (long) minPerSecond * BUCKETS || ret * 100 < req * percent;
    if (allowed) {
      retries[slot]++;
    }
    return allowed;
  }

  private int slot(long nowMillis) {
    long bucket = nowMillis / BUCKET_MILLIS;
    if (bucket != currentBucket) {
      long gap = Math.min(BUCKETS, bucket - currentBucket);
      for (long b = 1; b <= gap; b++) {
        int s = (int) Math.floorMod(currentBucket + b, BUCKETS);
        requests[s] = 0;
        retries[s] = 0;
      }
      currentBucket = bucket;
    }
    return (int) Math.floorMod(bucket, BUCKETS);
  }
}
