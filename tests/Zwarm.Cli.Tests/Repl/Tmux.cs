using System.Diagnostics;

namespace Zwarm.Cli.Tests.Repl;

/// <summary>A program running in a real pseudo-terminal: a detached tmux session on a server of its own (-L), killed on dispose.</summary>
internal sealed class Tmux : IAsyncDisposable
{
    private const string Session = "repl";
    private readonly string _socket = "zwarm-test-" + Guid.NewGuid().ToString("N")[..12];
    private readonly CancellationToken _ct;

    private Tmux(CancellationToken ct) => _ct = ct;

    /// <summary>True when tmux is on the PATH.</summary>
    public static bool Available { get; } = Need.OnPath("tmux");

    /// <summary>Starts <paramref name="shellCommand"/> (run by sh) in a 200×50 terminal in <paramref name="dir"/>.</summary>
    public static async Task<Tmux> StartAsync(string dir, string shellCommand, CancellationToken ct)
    {
        var tmux = new Tmux(ct);
        await tmux.RunAsync("-f", "/dev/null", "new-session", "-d", "-s", Session, "-x", "200", "-y", "50", "-c", dir, shellCommand);
        return tmux;
    }

    /// <summary>Types text as it is (no key names).</summary>
    public Task TypeAsync(string text) => RunAsync("send-keys", "-t", Session, "-l", text);

    /// <summary>Presses keys by tmux name: Tab, Enter, C-c, Up…</summary>
    public Task PressAsync(params string[] keys) => RunAsync(["send-keys", "-t", Session, .. keys]);

    /// <summary>The visible screen as text.</summary>
    public Task<string> ScreenAsync() => RunAsync("capture-pane", "-p", "-t", Session);

    /// <summary>The last non-blank line on the screen, without trailing blanks.</summary>
    public static string LastLine(string screen) => screen.Split('\n').Select(l => l.TrimEnd()).LastOrDefault(l => l.Length > 0) ?? "";

    /// <summary>Polls the screen until <paramref name="condition"/> holds; throws with the screen after 60 s.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var screen = await ScreenAsync();
            if (condition(screen)) return screen;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the terminal never showed {what}; screen:\n{screen}");
            await Task.Delay(100, _ct);
        }
    }

    private async Task<string> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("tmux") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-L");
        psi.ArgumentList.Add(_socket);
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The terminal under test must not see the developer's zwarm settings or an enclosing tmux.
        foreach (var k in psi.Environment.Keys
                     .Where(k => k.StartsWith("ZWARM_", StringComparison.Ordinal) || k is "TMUX" or "NO_COLOR").ToList())
            psi.Environment.Remove(k);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(_ct);
        var stderr = p.StandardError.ReadToEndAsync(_ct);
        await p.WaitForExitAsync(_ct);
        if (p.ExitCode != 0) throw new InvalidOperationException($"tmux {string.Join(' ', args)} failed: {await stderr}");
        return await stdout;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        var psi = new ProcessStartInfo("tmux", ["-L", _socket, "kill-server"]) { UseShellExecute = false, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        await p.WaitForExitAsync(CancellationToken.None);
    }
}
