package dev.annals.bench;

import java.util.List;

/** A whole workload: runs the engine and its baseline in the same run and returns the rows. */
public interface Workload {

  String name();

  List<BenchResult> run(BenchEnv env) throws Exception;
}
