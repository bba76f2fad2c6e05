using System.CommandLine;
using System.CommandLine.Parsing;
using Zwarm.Cli.Commands;
using Zwarm.Core;

namespace Zwarm.Cli;

/// <summary>The command tree shared by the one-shot CLI and the REPL, and the error policy: one line, exit 1 or 2.</summary>
internal static partial class CliApp
{
    // The options every verb takes. New instances for each tree: an option records the commands it was added to,
    // so one shared instance would be written by every tree built (several hosts run side by side in tests).
    private const string ConfigName = "--config", SetName = "--set", VerboseName = "--verbose";

    public static RootCommand Build(CliHost host)
    {
        var root = new RootCommand(
            "zwarm: run many coding-agent sessions (Codex CLI, Claude Code) in parallel, watch them, talk to them, clean them up.")
        {
            new Option<string?>(ConfigName, "-c")
            {
                Description = "extra config file (TOML, or YAML with extends:) layered over .zwarm/config.toml", Recursive = true,
            },
            new Option<string[]>(SetName)
            {
                Description = "override a config key: --set executor.model=gpt-5.1-codex (repeatable)",
                Recursive = true,
                AllowMultipleArgumentsPerToken = false,
            },
            new Option<bool>(VerboseName) { Description = "show stack traces of errors", Recursive = true },
        };
        foreach (var c in CommandCatalog.All(host)) root.Subcommands.Add(c);
        // Python zwarm's -V.
        foreach (var v in root.Options.OfType<VersionOption>()) v.Aliases.Add("-V");
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliHost host, CancellationToken ct = default)
    {
        if (FinalizeCommand.IsDirectCall(args, out var sessionDir, out var turn))
            return await GuardAsync(host, () => FinalizeCommand.RunAsync(host, sessionDir, turn, ct));
        var root = Build(host);
        return await InvokeAsync(root, args, host, ct);
    }

