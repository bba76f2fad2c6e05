using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>
/// The tool packages of zwarm, made once with the README's command (<c>dotnet pack src/Zwarm.Cli -c Release</c>, offline) and
/// served by a nuget.config each. Where the specs run the native binary ./zwarm built (test.sh), the pack makes the NativeAOT
/// <c>Zwarm.linux-x64</c> beside the framework-dependent <c>Zwarm.any</c> and reuses that build's NativeAOT compile (same
/// configuration, RID and sources: the compiler is not run again); a second pack with <c>-p:ZwarmToolNative=false</c> makes
/// what a platform without the native package gets. Otherwise only the framework-dependent packages are made.
/// </summary>
public sealed class PackedZwarm : IAsyncLifetime
{
    public string Root { get; } = Directory.CreateTempSubdirectory("zwarm-pack-").FullName;

    /// <summary>True when the packages include the NativeAOT <c>Zwarm.linux-x64</c> (the specs run the native zwarm).</summary>
    public bool Native { get; } = Repo.ZwarmIsNative;

    /// <summary>The packages <c>dotnet pack</c> made.</summary>
    public string Packages => Path.Combine(Root, "pkg");

    /// <summary>A nuget.config serving only <see cref="Packages"/>.</summary>
    public string NugetConfig => Path.Combine(Root, "nuget.config");

    /// <summary>A nuget.config serving packages with no native one (pointer and <c>Zwarm.any</c> only).</summary>
    public string FallbackNugetConfig => Path.Combine(Root, "fallback.config");

    public async ValueTask InitializeAsync()
    {
        await PackAsync(Packages, NugetConfig, Native ? [] : ["-p:ZwarmToolNative=false"]);
        if (Native) await PackAsync(Path.Combine(Root, "pkg-fallback"), FallbackNugetConfig, ["-p:ZwarmToolNative=false"]);
        else File.Copy(NugetConfig, FallbackNugetConfig);
    }

    private async Task PackAsync(string dir, string config, string[] extra)
    {
        var r = await InstallSpecs.RunToolAsync(Paths.RepoRoot, "dotnet", ["pack", Path.Combine(Paths.RepoRoot, "src", "Zwarm.Cli"),
            "-c", "Release", "-o", dir, "--no-restore", "--nologo", "-v", "quiet", .. extra], null, TimeSpan.FromMinutes(15));
        if (r.ExitCode != 0) throw new InvalidOperationException("dotnet pack failed: " + r);
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="zwarm-under-test" value="{dir}" /></packageSources></configuration>
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
        var install = await InstallAsync(packed.Root, ["--tool-path", tools], packed.NugetConfig);
        install.ExitCode.Should().Be(0, install.ToString());

        await SpawnAndExpectFinalisedAsync(Path.Combine(tools, "zwarm"), []);
        ExpectNative(Path.Combine(tools, "zwarm"), tools);
    }

