using System.Text.Json;
using System.Text.Json.Nodes;
using Zwarm.Core.Lifecycle;
using Zwarm.TestSupport;

namespace Zwarm.Cli.Tests.Infra;

/// <summary>
/// A temp project whose .zwarm/config.toml points the codex adapter at the fake agent. Commands run in process
/// (<see cref="InProcessRun"/>); <see cref="RunProcessAsync"/> and <see cref="StartProcess"/> run the real executable
/// for what only a process shows. Disposing kills whatever its sessions left running and deletes the folder.
/// </summary>
internal sealed class TestProject : IAsyncDisposable
{
    /// <summary>Safety net for one zwarm run (well under a second in process, a few seconds as a process on a busy machine).</summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Safety net for a session of the fake agent to finish or show a fact (about a second on a busy machine).</summary>
    public static readonly TimeSpan Soon = TimeSpan.FromSeconds(60);

    /// <summary>Creates the project; <paramref name="ct"/> (the test's token) stops every wait when the test times out.</summary>
    public TestProject(CancellationToken ct, string? extraConfig = null, string? dir = null)
    {
        Ct = ct;
        Dir = dir ?? Path.Combine(Path.GetTempPath(), "zwarm-cli-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(Dir, ".zwarm"));
        File.WriteAllText(Path.Combine(Dir, ".zwarm", "config.toml"),
            $"[executor]\nkill_grace = 0.5\n{extraConfig}\n[adapters.codex]\ncommand = \"{Repo.FakeAgent}\"\n");
    }

    /// <summary>The test's cancellation token.</summary>
    public CancellationToken Ct { get; }

    /// <summary>The project folder (cwd of every run).</summary>
    public string Dir { get; }

    /// <summary>.zwarm/sessions.</summary>
    public string SessionsDir => Path.Combine(Dir, ".zwarm", "sessions");

    /// <summary>Runs zwarm (in process) to completion.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunWithOptionsAsync(null, args);

    /// <summary>Runs zwarm (in process) to completion, stopped by <paramref name="ct"/> (for stores shared by several tests).</summary>
    public Task<CliResult> RunAsync(CancellationToken ct, params string[] args) => InProcessRun.RunAsync(Dir, args, RunTimeout, null, ct);

    /// <summary>Runs zwarm (in process) with stdin, config environment or clock.</summary>
    public Task<CliResult> RunWithOptionsAsync(RunOptions? options, params string[] args)
        => InProcessRun.RunAsync(Dir, args, RunTimeout, options, Ct);

    /// <summary>Runs zwarm (in process) with <paramref name="stdin"/> as its input.</summary>
    public Task<CliResult> RunWithInputAsync(string stdin, params string[] args)
        => RunWithOptionsAsync(new RunOptions { Stdin = stdin }, args);

    /// <summary>
    /// Runs zwarm with stdin text and extra environment: in process without <paramref name="env"/>; with it, as the
    /// real executable, because the environment of a process also reaches the agents it starts.
    /// </summary>
    public Task<CliResult> RunWithAsync(string? stdin, IReadOnlyDictionary<string, string?>? env, params string[] args) =>
        env is null ? RunWithOptionsAsync(new RunOptions { Stdin = stdin }, args) : RunProcessAsync(stdin, env, args);

    /// <summary>Starts zwarm in process and returns at once (watch, logs -f).</summary>
    public InProcessRun Start(params string[] args) => InProcessRun.Start(Dir, args, null, Ct);

    /// <summary>Runs the real zwarm executable to completion.</summary>
    public Task<CliResult> RunProcessAsync(string? stdin, params string[] args) => RunProcessAsync(stdin, null, args);

    /// <summary>Runs the real zwarm executable to completion with extra environment (null values remove a variable).</summary>
    public async Task<CliResult> RunProcessAsync(string? stdin, IReadOnlyDictionary<string, string?>? env, params string[] args)
    {
        await using var p = CliProcess.Start(Dir, args, stdin, env, ct: Ct);
        return await p.WaitAsync(RunTimeout, Ct);
    }

    /// <summary>Starts the real zwarm executable and returns at once.</summary>
    public CliProcess StartProcess(string? stdin, params string[] args) => CliProcess.Start(Dir, args, stdin, ct: Ct);

    /// <summary>Spawns a session (the prompt steers the fake agent) and returns its full id.</summary>
    public async Task<string> SpawnAsync(string prompt, params string[] more)
    {
        var r = await RunAsync(["spawn", prompt, "--json", .. more]);
        if (r.ExitCode is not (0 or 1)) throw new InvalidOperationException("spawn failed: " + r);
        return JsonNode.Parse(r.Stdout)!["id"]!.GetValue<string>();
    }

    /// <summary>Spawns and waits for the session to finish.</summary>
    public Task<string> SpawnDoneAsync(string prompt) => SpawnAsync(prompt, "--wait");

    /// <summary>meta.json as written on disk (read directly, no zwarm involved).</summary>
    public JsonNode Meta(string id) => JsonNode.Parse(File.ReadAllText(MetaPath(id)))!;

    /// <summary>Path of a session's meta.json.</summary>
    public string MetaPath(string id) => Path.Combine(SessionsDir, id, "meta.json");

    /// <summary>Status on disk.</summary>
    public string Status(string id) => Meta(id)["status"]!.GetValue<string>();

    /// <summary>Waits until meta.json on disk (not read through zwarm, which would reconcile) has <paramref name="status"/>.</summary>
    public Task<JsonNode> WaitForDiskStatusAsync(string id, string status, TimeSpan timeout) =>
        Eventually.ValueAsync(() => TryMeta(id) is { } m && m["status"]?.GetValue<string>() == status ? m : null, timeout,
            () => $"session {id} not {status}: {(File.Exists(MetaPath(id)) ? File.ReadAllText(MetaPath(id)) : "(no meta.json)")}", Ct);

    /// <summary>Waits until a pid file holds <paramref name="count"/> pids.</summary>
    public Task<int[]> WaitForPidsAsync(string pidfile, int count, TimeSpan timeout) =>
        Eventually.ValueAsync(
            () => File.Exists(pidfile) && File.ReadAllLines(pidfile).Where(l => l.Length > 0).Select(int.Parse).ToArray() is { } pids
                  && pids.Length >= count ? pids : null,
            timeout, () => $"{pidfile} did not get {count} pids", Ct);

    private JsonNode? TryMeta(string id)
    {
        try { return Meta(id); }
        catch (Exception ex) when (ex is IOException or JsonException) { return null; }
    }

    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool Alive(int pid) => ProcessInfo.StartTime(pid) is not null;

    /// <summary>A fingerprint of every file under .zwarm (path, size, content hash), to prove a command changed nothing.</summary>
    public string Snapshot()
    {
        var root = Path.Combine(Dir, ".zwarm");
        var lines = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".lock", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetRelativePath(root, f)} " +
                $"{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))}");
        return string.Join("\n", lines);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        // Sessions are detached: stop anything a test left running (until none is left), then remove the folder.
        List<int> Leftovers()
            => [.. ProcessInfo.Tagged().Where(t => Directory.Exists(Path.Combine(SessionsDir, t.SessionId))).Select(t => t.Pid)];
        await Eventually.HoldsAsync(() =>
        {
            var pids = Leftovers();
            foreach (var pid in pids) ProcessInfo.Signal(pid, ProcessInfo.SigKill);
            return pids.Count == 0;
        }, TimeSpan.FromSeconds(10), CancellationToken.None);
        TempDir.Delete(Dir);
    }
}
