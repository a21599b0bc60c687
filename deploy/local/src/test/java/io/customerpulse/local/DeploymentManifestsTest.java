package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.customerpulse.reach.ReachJob;
import io.customerpulse.retention.RetentionJob;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Options;
import org.apache.flink.client.cli.CliFrontendParser;
import org.apache.flink.client.cli.DefaultCLI;
import org.apache.flink.client.cli.GenericCLI;
import org.apache.flink.client.cli.ProgramOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.TimeUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Keeps deploy/kubernetes (Flink Kubernetes Operator) and deploy/compose honest without a cluster:
 * every job they start exists in the shaded job jar with a main method, its arguments are accepted
 * by the job's own picocli command (parsed, never run), and the state settings are the ones
 * savepoints depend on (RocksDB, S3 storage, savepoint upgrades, the same max parallelism as the
 * local cluster). Secrets come from Secret references, never from the manifests.
 */
class DeploymentManifestsTest {
    private static final Path ROOT = Path.of("..", "..");
    private static final Path KUBERNETES = ROOT.resolve("deploy/kubernetes");
    private static final Path COMPOSE = ROOT.resolve("deploy/compose");
    private static final Path LOCAL_CONFIG = ROOT.resolve("deploy/local/config.yaml");
    private static final Path DOCKERFILE = KUBERNETES.resolve("Dockerfile");
    private static final String JOB_JAR_GLOB = "jobs/target/pulse-jobs-*-job.jar";
    private static final Set<String> JOBS = Set.of(RetentionJob.class.getName(), ReachJob.class.getName());
    /** Names of settings that hold a secret; their values must never be written in a manifest. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|passwd|secret|token|access[-_.]?key|credential).*");

    private static Path jobJar;
    private static URLClassLoader jarLoader;

    @BeforeAll
    static void openJobJar() throws IOException {
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + JOB_JAR_GLOB);
        try (Stream<Path> files = Files.walk(ROOT.resolve("jobs/target"), 1)) {
            jobJar = files.filter(p -> matcher.matches(ROOT.relativize(p)))
                    .max(Comparator.comparingLong(p -> p.toFile().lastModified()))
                    .orElse(null);
        } catch (java.nio.file.NoSuchFileException e) {
            jobJar = null;
        }
        assertThat(jobJar).as("the shaded job jar %s (build it first: mvn -DskipTests package)", JOB_JAR_GLOB).isNotNull();
        jarLoader = new JarFirstClassLoader(jobJar.toUri().toURL(), DeploymentManifestsTest.class.getClassLoader());
    }

    // ---------------------------------------------------------------- Kubernetes

    @Test
    void theFlinkDeploymentsRunBothJobs() throws IOException {
        Set<String> entryClasses = new HashSet<>();
        for (Doc deployment : flinkDeployments()) {
            entryClasses.add(deployment.string("spec", "job", "entryClass"));
        }
        assertThat(entryClasses).as("entry classes of the FlinkDeployments under %s", KUBERNETES).isEqualTo(JOBS);
    }

    @TestFactory
    Stream<DynamicTest> everyFlinkDeployment() throws IOException {
        List<Doc> deployments = flinkDeployments();
        assertThat(deployments).as("FlinkDeployment documents under %s", KUBERNETES).isNotEmpty();
        return deployments.stream().map(d -> DynamicTest.dynamicTest(d.toString(), () -> checkFlinkDeployment(d)));
    }

    private void checkFlinkDeployment(Doc d) throws Exception {
        assertThat(d.string("apiVersion")).as("%s apiVersion", d).isEqualTo("flink.apache.org/v1beta1");
        String flinkVersion = pomProperty("flink.version");
        String[] majorMinor = flinkVersion.split("\\.");
        assertThat(d.string("spec", "flinkVersion")).as("%s spec.flinkVersion for Flink %s", d, flinkVersion)
                .isEqualTo("v" + majorMinor[0] + "_" + majorMinor[1]);

        String jarUri = d.string("spec", "job", "jarURI");
        assertThat(jarUri).as("%s spec.job.jarURI: the jar the Dockerfile copies into the image", d)
                .isEqualTo("local://" + dockerfileJarDestination());

        String entryClass = d.string("spec", "job", "entryClass");
        List<String> args = d.strings("spec", "job", "args");
        picocli.CommandLine command = parseJobArgs(entryClass, args, d.toString());

        assertThat(d.string("spec", "job", "upgradeMode")).as("%s spec.job.upgradeMode", d).isEqualTo("savepoint");
        assertThat(d.string("spec", "job", "state")).as("%s spec.job.state", d).isEqualTo("running");
        Object parallelism = d.get("spec", "job", "parallelism");
        assertThat(parallelism).as("%s spec.job.parallelism", d).isInstanceOf(Integer.class);
        int maxParallelism = localMaxParallelism();
        assertThat((Integer) parallelism).as("%s spec.job.parallelism (at most the max parallelism)", d).isBetween(1, maxParallelism);

        Map<String, String> conf = d.stringMap("spec", "flinkConfiguration");
        assertThat(conf.get("state.backend.type")).as("%s state.backend.type", d).isEqualTo("rocksdb");
        assertThat(conf.get("execution.checkpointing.incremental")).as("%s execution.checkpointing.incremental", d).isEqualTo("true");
        assertThat(conf.get("execution.checkpointing.dir")).as("%s execution.checkpointing.dir", d).startsWith("s3://");
        assertThat(conf.get("execution.checkpointing.savepoint-dir")).as("%s execution.checkpointing.savepoint-dir", d).startsWith("s3://");
        assertThat(conf).as("%s S3-compatible endpoint settings", d).containsKeys("s3.endpoint", "s3.path.style.access");
        assertThat(conf.get("pipeline.max-parallelism")).as("%s pipeline.max-parallelism (deploy/local/config.yaml has %s)", d, maxParallelism)
                .isEqualTo(String.valueOf(maxParallelism));
        assertThat(optionValue(command, "--max-parallelism")).as("%s --max-parallelism the job sets (it overrides pipeline.max-parallelism)", d)
                .isEqualTo(maxParallelism);
        assertThat(optionValue(command, "--checkpoint-interval")).as("%s --checkpoint-interval the job sets, against execution.checkpointing.interval", d)
                .isEqualTo(TimeUtils.parseDuration(conf.get("execution.checkpointing.interval")));
        Object checkpointDir = optionValue(command, "--checkpoint-dir");
        if (checkpointDir != null) {
            assertThat(checkpointDir.toString()).as("%s --checkpoint-dir", d).startsWith("s3://");
        }
        assertBoundedRestarts(conf, d.toString());
        assertThat(conf.get("metrics.reporter.prom.factory.class")).as("%s Prometheus reporter", d)
                .isEqualTo("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        assertThat(conf.get("kubernetes.operator.periodic.savepoint.interval")).as("%s periodic savepoints", d).isNotBlank();
        assertThat(conf).as("%s savepoint history limits", d)
                .containsKeys("kubernetes.operator.savepoint.history.max.count", "kubernetes.operator.savepoint.history.max.age");
        for (String role : List.of("jobManager", "taskManager")) {
            assertThat(d.get("spec", role, "resource", "cpu")).as("%s spec.%s.resource.cpu", d, role).isNotNull();
            assertThat(d.get("spec", role, "resource", "memory")).as("%s spec.%s.resource.memory", d, role).isNotNull();
        }

        assertNoLiteralSecrets(d.body, d.toString(), "");
        for (String key : conf.keySet()) {
            assertThat(key).as("%s flinkConfiguration key %s holds a secret in the manifest (use a Secret and env)", d, key)
                    .doesNotMatch(SECRET_NAME);
        }
        Map<String, Map<String, Object>> env = containerEnv(d);
        assertThat(env.keySet()).as("%s env of flink-main-container: the JDBC password", d)
                .containsAnyOf("PULSE_JDBC_PASSWORD", "PULSE_JDBC_PASSWORD_FILE");
        if (env.containsKey("PULSE_JDBC_PASSWORD")) {
            assertSecretKeyRef(env.get("PULSE_JDBC_PASSWORD"), "PULSE_JDBC_PASSWORD", d);
        }
        for (String name : List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")) {
            assertThat(env).as("%s env %s (S3 credentials)", d, name).containsKey(name);
            assertSecretKeyRef(env.get(name), name, d);
        }
        Object kafkaProperties = optionValue(command, "--kafka-properties");
        assertThat(kafkaProperties).as("%s --kafka-properties (Kafka SASL/SSL settings from a Secret)", d).isNotNull();
        assertMountedFromSecret(d, Path.of(kafkaProperties.toString()));
    }

    @Test
    void theFlinkDeploymentsDoNotShareStateDirectories() throws IOException {
        Map<String, String> owners = new HashMap<>();
        for (Doc d : flinkDeployments()) {
            Map<String, String> conf = d.stringMap("spec", "flinkConfiguration");
            for (String key : List.of("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir", "high-availability.storageDir")) {
                String dir = conf.get(key);
                if (dir != null) {
                    String previous = owners.put(dir, d.toString());
                    assertThat(previous).as("%s %s = %s is also used by %s", d, key, dir, previous).isNull();
                }
            }
        }
    }

    @Test
    void theSecretTemplateHoldsOnlyPlaceholders() throws IOException {
        List<Doc> secrets = documents(KUBERNETES).stream().filter(d -> "Secret".equals(d.body.get("kind"))).toList();
        assertThat(secrets).as("Secret templates under %s", KUBERNETES).isNotEmpty();
        Pattern quotedPassword = Pattern.compile("password\\s*=\\s*\"([^\"]*)\"");
        for (Doc secret : secrets) {
            assertThat(secret.body.get("data")).as("%s data: (base64) would hide real values; use stringData placeholders", secret).isNull();
            for (Map.Entry<String, String> entry : secret.stringMap("stringData").entrySet()) {
                assertThat(entry.getValue()).as("%s stringData.%s must be a <REPLACE: ...> placeholder", secret, entry.getKey())
                        .contains("<REPLACE");
                Matcher m = quotedPassword.matcher(entry.getValue());
                while (m.find()) {
                    assertThat(m.group(1)).as("%s stringData.%s password", secret, entry.getKey()).startsWith("<REPLACE");
                }
            }
        }
    }

    @Test
    void theImageIsFlinkOfThePomWithTheJobJar() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        Matcher from = Pattern.compile("(?m)^FROM\\s+(\\S+)").matcher(dockerfile);
        assertThat(from.find()).as("FROM in %s", DOCKERFILE).isTrue();
        assertThat(from.group(1)).as("base image of %s (flink.version in pom.xml, Java 17)", DOCKERFILE)
                .isEqualTo("flink:" + pomProperty("flink.version") + "-java17");
        Matcher copy = copyOfJobJar(dockerfile);
        assertThat(copy.group(1)).as("the jar %s copies", DOCKERFILE).isEqualTo(JOB_JAR_GLOB);
        assertThat(dockerfile).as("%s enables the S3 filesystem plugin", DOCKERFILE)
                .containsPattern("cp /opt/flink/opt/flink-s3-fs-(hadoop|presto)-\\*\\.jar /opt/flink/plugins/");
    }

    // ---------------------------------------------------------------- Compose

    @TestFactory
    Stream<DynamicTest> everyFlinkRunInTheComposeFile() throws IOException {
        List<FlinkRun> runs = flinkRuns();
        DynamicTest bothJobs = DynamicTest.dynamicTest("compose submits both jobs", () ->
                assertThat(runs.stream().map(r -> r.options.getEntryPointClassName()).toList())
                        .as("classes the `flink run` commands of %s submit", COMPOSE).containsExactlyInAnyOrderElementsOf(JOBS));
        return Stream.concat(Stream.of(bothJobs), runs.stream().map(r -> DynamicTest.dynamicTest(r.toString(), () -> checkFlinkRun(r))));
    }

    private void checkFlinkRun(FlinkRun run) throws Exception {
        assertThat(run.options.getJarFilePath()).as("%s jar: the one the Dockerfile copies into the image", run)
                .isEqualTo(dockerfileJarDestination());
        assertThat(run.service.get("build")).as("%s builds deploy/kubernetes/Dockerfile", run)
                .isInstanceOf(Map.class);
        assertThat(((Map<?, ?>) run.service.get("build")).get("dockerfile")).as("%s build.dockerfile", run)
                .isEqualTo("deploy/kubernetes/Dockerfile");
        picocli.CommandLine command = parseJobArgs(run.options.getEntryPointClassName(), Arrays.asList(run.options.getProgramArgs()), run.toString());

        int maxParallelism = localMaxParallelism();
        assertThat(optionValue(command, "--max-parallelism")).as("%s --max-parallelism", run).isEqualTo(maxParallelism);
        Map<String, Object> environment = environment(run.service);
        Map<String, String> flinkProperties = flinkProperties(environment, run.toString());
        assertThat(flinkProperties.get("pipeline.max-parallelism")).as("%s FLINK_PROPERTIES pipeline.max-parallelism", run)
                .isEqualTo(String.valueOf(maxParallelism));
        assertThat(flinkProperties.get("state.backend.type")).as("%s FLINK_PROPERTIES state.backend.type", run).isEqualTo("rocksdb");
        Object password = environment.get("PULSE_JDBC_PASSWORD");
        assertThat(password).as("%s PULSE_JDBC_PASSWORD", run).isNotNull();
        assertThat(password.toString()).as("%s PULSE_JDBC_PASSWORD comes from the caller's environment (${...})", run).startsWith("${");
    }

    /** deploy/prometheus/prometheus.yml scrapes exactly the port range the local cluster's reporter uses. */
    @Test
    @SuppressWarnings("unchecked")
    void prometheusScrapesTheLocalClustersReporterPorts() throws IOException {
        Map<String, Object> config = loadYaml(ROOT.resolve("deploy/prometheus/prometheus.yml")).get(0);
        List<String> targets = new java.util.ArrayList<>();
        for (Map<String, Object> job : (List<Map<String, Object>>) config.get("scrape_configs")) {
            for (Map<String, Object> statics : (List<Map<String, Object>>) job.get("static_configs")) {
                targets.addAll((List<String>) statics.get("targets"));
            }
        }
        List<String> reporterPorts = java.util.stream.IntStream
                .rangeClosed(ClusterPorts.DEFAULTS.prometheusFirst(), ClusterPorts.DEFAULTS.prometheusLast())
                .mapToObj(port -> "localhost:" + port).toList();
        assertThat(targets).containsExactlyElementsOf(reporterPorts);
        assertThat(Files.readString(LOCAL_CONFIG)).contains("port: ${PROMETHEUS_PORTS}");
    }

