using Spectre.Console;
using Zwarm.Cli.Rendering;
using Zwarm.Core.Agents;
using Zwarm.Core.Config;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

namespace Zwarm.Cli;

/// <summary>What commands run against: the console, the project folder, and (lazily) config and the session manager.</summary>
internal sealed class CliHost
{
    private readonly string _projectDir;
    private string? _projectOverride;
    private readonly TextWriter _terminalOut;
    private bool _warnedDotEnv;
    private readonly System.Text.Decoder _decoder = System.Text.Encoding.UTF8.GetDecoder();
    private ZwarmConfig? _config;
    private SessionManager? _manager;
    private string? _zwarmDir;

    public CliHost(IAnsiConsole console, TextWriter stdout, TextWriter stderr, string projectDir, TextReader? stdin = null)
    {
        Console = console;
        // Plain lines may carry agent text: control characters written through Out and Err are made visible. Spectre
        // markup is escaped by Term; zwarm's own escape sequences (the REPL's line editor) go to TerminalOut.
        _terminalOut = stdout;
        Out = TextWriter.Synchronized(new VisibleTextWriter(stdout));
        Err = TextWriter.Synchronized(new VisibleTextWriter(stderr));
        _projectDir = Path.GetFullPath(projectDir);
        In = stdin ?? System.Console.In;
    }

    /// <summary>Rich output (tables, colours); plain when not a terminal.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Raw standard output (JSON, logs).</summary>
    public TextWriter Out { get; }

    /// <summary>Standard error (one-line errors, notes).</summary>
    public TextWriter Err { get; }

    /// <summary>Standard input (confirmations).</summary>
    public TextReader In { get; }

    /// <summary>
    /// Standard output as bytes (raw turn logs); null = write decoded text to <see cref="Out"/> (on a terminal: made visible).
    /// </summary>
    public Stream? RawOut { get; init; }

    /// <summary>
    /// Standard output for zwarm's own escape sequences (the REPL's line editor); <see cref="Out"/> makes control characters visible.
    /// </summary>
    public TextWriter TerminalOut { get => field ?? _terminalOut; init; }

    /// <summary>
    /// The folder zwarm was run in (relative paths, the default working directory of a spawn); a command's --working-dir/--dir replaces it
    /// while that command runs.
    /// </summary>
    public string ProjectDir => _projectOverride ?? _projectDir;

    /// <summary>
    /// The store, unless set (the one `_finalize`, `_pump` and `_hooks` are given): found like .git/, in
    /// the current folder or the nearest parent that has a .zwarm/; the current folder's when there is none yet.
    /// A command's --working-dir wins over all of these: that folder's .zwarm/.
    /// </summary>
    public string ZwarmDir
    {
        get
        {
            if (_projectOverride is not null) return Path.Combine(_projectOverride, ".zwarm");
            if (_zwarmDir is not null) return _zwarmDir;
            for (var dir = new DirectoryInfo(ProjectDir); dir is not null; dir = dir.Parent)
                if (Directory.Exists(Path.Combine(dir.FullName, ".zwarm"))) return Path.Combine(dir.FullName, ".zwarm");
            return LocalZwarmDir;
        }
        set => _zwarmDir = Path.GetFullPath(value);
    }

    /// <summary>Every path of the store (<see cref="ZwarmDir"/>).</summary>
    public StoreLayout Layout => new(ZwarmDir);

    /// <summary>The .zwarm folder of the current folder itself (what `init` creates), unless set.</summary>
    public string LocalZwarmDir => _zwarmDir ?? Path.Combine(ProjectDir, ".zwarm");

    /// <summary>
    /// The variables the config's environment layer reads and the project's .env fills; null (the program) means the
    /// process environment, which agents inherit. Tests give each host a dictionary of its own.
    /// </summary>
    public IDictionary<string, string>? Environment { get; init; }

    /// <summary>The clock every "now" of the commands comes from (runtimes, ages, dashboard times).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The current local time by <see cref="Time"/>.</summary>
    public DateTimeOffset Now => Time.GetLocalNow();

    /// <summary>--config FILE, if given.</summary>
    public string? ConfigFile { get; set; }

    /// <summary>--set a.b=v values.</summary>
    public List<string> Sets { get; } = [];

    /// <summary>True with --verbose: errors show their stack trace.</summary>
    public bool Verbose { get; set; }

    /// <summary>True inside `zwarm interactive`.</summary>
    public bool InRepl { get; set; }

    /// <summary>Adapters and models.</summary>
    public AgentRegistry Agents { get; init; } = AgentRegistry.Default;

