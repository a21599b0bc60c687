package io.customerpulse.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.reach.ReachJob;
import io.customerpulse.retention.RetentionJob;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The README documents every option of the job and the demo, with the default the code uses. */
class ReadmeTest {
    private static final Path README = Path.of("..", "..", "README.md");

    @Test
    void everyRetentionJobOptionIsDocumentedWithItsDefault() throws IOException {
        assertDocumented(new RetentionJob());
    }

    @Test
    void everyReachJobOptionIsDocumentedWithItsDefault() throws IOException {
        assertDocumented(new ReachJob());
    }

    private static void assertDocumented(Object job) throws IOException {
        String readme = Files.readString(README);
        for (OptionSpec option : new CommandLine(job).getCommandSpec().options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            String name = option.longestName();
            String row = readme.lines()
                    .filter(l -> l.startsWith("| `" + name + "`") || l.startsWith("| `--[no-]" + name.substring(2) + "`")
                            || l.startsWith("| `" + name + " "))
                    .findFirst().orElse(null);
            assertThat(row).as("README configuration row for %s", name).isNotNull();
            String defaultValue = option.defaultValue();
            if (defaultValue != null) {
                assertThat(row).as("README default of %s", name).contains("| " + defaultValue + " |");
            }
        }
    }

    @Test
    void everyLauncherCommandAndItsOwnOptionsAreMentioned() throws IOException {
        String readme = Files.readString(README);
        CommandLine pulse = new CommandLine(new PulseCli());
        for (var command : pulse.getSubcommands().entrySet()) {
            if (command.getKey().equals("help")) {
                continue;
            }
            assertThat(readme).as("README names ./pulse %s", command.getKey()).contains("./pulse " + command.getKey());
            for (OptionSpec option : command.getValue().getCommandSpec().options()) {
                if (option.usageHelp() || option.versionHelp()) {
                    continue;
                }
                String name = option.longestName().replace("--", "");
                assertThat(readme).as("README mentions option --%s of ./pulse %s", name, command.getKey())
                        .containsPattern("--(\\[no-\\]|no-)?" + name);
            }
        }
    }

    /** Picocli formats help text with String.format: a lone % makes it warn and print the text raw. */
    @Test
    void everyCommandsHelpRendersWithoutWarnings() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
        try {
            CommandLine pulse = new CommandLine(new PulseCli());
            assertThat(pulse.getUsageMessage()).isNotBlank();
            for (var command : pulse.getSubcommands().entrySet()) {
                assertThat(command.getValue().getUsageMessage()).as("./pulse %s --help", command.getKey()).isNotBlank();
            }
            for (Object job : new Object[] {new RetentionJob(), new ReachJob()}) {
                assertThat(new CommandLine(job).getUsageMessage()).isNotBlank();
            }
        } finally {
            System.setErr(stderr);
        }
        assertThat(warnings.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void theTwoSetUpCommandsAreTheLauncherAndCiRunsTheTestOne() throws IOException {
        String readme = Files.readString(README);
        assertThat(readme).contains("./pulse demo", "./pulse test");
        assertThat(Files.readString(Path.of("..", "..", ".ci", "run"))).contains("./pulse test");
    }
}