    @Test
    void theComposeClusterUsesTheLocalMaxParallelism() throws IOException {
        Map<String, Object> services = composeServices();
        for (String name : List.of("jobmanager", "taskmanager")) {
            Map<String, Object> service = asMap(services.get(name), "service " + name);
            Map<String, String> props = flinkProperties(environment(service), "service " + name);
            assertThat(props.get("pipeline.max-parallelism")).as("compose %s pipeline.max-parallelism", name)
                    .isEqualTo(String.valueOf(localMaxParallelism()));
        }
    }

    @Test
    void composeSecretsComeFromTheCallersEnvironment() throws IOException {
        for (Map.Entry<String, Object> service : composeServices().entrySet()) {
            for (Map.Entry<String, Object> variable : environment(asMap(service.getValue(), service.getKey())).entrySet()) {
                if (SECRET_NAME.matcher(variable.getKey()).matches()) {
                    assertThat(String.valueOf(variable.getValue()))
                            .as("compose service %s %s: a ${VARIABLE} of the caller, not a literal", service.getKey(), variable.getKey())
                            .startsWith("${");
                }
            }
        }
    }

    // ---------------------------------------------------------------- the job jar and the job's parser

    /** The entry class from the shaded jar: public static void main(String[]), and its picocli command accepting {@code args}. */
    private static picocli.CommandLine parseJobArgs(String entryClass, List<String> args, String where) throws Exception {
        assertThat(entryClass).as("%s entry class", where).isNotBlank();
        Class<?> job;
        try {
            job = Class.forName(entryClass, false, jarLoader);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(where + ": entry class " + entryClass + " is not in " + jobJar.getFileName(), e);
        }
        assertThat(job.getClassLoader()).as("%s: %s must come from %s", where, entryClass, jobJar.getFileName()).isSameAs(jarLoader);
        Method main;
        try {
            main = job.getMethod("main", String[].class);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(where + ": " + entryClass + " has no public static void main(String[])", e);
        }
        assertThat(Modifier.isStatic(main.getModifiers()) && main.getReturnType() == void.class)
                .as("%s: %s.main(String[]) is public static void", where, entryClass).isTrue();

        // The same command object main() hands to picocli (PulseJob.main: new CommandLine(job).execute(args)), parse only.
        picocli.CommandLine command = new picocli.CommandLine(job.getDeclaredConstructor().newInstance());
        picocli.CommandLine.ParseResult parsed;
        try {
            parsed = command.parseArgs(args.toArray(String[]::new));
        } catch (picocli.CommandLine.ParameterException e) {
            throw new AssertionError(where + ": " + entryClass + " rejects its arguments " + args + ": " + e.getMessage(), e);
        }
        assertThat(parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested())
                .as("%s: arguments ask for help or version instead of running", where).isFalse();
        assertThat(parsed.unmatched()).as("%s: unmatched arguments", where).isEmpty();
        return command;
    }

