using System.Diagnostics;
using AwesomeAssertions;

namespace Zwarm.Cli.Tests;

public sealed class SmokeSpecs
{
    private static string Zwarm()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (!File.Exists(Path.Combine(d.FullName, "Zwarm.slnx"))) continue;
            var config = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            return Path.Combine(d.FullName, "src", "Zwarm.Cli", "bin", config, "net10.0", "zwarm");
        }
        throw new InvalidOperationException("repo root not found");
    }

    private static async Task<(int Code, string Out, string Err)> RunAsync(string cwd, params string[] args)
    {
        var psi = new ProcessStartInfo(Zwarm()) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var o = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var e = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (p.ExitCode, await o, await e);
    }

    [Fact(Timeout = 60_000)]
    public async Task Init_then_ls_on_a_fresh_project_works_and_ls_json_is_an_empty_array()
    {
        var dir = Directory.CreateTempSubdirectory("zwarm-cli-").FullName;
        try
        {
            var init = await RunAsync(dir, "init", "-y");
            init.Code.Should().Be(0, init.Err);
            File.Exists(Path.Combine(dir, ".zwarm", "config.toml")).Should().BeTrue();
            File.Exists(Path.Combine(dir, ".zwarm", "codex.toml")).Should().BeTrue();
            File.Exists(Path.Combine(dir, ".zwarm", "claude.toml")).Should().BeTrue();

            var again = await RunAsync(dir, "init", "-y");
            again.Code.Should().Be(0);
            again.Out.Should().Contain("kept     .zwarm/config.toml");

            var ls = await RunAsync(dir, "ls", "--json");
            ls.Code.Should().Be(0, ls.Err);
            ls.Out.Trim().Should().Be("[]");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory(Timeout = 60_000)]
    [InlineData(2, "kill", "../x")]
    [InlineData(2, "ls", "--bogus")]
    [InlineData(1, "kill", "abcdef12")]
    public async Task Bad_input_is_one_line_on_stderr_and_a_non_zero_exit(int code, string verb, string arg)
    {
        var dir = Directory.CreateTempSubdirectory("zwarm-cli-").FullName;
        try
        {
            await RunAsync(dir, "init", "-y");
            var r = await RunAsync(dir, verb, arg);
            r.Code.Should().Be(code);
            r.Err.TrimEnd('\n').Split('\n').Should().ContainSingle().Which.Should().StartWith("zwarm: ");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
