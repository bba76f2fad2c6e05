using System.Diagnostics;

namespace Zwarm.Bench;

/// <summary>Starts processes and times them. Every timed command runs as <c>sh -c script</c>, so measured and baseline pay the same start.</summary>
internal static class Shell
{
    /// <summary>Result of one timed run.</summary>
    internal sealed record Run(TimeSpan Elapsed, int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs <c>sh -c script sh args…</c> in <paramref name="cwd"/>; stdout and stderr are captured (redirect in the script to discard).</summary>
    public static async Task<Run> ShAsync(string script, IEnumerable<string> args, string? cwd = null, IReadOnlyDictionary<string, string>? env = null, CancellationToken ct = default)
    {
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add("sh");
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (cwd is not null) psi.WorkingDirectory = cwd;
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start /bin/sh");
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        sw.Stop();
        return new Run(sw.Elapsed, p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Like <see cref="ShAsync"/>, throwing with the command's stderr when it fails.</summary>
    public static async Task<Run> CheckedAsync(string script, IEnumerable<string> args, string? cwd = null, IReadOnlyDictionary<string, string>? env = null, CancellationToken ct = default)
    {
        var r = await ShAsync(script, args, cwd, env, ct);
        if (r.ExitCode != 0)
            throw new InvalidOperationException($"`{script}` ({string.Join(' ', args)}) exited {r.ExitCode}: {r.Stderr.Trim()}");
        return r;
    }

    /// <summary>
    /// Times each command <paramref name="reps"/> times, interleaved (A B C A B C …) so that drift in the
    /// machine's load hits all of them alike; one untimed warm-up run each first.
    /// </summary>
    public static async Task<Samples[]> InterleavedAsync(int reps, IReadOnlyList<Func<Task<TimeSpan>>> commands, CancellationToken ct = default)
    {
        var samples = commands.Select(_ => new List<double>()).ToArray();
        foreach (var c in commands) await c();
        for (var i = 0; i < reps; i++)
            for (var j = 0; j < commands.Count; j++)
            {
                ct.ThrowIfCancellationRequested();
                samples[j].Add((await commands[j]()).TotalMilliseconds);
            }
        return samples.Select(s => new Samples(s)).ToArray();
    }

    /// <summary>Quotes a path for a shell script.</summary>
    public static string Q(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

/// <summary>A set of measurements (milliseconds or any unit), summarised by robust statistics.</summary>
internal sealed class Samples(IEnumerable<double> values)
{
    private readonly double[] _sorted = values.Order().ToArray();

    public int Count => _sorted.Length;

    public double Median => Quantile(0.5);

    public double P90 => Quantile(0.9);

    public double Min => _sorted.Length == 0 ? double.NaN : _sorted[0];

    public double Quantile(double q)
    {
        if (_sorted.Length == 0) return double.NaN;
        var pos = q * (_sorted.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, _sorted.Length - 1);
        return _sorted[lo] + (_sorted[hi] - _sorted[lo]) * (pos - lo);
    }
}
