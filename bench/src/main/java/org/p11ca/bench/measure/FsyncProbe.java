package org.p11ca.bench.measure;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/** What one durable commit costs on a disk, at the least: the floor under any SQLite synchronous=FULL write. */
public final class FsyncProbe {

  private static final int SAMPLES = 100;

  private FsyncProbe() {
  }

  /** The median of 100 times one 4 KiB write + fsync of a scratch file in {@code dir}, in milliseconds. */
  public static double medianMillis(Path dir) throws IOException {
    Path probe = dir.resolve("fsync-probe");
    double[] millis = new double[SAMPLES];
    try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ByteBuffer block = ByteBuffer.allocate(4096);
      for (int i = 0; i < millis.length; i++) {
        block.clear();
        long t = System.nanoTime();
        ch.write(block, 0);
        ch.force(false);
        millis[i] = (System.nanoTime() - t) / 1e6;
      }
    } finally {
      Files.deleteIfExists(probe);
    }
    Arrays.sort(millis);
    return millis[millis.length / 2];
  }
}
