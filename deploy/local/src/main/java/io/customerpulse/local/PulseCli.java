package io.customerpulse.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The ./pulse launcher. */
@Command(name = "pulse", mixinStandardHelpOptions = true, version = "Customer Pulse 0.1.0",
        description = "Customer Pulse: live retention of every customer, computed by Flink from Kafka into PostgreSQL.",
        subcommands = {DemoCommand.class, GenerateCommand.class, ReplayCommand.class, BackfillCommand.class,
            FitModelCommand.class, ClusterCommand.class, SubmitCommand.class, CancelCommand.class, BenchCommand.class, TestCommand.class, CommandLine.HelpCommand.class})
public final class PulseCli implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(PulseCli.class);

    public static void main(String[] args) {
        int exitCode = commandLine().execute(args);
        System.exit(exitCode);
    }

    /**
     * The launcher's command line. A mistyped option after a list-valued one ({@code --input a.jsonl
     * --as-off ...}) is an unknown option, not one more file; a command that refuses what it was
     * given (a missing input, a bad value) says so in one line; `submit` passes options it does not
     * know to the job.
     */
    static CommandLine commandLine() {
        CommandLine line = new CommandLine(new PulseCli());
        line.setUnmatchedOptionsAllowedAsOptionParameters(false);
        line.setExecutionExceptionHandler(PulseCli::refused);
        line.getSubcommands().get("submit").setUnmatchedOptionsArePositionalParams(true);
        return line;
    }

    /**
     * An {@link IllegalArgumentException} out of a command is a refusal of its input: its message,
     * one line on standard error, exit code 2 (as for a usage error); the stack trace goes to the
     * log file only (logged as a warning: the launcher's console shows errors, and this is none).
     * Anything else is a failure and keeps picocli's handling (the stack trace).
     */
    private static int refused(Exception e, CommandLine command, CommandLine.ParseResult parsed) throws Exception {
        if (!(e instanceof IllegalArgumentException)) {
            throw e;
        }
        LOG.warn("{} refused its input", command.getCommandName(), e);
        command.getErr().println(command.getColorScheme().errorText(
                "pulse " + command.getCommandName() + ": " + e.getMessage()));
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
