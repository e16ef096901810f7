package org.p11ca.bench.measure;

/** One unit of work whose rate is measured; called from several threads at once when a trial has threads > 1. */
@FunctionalInterface
public interface Operation {
  void performOnce();
}
