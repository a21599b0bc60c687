package io.customerpulse.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.nio.file.Path;

/** The ./pulse launcher. */
@Command(name = "pulse", mixinStandardHelpOptions = true, version = "Customer Pulse 0.1.0",
        description = "Customer Pulse: live retention of every customer, computed by Flink from Kafka into PostgreSQL.",
        subcommands = {DemoCommand.class, GenerateCommand.class, ReplayCommand.class, BackfillCommand.class,
            FitModelCommand.class, SqlCommand.class, ClusterCommand.class, SubmitCommand.class, CancelCommand.class, BenchCommand.class, TestCommand.class, CommandLine.HelpCommand.class})
public final class PulseCli implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(PulseCli.class);
    /** Failures' stack traces: to the log file only (log4j2.properties), as the terminal gets one line. */
    private static final Logger FAILURES = LoggerFactory.getLogger(PulseCli.class.getName() + ".failures");

    public static void main(String[] args) {
        int exitCode = commandLine().execute(args);
        System.exit(exitCode);
    }

    /**
     * The launcher's command line. A mistyped option after a list-valued one ({@code --input a.jsonl
     * --as-off ...}) is an unknown option, not one more file; a mistake on the command line, a
     * refusal of what it names (a missing input, a bad value) and a failure while it runs (a
     * database that does not answer, a job that failed) are each one line on standard error, never
     * the whole help or a stack trace; `submit` passes options it does not know to the job.
     */
    static CommandLine commandLine() {
        CommandLine line = new CommandLine(new PulseCli());
        line.setUnmatchedOptionsAllowedAsOptionParameters(false);
        line.setParameterExceptionHandler(PulseCli::mistyped);
        line.setExecutionExceptionHandler(PulseCli::failed);
        line.getSubcommands().get("submit").setUnmatchedOptionsArePositionalParams(true);
        return line;
    }

    /** A command line picocli cannot parse: what is wrong, picocli's suggestions, and where help is; exit code 2. */
    private static int mistyped(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(command.getColorScheme().errorText(e.getMessage()));
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * An exception out of a running command, in one line on standard error with the stack trace in
     * the log file only. An {@link IllegalArgumentException} is a refusal of the command's input:
     * its message and exit code 2, as for a usage error (logged as a warning: nothing failed).
     * Anything else is a failure, exit code 1: its message and, when the cause that started it says
     * something else, that cause's (a job that "failed" because a file is "Not in GZIP format").
     */
    private static int failed(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        String name = command.getCommandSpec().qualifiedName();
        if (e instanceof IllegalArgumentException) {
            LOG.warn("{} refused its input", name, e);
            command.getErr().println(command.getColorScheme().errorText(name + ": " + e.getMessage()));
            return command.getCommandSpec().exitCodeOnInvalidInput();
        }
        FAILURES.error("{} failed", name, e);
        command.getErr().println(command.getColorScheme().errorText(name + ": " + FailureLine.of(e)));
        command.getErr().println("The whole error is in " + Path.of(System.getProperty("pulse.logs", ".pulse/logs"), "pulse.log") + ".");
        return command.getCommandSpec().exitCodeOnExecutionException();
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
