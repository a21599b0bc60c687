-- The event topics as Flink SQL tables (Flink 2.2 SQL client or TableEnvironment).
-- Needs the format 'avro-single-object' and the Kafka connector on the classpath: both are in the
-- shaded job jar (sql-client.sh -j jobs/target/pulse-jobs-<version>-job.jar -i sql/flink/tables.sql).
--
-- Columns are matched to the Avro fields by name; a table may declare fewer. Types follow the
-- producer contract (schemas/*.avsc): timestamp-millis is TIMESTAMP_LTZ(3), amount is
-- decimal(18,2) in currency units (12.50 = twelve and a half), optional fields are nullable.
-- Every version in schemas/history/ is decoded by its fingerprint.
--
-- Bad records (not single-object encoded, a writer schema not in schemas/history, a corrupt body)
-- are skipped and counted in the source's metric avroSingleObjectRecordsSkipped, as the jobs
-- dead-letter them; the format's own default ('false') fails the query on the first one instead.
--
-- Edit 'properties.bootstrap.servers' for your brokers (./pulse cluster's broker is on 19092).
-- The tables read from the earliest offset and keep tailing; for a query that ends on the records
-- present at its start, add /*+ OPTIONS('scan.bounded.mode' = 'latest-offset') */ after a table.

CREATE TABLE clicks (
  event_id   STRING NOT NULL,
  user_id    STRING NOT NULL,
  event_time TIMESTAMP_LTZ(3) NOT NULL,
  channel    STRING NOT NULL,
  page       STRING NOT NULL,
  item_id    STRING,
  share_id   STRING,
  WATERMARK FOR event_time AS event_time - INTERVAL '5' MINUTE
) WITH (
  'connector' = 'kafka',
  'topic' = 'clicks',
  'properties.bootstrap.servers' = 'localhost:9092',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'avro-single-object',
  'avro-single-object.record' = 'clicks',
  'avro-single-object.ignore-parse-errors' = 'true'
);

CREATE TABLE purchases (
  event_id   STRING NOT NULL,
  user_id    STRING NOT NULL,
  event_time TIMESTAMP_LTZ(3) NOT NULL,
  channel    STRING NOT NULL,
  order_id   STRING NOT NULL,
  amount     DECIMAL(18, 2) NOT NULL,
  currency   STRING NOT NULL,
  share_id   STRING,
  store_id   STRING,
  WATERMARK FOR event_time AS event_time - INTERVAL '5' MINUTE
) WITH (
  'connector' = 'kafka',
  'topic' = 'purchases',
  'properties.bootstrap.servers' = 'localhost:9092',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'avro-single-object',
  'avro-single-object.record' = 'purchases',
  'avro-single-object.ignore-parse-errors' = 'true'
);

CREATE TABLE shares (
  event_id   STRING NOT NULL,
  user_id    STRING NOT NULL,
  event_time TIMESTAMP_LTZ(3) NOT NULL,
  channel    STRING NOT NULL,
  share_id   STRING NOT NULL,
  item_id    STRING,
  target     STRING,
  WATERMARK FOR event_time AS event_time - INTERVAL '5' MINUTE
) WITH (
  'connector' = 'kafka',
  'topic' = 'shares',
  'properties.bootstrap.servers' = 'localhost:9092',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'avro-single-object',
  'avro-single-object.record' = 'shares',
  'avro-single-object.ignore-parse-errors' = 'true'
);