    private static Object optionValue(picocli.CommandLine command, String option) {
        picocli.CommandLine.Model.OptionSpec spec = command.getCommandSpec().findOption(option);
        assertThat(spec).as("option %s of %s", option, command.getCommandName()).isNotNull();
        return spec.getValue();
    }

    /** Loads the jobs' own classes from the shaded jar (not from the test classpath); Flink, picocli and the rest from the parent. */
    private static final class JarFirstClassLoader extends URLClassLoader {
        JarFirstClassLoader(URL jar, ClassLoader parent) {
            super(new URL[] {jar}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.customerpulse.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    loaded = findClass(name);
                }
                if (resolve) {
                    resolveClass(loaded);
                }
                return loaded;
            }
        }
    }

    // ---------------------------------------------------------------- checks shared by the manifests

    private static void assertBoundedRestarts(Map<String, String> conf, String where) {
        String type = conf.get("restart-strategy.type");
        assertThat(type).as("%s restart-strategy.type (bounded)", where).isIn("fixed-delay", "failure-rate", "exponential-delay");
        String attempts = switch (type) {
            case "fixed-delay" -> conf.get("restart-strategy.fixed-delay.attempts");
            case "failure-rate" -> conf.get("restart-strategy.failure-rate.max-failures-per-interval");
            default -> conf.get("restart-strategy.exponential-delay.attempts-before-reset-backoff");
        };
        assertThat(attempts).as("%s: the %s restart strategy needs an explicit bound", where, type).isNotNull();
        assertThat(Integer.parseInt(attempts)).as("%s restart bound", where).isPositive();
    }

    /** No {@code name: <secret-ish>, value: <literal>} pair (env entries) anywhere in the tree. */
    private static void assertNoLiteralSecrets(Object node, String where, String path) {
        if (node instanceof Map<?, ?> map) {
            Object name = map.get("name");
            if (name != null && map.containsKey("value") && SECRET_NAME.matcher(name.toString()).matches()) {
                fail("%s %s: %s has a literal value; take it from a Secret (valueFrom.secretKeyRef)", where, path, name);
            }
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                assertNoLiteralSecrets(entry.getValue(), where, path + "/" + entry.getKey());
            }
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                assertNoLiteralSecrets(list.get(i), where, path + "[" + i + "]");
            }
        }
    }

    private static void assertSecretKeyRef(Map<String, Object> envEntry, String name, Doc d) throws IOException {
        assertThat(envEntry).as("%s env %s", d, name).doesNotContainKey("value");
        Object ref = new Doc(d.file, d.index, envEntry).get("valueFrom", "secretKeyRef");
        assertThat(ref).as("%s env %s valueFrom.secretKeyRef", d, name).isInstanceOf(Map.class);
        Map<?, ?> secretKeyRef = (Map<?, ?>) ref;
        assertThat(secretTemplateKeys(secretKeyRef.get("name").toString()))
                .as("%s env %s: key of Secret %s in the template", d, name, secretKeyRef.get("name"))
                .contains(secretKeyRef.get("key").toString());
    }

    /** {@code file} lies in a volumeMount of flink-main-container backed by a Secret of the template that has a key of that name. */
    private static void assertMountedFromSecret(Doc d, Path file) throws IOException {
        Map<String, Object> container = mainContainer(d);
        for (Object mountObject : listOrEmpty(container.get("volumeMounts"))) {
            Map<?, ?> mount = (Map<?, ?>) mountObject;
            if (!Path.of(mount.get("mountPath").toString()).equals(file.getParent())) {
                continue;
            }
            for (Object volumeObject : listOrEmpty(d.get("spec", "podTemplate", "spec", "volumes"))) {
                Map<?, ?> volume = (Map<?, ?>) volumeObject;
                if (volume.get("name").equals(mount.get("name")) && volume.get("secret") instanceof Map<?, ?> secret) {
                    assertThat(secretTemplateKeys(secret.get("secretName").toString()))
                            .as("%s: %s comes from Secret %s, which needs the key %s", d, file, secret.get("secretName"), file.getFileName())
                            .contains(file.getFileName().toString());
                    return;
                }
            }
        }
        fail("%s: %s is not in a volume mounted from a Secret", d, file);
    }

    private static Map<String, Map<String, Object>> containerEnv(Doc d) {
        Map<String, Map<String, Object>> env = new LinkedHashMap<>();
        for (Object entry : listOrEmpty(mainContainer(d).get("env"))) {
            Map<String, Object> map = asMap(entry, d + " env entry");
            env.put(map.get("name").toString(), map);
        }
        return env;
    }

    private static Map<String, Object> mainContainer(Doc d) {
        for (Object container : listOrEmpty(d.get("spec", "podTemplate", "spec", "containers"))) {
            Map<String, Object> map = asMap(container, d + " container");
            if ("flink-main-container".equals(map.get("name"))) {
                return map;
            }
        }
        return fail("%s: spec.podTemplate has no flink-main-container (env and mounts for the secrets)", d);
    }

    // ---------------------------------------------------------------- reading the files

    private static List<Doc> flinkDeployments() throws IOException {
        return documents(KUBERNETES).stream().filter(d -> "FlinkDeployment".equals(d.body.get("kind"))).toList();
    }

    private static Map<String, Object> composeServices() throws IOException {
        List<Doc> compose = documents(COMPOSE);
        assertThat(compose).as("YAML documents under %s", COMPOSE).isNotEmpty();
        Map<String, Object> services = new LinkedHashMap<>();
        for (Doc d : compose) {
            Object s = d.body.get("services");
            if (s != null) {
                services.putAll(asMap(s, d + " services"));
            }
        }
        return services;
    }

    /** Every service whose command is {@code flink run ...}, parsed with Flink's own CLI options. */
    private static List<FlinkRun> flinkRuns() throws IOException {
        Options options = CliFrontendParser.getRunCommandOptions();
        DefaultCLI defaultCli = new DefaultCLI();
        defaultCli.addGeneralOptions(options);
        defaultCli.addRunOptions(options);
        GenericCLI genericCli = new GenericCLI(new Configuration(), "/opt/flink/conf");
        genericCli.addGeneralOptions(options);
        genericCli.addRunOptions(options);
        List<FlinkRun> runs = new ArrayList<>();
        for (Map.Entry<String, Object> service : composeServices().entrySet()) {
            Map<String, Object> definition = asMap(service.getValue(), "service " + service.getKey());
            Object command = definition.get("command");
            List<String> words = command instanceof List<?> list
                    ? list.stream().map(String::valueOf).toList()
                    : command == null ? List.of() : List.of(command.toString().trim().split("\\s+"));
            int run = -1;
            for (int i = 0; i + 1 < words.size(); i++) {
                if ((words.get(i).equals("flink") || words.get(i).endsWith("/flink")) && words.get(i + 1).equals("run")) {
                    run = i;
                    break;
                }
            }
            if (run < 0) {
                continue;
            }
            String[] runArgs = words.subList(run + 2, words.size()).toArray(String[]::new);
            try {
                CommandLine line = new DefaultParser().parse(options, runArgs, true);
                runs.add(new FlinkRun(service.getKey(), definition, ProgramOptions.create(line)));
            } catch (Exception e) {
                throw new AssertionError("compose service " + service.getKey() + ": `flink run` rejects " + Arrays.toString(runArgs)
                        + ": " + e.getMessage(), e);
            }
        }
        return runs;
    }

    private static Map<String, Object> environment(Map<String, Object> service) {
        Object env = service.get("environment");
        Map<String, Object> result = new LinkedHashMap<>();
        if (env instanceof Map<?, ?> map) {
            map.forEach((k, v) -> result.put(k.toString(), v));
        } else if (env instanceof List<?> list) {
            for (Object entry : list) {
                String[] kv = entry.toString().split("=", 2);
                result.put(kv[0], kv.length > 1 ? kv[1] : null);
            }
        }
        return result;
    }

    /** FLINK_PROPERTIES as the flink image's entrypoint reads it: one {@code key: value} a line. */
    private static Map<String, String> flinkProperties(Map<String, Object> environment, String where) {
        Object text = environment.get("FLINK_PROPERTIES");
        assertThat(text).as("%s FLINK_PROPERTIES", where).isNotNull();
        Map<String, String> props = new LinkedHashMap<>();
        for (String line : text.toString().split("\n")) {
            String[] kv = line.replaceAll("\\s", "").split(":", 2);
            if (kv.length == 2) {
                props.put(kv[0], kv[1]);
            }
        }
        return props;
    }

    private static int localMaxParallelism() throws IOException {
        Object value = new Doc(LOCAL_CONFIG, 0, loadYaml(LOCAL_CONFIG).get(0)).get("pipeline", "max-parallelism");
        assertThat(value).as("pipeline.max-parallelism in %s", LOCAL_CONFIG).isInstanceOf(Integer.class);
        return (Integer) value;
    }

    private static Set<String> secretTemplateKeys(String secretName) throws IOException {
        for (Doc d : documents(KUBERNETES)) {
            if ("Secret".equals(d.body.get("kind")) && secretName.equals(d.get("metadata", "name"))) {
                Set<String> keys = new HashSet<>(d.stringMap("stringData").keySet());
                Object data = d.body.get("data");
                if (data instanceof Map<?, ?> map) {
                    map.keySet().forEach(k -> keys.add(k.toString()));
                }
                return keys;
            }
        }
        return fail("no Secret named %s under %s", secretName, KUBERNETES);
    }

    private static String dockerfileJarDestination() throws IOException {
        return copyOfJobJar(Files.readString(DOCKERFILE)).group(2);
    }

    private static Matcher copyOfJobJar(String dockerfile) {
        Matcher copy = Pattern.compile("(?m)^COPY\\s+(?:--\\S+\\s+)*(\\S*pulse-jobs\\S*\\.jar)\\s+(\\S+)\\s*$").matcher(dockerfile);
        assertThat(copy.find()).as("COPY of the job jar in %s", DOCKERFILE).isTrue();
        return copy;
    }

    private static String pomProperty(String name) throws IOException {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(m.find()).as("property %s in pom.xml", name).isTrue();
        return m.group(1).trim();
    }

    /** Every YAML document in every *.yaml / *.yml file under {@code dir}. */
    private static List<Doc> documents(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        List<Doc> docs = new ArrayList<>();
        for (Path file : files) {
            List<Map<String, Object>> loaded = loadYaml(file);
            for (int i = 0; i < loaded.size(); i++) {
                docs.add(new Doc(file, i, loaded.get(i)));
            }
        }
        return docs;
    }

    private static List<Map<String, Object>> loadYaml(Path file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file)) {
            for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(reader)) {
                if (doc != null) {
                    docs.add(asMap(doc, file.toString()));
                }
            }
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
            throw new AssertionError(file + " is not valid YAML: " + e.getMessage(), e);
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object node, String what) {
        assertThat(node).as("%s is a mapping", what).isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    private static List<?> listOrEmpty(Object node) {
        return node instanceof List<?> list ? list : List.of();
    }

    private record Doc(Path file, int index, Map<String, Object> body) {
        Object get(String... path) {
            Object node = body;
            for (String key : path) {
                if (!(node instanceof Map<?, ?> map)) {
                    return null;
                }
                node = map.get(key);
            }
            return node;
        }

        String string(String... path) {
            Object value = get(path);
            return value == null ? null : value.toString();
        }

        List<String> strings(String... path) {
            Object value = get(path);
            assertThat(value).as("%s %s is a list", this, String.join(".", path)).isInstanceOf(List.class);
            return ((List<?>) value).stream().map(String::valueOf).toList();
        }

        Map<String, String> stringMap(String... path) {
            Object value = get(path);
            assertThat(value).as("%s %s is a mapping", this, String.join(".", path)).isInstanceOf(Map.class);
            Map<String, String> result = new LinkedHashMap<>();
            ((Map<?, ?>) value).forEach((k, v) -> result.put(k.toString(), v == null ? null : v.toString()));
            return result;
        }

        @Override
        public String toString() {
            Object name = get("metadata", "name");
            return (name != null ? body.get("kind") + " " + name + " in " : "document " + index + " of ") + ROOT.relativize(file);
        }
    }

    private record FlinkRun(String name, Map<String, Object> service, ProgramOptions options) {
        @Override
        public String toString() {
            return "compose service " + name + " (flink run " + options.getEntryPointClassName() + ")";
        }
    }
}