    public static async Task<int> InvokeAsync(RootCommand root, IReadOnlyList<string> args, CliHost host, CancellationToken ct = default)
    {
        ParseResult parse;
        try
        {
            parse = root.Parse(args);
        }
        catch (InvalidOperationException ex)
        {
            // A validator that reads an unparsable value throws instead of reporting; still a usage error.
            host.Err.WriteLine($"zwarm: {ex.Message.Split('\n')[0].Trim()}");
            return ExitCodes.Usage;
        }
        // An optional argument swallows an unknown flag ("watch --nope" would look for session "--nope"): report the flag.
        var stray = parse.Tokens.TakeWhile(t => t.Type != TokenType.DoubleDash)
            .FirstOrDefault(t => t.Type == TokenType.Argument && LooksLikeOption().IsMatch(t.Value));
        if (parse.Errors.Count > 0 || stray is not null)
        {
            var message = stray is not null ? $"Unrecognized command or argument '{stray.Value}'."
                : (parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal))
                    ?? parse.Errors[0]).Message;
            host.Err.WriteLine($"zwarm: {Friendly(message)} (see '{HelpFor(root, args)}')");
            return ExitCodes.Usage;
        }
        host.ConfigFile = ConfigFile(parse);
        host.Sets.Clear();
        host.Sets.AddRange(Sets(parse));
        host.Verbose = Verbose(parse);
        return await GuardAsync(host, async () =>
        {
            using var project = UseProjectDir(parse, host);
            var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = host.Out, Error = host.Err };
            // The REPL turns Ctrl+C into cancelling one command; System.CommandLine's own handler would end the whole invocation.
            if (InteractiveCommand.HandlesInterrupt(host, parse)) invocation.ProcessTerminationTimeout = null;
            var code = await parse.InvokeAsync(invocation, ct);
            // A read that could not record what it reconciled (read-only or full store) still answered: say why once.
            if (host.WriteProblem is { } problem)
                host.Err.WriteLine($"zwarm: note: {problem}; sessions are shown reconciled in memory, not saved");
            return code;
        });
    }

    /// <summary>The error policy: a failure the user can act on is one line on stderr and its exit code.</summary>
    internal static async Task<int> GuardAsync(CliHost host, Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (ZwarmException ex)
        {
            host.Err.WriteLine($"zwarm: {ex.Message}");
            if (host.Verbose) host.Err.WriteLine(ex.ToString());
            return ex.ExitCode;
        }
        catch (OperationCanceledException)
        {
            host.Err.WriteLine("zwarm: cancelled");
            return ExitCodes.Interrupted;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException
            or InvalidOperationException or HttpRequestException)
        {
            host.Err.WriteLine($"zwarm: {ex.Message.Split('\n')[0]}");
            if (host.Verbose) host.Err.WriteLine(ex.ToString());
            return ExitCodes.Failure;
        }
#pragma warning disable CA1031 // The last resort of the policy: a bug of ours is still one line, never a stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var inner = ex is TypeInitializationException or System.Reflection.TargetInvocationException or AggregateException
                && ex.InnerException is { } cause ? cause : ex;
            host.Err.WriteLine($"zwarm: unexpected error ({inner.GetType().Name}): {inner.Message.Split('\n')[0]}"
                + (host.Verbose ? "" : " (--verbose shows where; please report it)"));
            if (host.Verbose) host.Err.WriteLine(ex.ToString());
            return ExitCodes.Failure;
        }
    }

    /// <summary>Applies the command's --working-dir/--dir (if given) for the length of the command.</summary>
    private static IDisposable? UseProjectDir(ParseResult parse, CliHost host)
    {
        foreach (var option in parse.CommandResult.Command.Options.OfType<ProjectDirOption>())
        {
            if (parse.GetValue(option) is not { } dir) continue;
            var full = Path.GetFullPath(dir, host.ProjectDir);
            if (!option.MayCreate && !Directory.Exists(full))
                throw new ZwarmException($"{option.Name} {dir}: no such folder", ExitCodes.Usage);
            return host.UseProject(full);
        }
        return null;
    }

    /// <summary>--config FILE of a parse of this tree.</summary>
    public static string? ConfigFile(ParseResult parse) => parse.GetValue(Global<Option<string?>>(parse, ConfigName));

    /// <summary>--set values of a parse of this tree.</summary>
    public static string[] Sets(ParseResult parse) => parse.GetValue(Global<Option<string[]>>(parse, SetName)) ?? [];

    /// <summary>--verbose of a parse of this tree.</summary>
    public static bool Verbose(ParseResult parse) => parse.GetValue(Global<Option<bool>>(parse, VerboseName));

    private static T Global<T>(ParseResult parse, string name) where T : Option =>
        parse.RootCommandResult.Command.Options.OfType<T>().Single(o => o.Name == name);

    // "Cannot parse argument 'x' for option '--turn' as expected type 'System.Nullable`1[System.Int32]'" names a CLR type; users want a
    // kind of value.
    private static string Friendly(string message) =>
        System.Text.RegularExpressions.Regex.Replace(message, @"as expected type '([^']*)'", m =>
        m.Groups[1].Value.Contains("Int", StringComparison.Ordinal) ? "as a whole number"
        : m.Groups[1].Value.Contains("Double", StringComparison.Ordinal) ? "as a number"
        : $"as {m.Groups[1].Value.Replace("System.", "", StringComparison.Ordinal)}");

    [System.Text.RegularExpressions.GeneratedRegex("^--?[A-Za-z][A-Za-z0-9-]*$")]
    private static partial System.Text.RegularExpressions.Regex LooksLikeOption();

    private static string HelpFor(RootCommand root, IReadOnlyList<string> args)
    {
        var name = args.FirstOrDefault(a => !a.StartsWith('-'));
        var known = name is not null && root.Subcommands.Any(c => c.Name == name || c.Aliases.Contains(name));
        return known ? $"zwarm {name} --help" : "zwarm --help";
    }
}
