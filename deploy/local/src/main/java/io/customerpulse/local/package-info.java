/** The local stack: in-process Kafka, embedded PostgreSQL, the demo and the ./pulse launcher. */
package io.customerpulse.local;
