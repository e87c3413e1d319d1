/** Whole-workload benchmarks, each run beside its baseline in the same process and run. */
@NullMarked
package dev.annals.bench;

import org.jspecify.annotations.NullMarked;
