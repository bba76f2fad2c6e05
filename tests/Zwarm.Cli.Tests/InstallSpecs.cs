using System.Diagnostics;
using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>
/// The package of the built zwarm, packed once (offline, from the build the tests run against), and a nuget.config serving only it.
/// </summary>
public sealed class PackedZwarm : IAsyncLifetime
{
    public string Root { get; } = Directory.CreateTempSubdirectory("zwarm-pack-").FullName;

    public string NugetConfig => Path.Combine(Root, "nuget.config");

    public async ValueTask InitializeAsync()
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var pkg = Path.Combine(Root, "pkg");
        var r = await InstallSpecs.RunToolAsync(Paths.RepoRoot, "dotnet",
            ["pack", Path.Combine(Paths.RepoRoot, "src", "Zwarm.Cli", "Zwarm.Cli.csproj"),
            "--no-build", "--no-restore", "-c", configuration, "-o", pkg, "--nologo", "-v", "quiet"], null, TimeSpan.FromMinutes(10));
        if (r.ExitCode != 0) throw new InvalidOperationException("dotnet pack failed: " + r);
        await File.WriteAllTextAsync(NugetConfig, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="zwarm-under-test" value="{pkg}" /></packageSources></configuration>
            """);
    }

    public ValueTask DisposeAsync()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Issue 12 item 19: every way zwarm can be installed or run finalises a finished turn through its wrapper, with no
/// other zwarm command run (the test only reads meta.json from disk).
/// </summary>
public sealed class InstallSpecs(PackedZwarm packed) : IClassFixture<PackedZwarm>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 120_000)]
    public async Task As_a_tool_installed_with_tool_path_a_turn_is_finalised_by_its_wrapper()
    {
        var tools = Path.Combine(packed.Root, "tools-" + Guid.NewGuid().ToString("N")[..6]);
        var install = await RunToolAsync(
            packed.Root, "dotnet", ["tool", "install", "Zwarm", "--tool-path", tools, "--configfile", packed.NugetConfig], null,
            TimeSpan.FromMinutes(1));
        install.ExitCode.Should().Be(0, install.ToString());

        await SpawnAndExpectFinalisedAsync(Path.Combine(tools, "zwarm"), []);
    }

    [Fact(Timeout = 120_000)]
    public async Task As_a_global_tool_a_turn_is_finalised_by_its_wrapper()
    {
        var home = Path.Combine(packed.Root, "home-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(home);
        var env = new Dictionary<string, string?> { ["DOTNET_CLI_HOME"] = home };
        var install = await RunToolAsync(
            packed.Root, "dotnet", ["tool", "install", "--global", "Zwarm", "--configfile", packed.NugetConfig], env,
            TimeSpan.FromMinutes(1));
        install.ExitCode.Should().Be(0, install.ToString());

        await SpawnAndExpectFinalisedAsync(Path.Combine(home, ".dotnet", "tools", "zwarm"), [], env);
    }

    [Fact(Timeout = 120_000)]
    public async Task As_a_local_tool_run_by_dotnet_a_turn_is_finalised_by_its_wrapper()
    {
        await using var project = new TestProject(Ct);
        Directory.CreateDirectory(Path.Combine(project.Dir, ".config"));
        await File.WriteAllTextAsync(
            Path.Combine(project.Dir, ".config", "dotnet-tools.json"), """{ "version": 1, "isRoot": true, "tools": {} }""", Ct);
        var install = await RunToolAsync(
            project.Dir, "dotnet", ["tool", "install", "Zwarm", "--configfile", packed.NugetConfig], null, TimeSpan.FromMinutes(1));
        install.ExitCode.Should().Be(0, install.ToString());

        await SpawnAndExpectFinalisedAsync("dotnet", ["tool", "run", "zwarm", "--"], project: project);
    }

    [Fact(Timeout = 120_000)]
    public async Task Run_as_dotnet_zwarm_dll_a_turn_is_finalised_by_its_wrapper()
        => await SpawnAndExpectFinalisedAsync("dotnet", [Path.Combine(Path.GetDirectoryName(Repo.FrameworkDependentZwarm)!, "zwarm.dll")]);

    [Fact(Timeout = 120_000)]
    public async Task Run_as_the_native_apphost_a_turn_is_finalised_by_its_wrapper()
        => await SpawnAndExpectFinalisedAsync(Paths.Zwarm, []);

    [Fact(Timeout = 120_000)]
    public async Task Run_from_a_checkout_with_the_zwarm_script_a_turn_is_finalised_by_its_wrapper()
    {
        // A checkout whose build is up to date: the script must exec its build, which must finalise the turn.
        var checkout = Path.Combine(packed.Root, "checkout-" + Guid.NewGuid().ToString("N")[..6]);
        var cli = Path.Combine(checkout, ".build", "cli");
        Directory.CreateDirectory(cli);
        File.Copy(Path.Combine(Paths.RepoRoot, "zwarm"), Path.Combine(checkout, "zwarm"));
        var built = Path.GetDirectoryName(Paths.Zwarm)!;
        foreach (var f in Directory.EnumerateFiles(built, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(cli, Path.GetRelativePath(built, f));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(f, to);
        }
        await File.WriteAllTextAsync(Path.Combine(cli, ".stamp"), "", Ct);

        await SpawnAndExpectFinalisedAsync(Path.Combine(checkout, "zwarm"), []);
    }

    private static async Task SpawnAndExpectFinalisedAsync(
        string file, string[] prefix, IReadOnlyDictionary<string, string?>? env = null, TestProject? project = null)
    {
        var own = project is null ? new TestProject(Ct) : null;
        var p = project ?? own!;
        try
        {
            var r = await RunToolAsync(p.Dir, file, [.. prefix, "spawn", "reply=installed", "--json"], env, TimeSpan.FromMinutes(1));
            r.ExitCode.Should().Be(0, r.ToString());
            var id = JsonNode.Parse(r.Stdout)!["id"]!.GetValue<string>();

            // No zwarm command runs from here on: only the turn's wrapper can record the end.
            JsonNode meta;
            try { meta = await p.WaitForDiskStatusAsync(id, "completed", TimeSpan.FromSeconds(30)); }
            catch (TimeoutException ex)
            {
                var log = Path.Combine(p.SessionsDir, id, "supervisor.log");
                throw new TimeoutException(ex.Message + "\nsupervisor.log: " + (File.Exists(log) ? File.ReadAllText(log) : "(none)"));
            }
            meta["messages"]!.AsArray().Last()!["content"]!.GetValue<string>().Should().Be("installed");
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
    }

    internal static async Task<CliResult> RunToolAsync(
        string cwd, string file, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? env, TimeSpan timeout)
    {
        var e = new Dictionary<string, string?>
        {
            ["DOTNET_NOLOGO"] = "1", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        };
        foreach (var (k, v) in env ?? new Dictionary<string, string?>()) e[k] = v;
        await using var p = CliProcess.Start(cwd, args, env: e, file: file, ct: Ct);
        return await p.WaitAsync(timeout, Ct);
    }
}
