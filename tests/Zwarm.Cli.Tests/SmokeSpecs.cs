using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

public sealed class SmokeSpecs
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(string cwd, params string[] args)
    {
        await using var p = CliProcess.Start(
            cwd, args, env: new Dictionary<string, string?> { ["NO_COLOR"] = "1" }, ct: TestContext.Current.CancellationToken);
        var r = await p.WaitAsync(TestProject.RunTimeout, TestContext.Current.CancellationToken);
        return (r.ExitCode, r.Stdout, r.Stderr);
    }

    [Fact(Timeout = 120_000)]
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

    [Theory(Timeout = 120_000)]
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

    [Fact(Timeout = 120_000)]
    public async Task A_dot_env_file_in_the_project_feeds_the_environment_layer_of_the_config()
    {
        var dir = Directory.CreateTempSubdirectory("zwarm-cli-").FullName;
        try
        {
            await RunAsync(dir, "init", "-y");
            await File.WriteAllTextAsync(
                Path.Combine(dir, ".env"), "# local settings\nZWARM_EXECUTOR_MAX_RUNNING=lots\n", TestContext.Current.CancellationToken);

            var r = await RunAsync(dir, "ls");

            r.Code.Should().Be(1);
            r.Err.Trim().Should().Be(
                "zwarm: environment ZWARM_EXECUTOR_MAX_RUNNING: bad value for 'executor.max_running': expected an integer, got \"lots\"");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
