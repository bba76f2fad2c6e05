using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Zwarm.Core.Hosts;

/// <summary>What one ssh call left: exit code (255 = ssh itself failed), standard output and error.</summary>
public sealed record SshResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>True when the remote command ran and exited 0.</summary>
    public bool Ok => ExitCode == 0;

    /// <summary>True when ssh could not connect or lost the connection (exit code 255).</summary>
    public bool ConnectionFailed => ExitCode == 255;
}

/// <summary>
/// The system <c>ssh</c> client with zwarm's fixed options: batch mode (no prompt ever), strict host key checking
/// against the configured known_hosts (an unknown or changed key is refused), keepalives that notice a dead link.
/// </summary>
public static partial class Ssh
{
    /// <summary>ssh's argv up to and including the destination; the remote command follows.</summary>
    public static List<string> Argv(HostConfig h)
    {
        var args = new List<string>
        {
            "-T", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
            "-o", $"UserKnownHostsFile=\"{ExpandHome(h.KnownHosts)}\"",
            "-o", $"ConnectTimeout={h.ConnectTimeoutSeconds}", "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3",
        };
        if (h.Port is { } port) args.AddRange(["-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (h.IdentityFile is { } id) args.AddRange(["-i", ExpandHome(id), "-o", "IdentitiesOnly=yes"]);
        args.AddRange(["--", h.Ssh]);
        return args;
    }

    /// <summary>The ssh executable, or a clear error.</summary>
    public static string Executable()
        => Agents.AgentExecutable.FindOnPath("ssh")
            ?? throw new ZwarmException("ssh not found: install the OpenSSH client (openssh-client) to run sessions on hosts");

    /// <summary>
    /// Runs <paramref name="script"/> with <c>sh -s</c> on the host (the script on stdin: nothing of it shows in a process
    /// list); standard output goes to <paramref name="stdout"/> when given (byte for byte), else is returned as text.
    /// </summary>
    public static async Task<SshResult> RunAsync(
        HostConfig h, string script, CancellationToken ct, Stream? stdout = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(Executable())
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in Argv(h)) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("sh -s");
        using var p = Process.Start(psi) ?? throw new ZwarmException("could not start ssh");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var allowed = timeout ?? TimeSpan.FromSeconds(h.ConnectTimeoutSeconds + 60);
        limit.CancelAfter(allowed);
        try
        {
            var err = p.StandardError.ReadToEndAsync(limit.Token);
            var buffer = stdout is null ? new MemoryStream() : null;
            var copy = p.StandardOutput.BaseStream.CopyToAsync(stdout ?? buffer!, limit.Token);
            try
            {
                await p.StandardInput.WriteAsync(script.AsMemory(), limit.Token);
                p.StandardInput.Close();
            }
            catch (IOException)
            {
                // ssh exited before reading the script (refused key, no route): its exit code and stderr tell why.
            }
            await copy;
            var stderr = await err;
            await p.WaitForExitAsync(limit.Token);
            return new SshResult(p.ExitCode, buffer is null ? "" : Encoding.UTF8.GetString(buffer.ToArray()), stderr);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            return new SshResult(255, "", $"ssh to {h.Ssh} did not finish in {allowed.TotalSeconds:0} s"
                + " (the remote login shell's startup files, e.g. ~/.bashrc, run first: are they slow?)");
        }
        finally
        {
            if (!p.HasExited)
                try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        }
    }

    /// <summary>
    /// One line saying why a call to a host failed: the host key (with its SHA256 fingerprint), authentication,
    /// reachability, or the remote command's own complaint.
    /// </summary>
    public static async Task<string> ExplainAsync(HostConfig h, SshResult r, CancellationToken ct)
    {
        var err = r.Stderr;
        if (r.ConnectionFailed && err.Contains("Host key verification failed", StringComparison.Ordinal))
        {
            var kh = ExpandHome(h.KnownHosts);
            if (err.Contains("HAS CHANGED", StringComparison.Ordinal))
            {
                var fp = FingerprintRegex().Match(err) is { Success: true } m ? m.Value : "(fingerprint not shown)";
                return $"host key of {h.Name} CHANGED: the host now presents {fp.TrimEnd('.')}, which {kh} does not have; refused. "
                       + "If the change is expected, remove the old key (ssh-keygen -R) and add the new one after checking it";
            }
            var (host, port) = await TargetAsync(h, ct);
            var fingerprint = await ScanFingerprintAsync(host, port, ct) ?? "(ssh-keyscan could not read it)";
            return $"host key of {h.Name} is not known in {kh}: the host presents {fingerprint}; refused. "
                   + $"Check it, then add it: ssh-keyscan -p {port} {host} >> {kh}";
        }
        var line = err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(l => !l.StartsWith("Warning:", StringComparison.Ordinal)) ?? $"exit code {r.ExitCode}";
        if (r.ConnectionFailed && line.Contains("Permission denied", StringComparison.Ordinal))
            return $"authentication to {h.Ssh} failed ({line}): check identity_file or the SSH agent";
        if (r.ConnectionFailed) return $"{h.Name} unreachable: {line}";
        return $"{h.Name}: {line}";
    }

    /// <summary>The host name and port ssh really connects to (its config applied: aliases, Port lines).</summary>
    private static async Task<(string Host, int Port)> TargetAsync(HostConfig h, CancellationToken ct)
    {
        var fallbackHost = h.Ssh.Contains('@') ? h.Ssh[(h.Ssh.LastIndexOf('@') + 1)..] : h.Ssh;
        var host = fallbackHost;
        var port = h.Port ?? 22;
        var args = new List<string>(Argv(h));
        args.Insert(0, "-G");
        var (code, output) = await CaptureAsync(Executable(), args, null, ct);
        if (code != 0) return (host, port);
        foreach (var l in output.Split('\n'))
        {
            if (l.StartsWith("hostname ", StringComparison.Ordinal)) host = l[9..].Trim();
            else if (l.StartsWith("port ", StringComparison.Ordinal) && int.TryParse(l[5..].Trim(), out var p)) port = p;
        }
        return (host, port);
    }

    private static async Task<string?> ScanFingerprintAsync(string host, int port, CancellationToken ct)
    {
        var scan = Agents.AgentExecutable.FindOnPath("ssh-keyscan");
        var keygen = Agents.AgentExecutable.FindOnPath("ssh-keygen");
        if (scan is null || keygen is null) return null;
        var (code, keys) = await CaptureAsync(
            scan, ["-T", "5", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), host], null, ct);
        if (code != 0 || keys.Trim().Length == 0) return null;
        var (c2, listed) = await CaptureAsync(keygen, ["-l", "-f", "-"], keys, ct);
        if (c2 != 0) return null;
        // "256 SHA256:… [host]:port (ED25519)": the ed25519 key if there is one.
        var lines = listed.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var best = lines.FirstOrDefault(l => l.Contains("ED25519", StringComparison.Ordinal)) ?? lines.FirstOrDefault();
        return best is null ? null
            : FingerprintRegex().Match(best) is { Success: true } m ? $"{m.Value} ({best[(best.LastIndexOf('(') + 1)..].TrimEnd(')')})"
            : null;
    }

    private static async Task<(int Code, string Output)> CaptureAsync(
        string exe, IEnumerable<string> args, string? input, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(exe)
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync(ct);
        var err = p.StandardError.ReadToEndAsync(ct);
        if (input is not null) await p.StandardInput.WriteAsync(input.AsMemory(), ct);
        p.StandardInput.Close();
        await p.WaitForExitAsync(ct);
        await err;
        return (p.ExitCode, await output);
    }

    /// <summary>A word quoted for a POSIX shell.</summary>
    public static string Quote(string s) => Text.ShellWord.Quote(s);

    /// <summary>~ and ~/… expanded with this machine's HOME.</summary>
    public static string ExpandHome(string path)
    {
        if (path != "~" && !path.StartsWith("~/", StringComparison.Ordinal)) return path;
        var home = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return home + path[1..];
    }

    [GeneratedRegex(@"SHA256:[A-Za-z0-9+/=]+")]
    private static partial Regex FingerprintRegex();
}