    /// <summary>How detached turns call back into zwarm.</summary>
    public SupervisorCommand? Supervisor { get; init; } = SupervisorCommand.FromCurrentProcess();

    /// <summary>The effective configuration, loaded once.</summary>
    public async Task<ZwarmConfig> ConfigAsync(CancellationToken ct)
    {
        if (_config is not null) return _config;
        // The project is the folder holding .zwarm (the finaliser runs in the agent's working dir, which may differ).
        var (config, ignored) = await ConfigLoader.LoadProjectAsync(
            ZwarmDir, ConfigFile, Sets, (System.Collections.IDictionary?)Environment, ct);
        if (ignored.Count > 0 && !_warnedDotEnv)
        {
            _warnedDotEnv = true;
            Err.WriteLine($"zwarm: .env: ignored {string.Join(", ", ignored)} " +
                          "(they choose the agent, its sandbox or the orchestrator's URL; set [security] trust_dotenv = true to allow)");
        }
        return _config = config;
    }

    /// <summary>The session manager over this project's store.</summary>
    public async Task<SessionManager> ManagerAsync(CancellationToken ct)
    {
        if (_manager is not null) return _manager;
        var config = await ConfigAsync(ct);
        _manager = new SessionManager(new FileSessionStore(ZwarmDir), config, Agents, Supervisor, Time);
        // No daemon: whatever zwarm command runs after a rate limit's reset starts the sessions that waited for it.
        await _manager.PumpIfDueAsync(ct);
        return _manager;
    }

    /// <summary>Why the session manager could not record what a read reconciled, if it could not.</summary>
    public string? WriteProblem => _manager?.WriteProblem;

    /// <summary>Asks a yes/no question on stderr; anything but y/yes (or end of input) is no.</summary>
    public bool Confirm(string question)
    {
        Err.Write(question);
        Err.Flush();
        var answer = In.ReadLine();
        if (answer is null) Err.WriteLine();
        return answer?.Trim().ToLowerInvariant() is "y" or "yes";
    }

    /// <summary>Writes bytes to standard output unchanged (through <see cref="RawOut"/> when there is one).</summary>
    public async Task WriteRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        if (RawOut is null)
        {
            // One decoder across calls: a character split between two reads is not lost.
            var chars = new char[_decoder.GetCharCount(bytes.Span, flush: false)];
            var n = _decoder.GetChars(bytes.Span, chars, flush: false);
            await Out.WriteAsync(chars.AsMemory(0, n), ct);
            return;
        }
        await Out.FlushAsync(ct);
        await RawOut.WriteAsync(bytes, ct);
        await RawOut.FlushAsync(ct);
    }

    /// <summary>
    /// Runs the current command as if started in <paramref name="dir"/> (Python zwarm's --working-dir): its .zwarm is used; disposing
    /// restores the project.
    /// </summary>
    public IDisposable UseProject(string dir)
    {
        var previous = _projectOverride;
        _projectOverride = Path.GetFullPath(dir, ProjectDir);
        Reset();
        return new Restore(this, previous);
    }

    private sealed class Restore(CliHost host, string? previous) : IDisposable
    {
        public void Dispose()
        {
            host._projectOverride = previous;
            host.Reset();
        }
    }

    /// <summary>The same console, options and agents over another project folder (zwarm mcp --project).</summary>
    public CliHost ForProject(string projectDir)
    {
        var other = new CliHost(Console, Out, Err, projectDir, In)
        {
            RawOut = RawOut, Agents = Agents, Supervisor = Supervisor, ConfigFile = ConfigFile, Verbose = Verbose,
        };
        other.Sets.AddRange(Sets);
        return other;
    }

    /// <summary>Forgets loaded config (after init or :reload).</summary>
    public void Reset()
    {
        _config = null;
        _manager = null;
    }

    public static CliHost CreateDefault()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(System.Console.Out),
            Ansi = System.Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 } ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = System.Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 }
                ? ColorSystemSupport.NoColors
                : ColorSystemSupport.Detect,
            Interactive = System.Console.IsOutputRedirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (System.Console.IsOutputRedirected) console.Profile.Width = 200;
        var host = new CliHost(console, System.Console.Out, System.Console.Error, Directory.GetCurrentDirectory())
        {
            // logs: the agent's bytes unchanged into a pipe or file; on a terminal through the visible writer.
            RawOut = System.Console.IsOutputRedirected ? System.Console.OpenStandardOutput() : null,
        };
        return host;
    }
}
