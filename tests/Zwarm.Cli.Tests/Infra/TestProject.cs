using System.Text.Json;
using System.Text.Json.Nodes;
using Zwarm.Core.Lifecycle;

namespace Zwarm.Cli.Tests.Infra;

/// <summary>
/// A temp project whose .zwarm/config.toml points the codex adapter at the fake agent; runs the real zwarm
/// executable in it. Disposing kills whatever its sessions left running and deletes the folder.
/// </summary>
internal sealed class TestProject : IAsyncDisposable
{
    /// <summary>Default limit for one zwarm run.</summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Creates the project; <paramref name="ct"/> (the test's token) stops every wait when the test times out.</summary>
    public TestProject(CancellationToken ct, string? extraConfig = null, string? dir = null)
    {
        Ct = ct;
        Dir = dir ?? Path.Combine(Path.GetTempPath(), "zwarm-cli-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(Dir, ".zwarm"));
        File.WriteAllText(Path.Combine(Dir, ".zwarm", "config.toml"),
            $"[executor]\nkill_grace = 0.5\n{extraConfig}\n[adapters.codex]\ncommand = \"{Paths.FakeAgent}\"\n");
    }

    /// <summary>The test's cancellation token.</summary>
    public CancellationToken Ct { get; }

    /// <summary>The project folder (cwd of every run).</summary>
    public string Dir { get; }

    /// <summary>.zwarm/sessions.</summary>
    public string SessionsDir => Path.Combine(Dir, ".zwarm", "sessions");

    /// <summary>Runs zwarm to completion.</summary>
    public async Task<CliResult> RunAsync(params string[] args) => await RunWithAsync(null, null, args);

    /// <summary>Runs zwarm to completion, stopped by <paramref name="ct"/> (for stores shared by several tests).</summary>
    public async Task<CliResult> RunAsync(CancellationToken ct, params string[] args)
    {
        await using var p = CliProcess.Start(Dir, args, ct: ct);
        return await p.WaitAsync(RunTimeout, ct);
    }

    /// <summary>Runs zwarm with stdin text and extra environment.</summary>
    public async Task<CliResult> RunWithAsync(string? stdin, IReadOnlyDictionary<string, string?>? env, params string[] args)
    {
        await using var p = CliProcess.Start(Dir, args, stdin, env);
        return await p.WaitAsync(RunTimeout, Ct);
    }

    /// <summary>Starts zwarm and returns at once (watch, logs -f).</summary>
    public CliProcess Start(params string[] args) => CliProcess.Start(Dir, args, ct: Ct);

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

    /// <summary>Polls meta.json on disk (not through zwarm, which would reconcile) until the status is <paramref name="status"/>.</summary>
    public async Task<JsonNode> WaitForDiskStatusAsync(string id, string status, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                var meta = Meta(id);
                if (meta["status"]!.GetValue<string>() == status) return meta;
            }
            catch (Exception ex) when (ex is IOException or JsonException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"session {id} not {status} within {timeout.TotalSeconds}s: {File.ReadAllText(MetaPath(id))}");
            await Task.Delay(50, Ct);
        }
    }

    /// <summary>Polls until a pid file holds <paramref name="count"/> pids.</summary>
    public async Task<int[]> WaitForPidsAsync(string pidfile, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (File.Exists(pidfile))
            {
                var pids = File.ReadAllLines(pidfile).Where(l => l.Length > 0).Select(int.Parse).ToArray();
                if (pids.Length >= count) return pids;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{pidfile} did not get {count} pids");
            await Task.Delay(50, Ct);
        }
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
            .Select(f => $"{Path.GetRelativePath(root, f)} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))}");
        return string.Join("\n", lines);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        // Sessions are detached: stop anything a test left running, then remove the folder.
        foreach (var (pid, sid) in ProcessInfo.Tagged().ToList())
            if (Directory.Exists(Path.Combine(SessionsDir, sid))) ProcessInfo.Signal(pid, ProcessInfo.SigKill);
        await Task.Delay(50);
        try { Directory.Delete(Dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