    [Fact(Timeout = 120_000)]
    public async Task As_a_global_tool_a_turn_is_finalised_by_its_wrapper()
    {
        var home = Path.Combine(packed.Root, "home-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(home);
        var env = new Dictionary<string, string?> { ["DOTNET_CLI_HOME"] = home };
        var install = await InstallAsync(packed.Root, ["--global"], packed.NugetConfig, env);
        install.ExitCode.Should().Be(0, install.ToString());

        await SpawnAndExpectFinalisedAsync(Path.Combine(home, ".dotnet", "tools", "zwarm"), [], env);
        ExpectNative(Path.Combine(home, ".dotnet", "tools", "zwarm"), Path.Combine(home, ".dotnet", "tools"));
    }

    [Fact]
    public void The_pointer_package_names_the_native_package_for_linux_x64_and_the_framework_dependent_one_for_any_other_platform()
    {
        Need.Tool(packed.Native, NoNative);
        Directory.EnumerateFiles(packed.Packages, "*.nupkg").Select(Path.GetFileName)
            .Should().BeEquivalentTo("Zwarm.0.1.0.nupkg", "Zwarm.linux-x64.0.1.0.nupkg", "Zwarm.any.0.1.0.nupkg");
        var pointer = ReadEntries(Path.Combine(packed.Packages, "Zwarm.0.1.0.nupkg"));
        var settings = XDocument.Parse(pointer.Single(e => e.Key.EndsWith("/DotnetToolSettings.xml", StringComparison.Ordinal)).Value);
        settings.Descendants("RuntimeIdentifierPackage")
            .Select(e => (string)e.Attribute("RuntimeIdentifier")! + " " + (string)e.Attribute("Id")!)
            .Should().Equal("linux-x64 Zwarm.linux-x64", "any Zwarm.any");
        pointer.Keys.Where(k => k.StartsWith("tools/", StringComparison.Ordinal))
            .Should().ContainSingle("the pointer holds no program").Which.Should().EndWith("/DotnetToolSettings.xml");

        var native = ReadEntries(Path.Combine(packed.Packages, "Zwarm.linux-x64.0.1.0.nupkg"));
        native.Keys.Where(k => k.StartsWith("tools/", StringComparison.Ordinal))
            .Should().BeEquivalentTo("tools/any/linux-x64/zwarm", "tools/any/linux-x64/DotnetToolSettings.xml");
        native["tools/any/linux-x64/DotnetToolSettings.xml"].Should().Contain("Runner=\"executable\"");

        var fallback = ReadEntries(Path.Combine(packed.Packages, "Zwarm.any.0.1.0.nupkg"));
        fallback.Keys.Should().Contain(["tools/net10.0/any/zwarm.dll", "tools/net10.0/any/zwarm.runtimeconfig.json"]);
        fallback.Keys.Should().NotContain(k => k.EndsWith(".pdb", StringComparison.Ordinal) || k.EndsWith(".dbg", StringComparison.Ordinal),
            "a tool package holds the program only");
        fallback["tools/net10.0/any/DotnetToolSettings.xml"].Should().Contain("Runner=\"dotnet\"");
    }

    [Fact(Timeout = 120_000)]
    public async Task Where_no_native_package_fits_the_framework_dependent_fallback_is_installed_and_finalises_a_turn()
    {
        var tools = Path.Combine(packed.Root, "fallback-" + Guid.NewGuid().ToString("N")[..6]);
        var install = await InstallAsync(packed.Root, ["--tool-path", tools], packed.FallbackNugetConfig);
        install.ExitCode.Should().Be(0, install.ToString());
        Directory.EnumerateFiles(tools, "zwarm.dll", SearchOption.AllDirectories).Should().ContainSingle()
            .Which.Should().Contain("/zwarm.any/", "the pointer's `any` package is what the CLI picks when no RID-specific one fits");

        await SpawnAndExpectFinalisedAsync(Path.Combine(tools, "zwarm"), []);
    }

    [Fact(Timeout = 120_000)]
    public async Task As_a_local_tool_run_by_dotnet_a_turn_is_finalised_by_its_wrapper()
    {
        await using var project = new TestProject(Ct);
        Directory.CreateDirectory(Path.Combine(project.Dir, ".config"));
        await File.WriteAllTextAsync(Path.Combine(project.Dir, ".config", "dotnet-tools.json"),
            """{ "version": 1, "isRoot": true, "tools": {} }""", Ct);
        var install = await InstallAsync(project.Dir, [], packed.NugetConfig);
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

    private const string NoNative = "no NativeAOT zwarm under test (test.sh builds one when clang and zlib1g-dev are installed): "
        + "the tool packages are framework-dependent only";

    /// <summary><c>dotnet tool install Zwarm</c> with <paramref name="how"/> (--global, --tool-path DIR, or none: local).</summary>
    private static Task<CliResult> InstallAsync(
        string cwd, string[] how, string nugetConfig, IReadOnlyDictionary<string, string?>? env = null)
        => RunToolAsync(cwd, "dotnet", ["tool", "install", "Zwarm", .. how, "--configfile", nugetConfig], env, TimeSpan.FromMinutes(1));

    /// <summary>
    /// The installed command is the NativeAOT program of <c>Zwarm.linux-x64</c>: an ELF executable that is no .NET host (it
    /// names no libhostfxr, which every apphost loads the runtime with) and no managed assembly anywhere in the install.
    /// </summary>
    private void ExpectNative(string command, string installRoot)
    {
        Need.Tool(packed.Native, NoNative);
        var program = File.ResolveLinkTarget(command, returnFinalTarget: true)?.FullName ?? command;
        program.Should().Contain("/zwarm.linux-x64/", "the CLI picks the RID-specific package on linux-x64");
        var bytes = File.ReadAllBytes(program);
        bytes.AsSpan(0, 4).ToArray().Should().Equal(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F' }, "an ELF executable");
        bytes.AsSpan().IndexOf("libhostfxr"u8).Should().Be(-1, "a framework-dependent apphost would load the runtime through libhostfxr");
        Directory.EnumerateFiles(installRoot, "*.dll", SearchOption.AllDirectories).Should().BeEmpty();
    }

    /// <summary>The files of a .nupkg, by path, with their text.</summary>
    private static Dictionary<string, string> ReadEntries(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            if (!e.FullName.EndsWith(".xml", StringComparison.Ordinal)) return "";
            using var r = new StreamReader(e.Open());
            return r.ReadToEnd();
        });
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
