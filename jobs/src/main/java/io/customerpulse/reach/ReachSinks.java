package io.customerpulse.reach;

import org.apache.flink.api.connector.sink2.Sink;

/** The reach job's tables; tests swap them for collecting sinks. */
public record ReachSinks(Sink<WomReachRow> reach, Sink<WomDailyRow> daily) {}
