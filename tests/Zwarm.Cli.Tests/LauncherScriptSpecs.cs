using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>
/// Issue 12 item 20: the checkout's ./zwarm rebuilds only when sources change, and a build that needs the network says
/// so in one line. Runs a copy of the script in a fake checkout with a fake `dotnet` that records whether it was called.
/// </summary>
public sealed class LauncherScriptSpecs : IDisposable
{
    private readonly string _repo = Directory.CreateTempSubdirectory("zwarm-checkout-").FullName;
    private readonly DateTime _past = DateTime.UtcNow.AddHours(-2);

    public LauncherScriptSpecs()
    {
        File.Copy(Path.Combine(Paths.RepoRoot, "zwarm"), Path.Combine(_repo, "zwarm"));
        Write("src/Zwarm.Cli/Zwarm.Cli.csproj", "<Project/>", _past);
        Write("src/Zwarm.Cli/Program.cs", "// code", _past);
        Write("Directory.Build.props", "<Project/>", _past);
        Write(".build/cli/zwarm", "#!/bin/sh\necho \"ran $*\"\n", _past.AddMinutes(30), executable: true);
        Write(".build/cli/.stamp", "", _past.AddMinutes(30));
        Write("bin/dotnet", """
            #!/bin/sh
            echo "$*" >> "$FAKE_DOTNET_LOG"
            case "$FAKE_DOTNET_MODE" in
              offline) echo "/x/Zwarm.Cli.csproj : error NU1301: Unable to load the service index for source https://api.nuget.org/v3/index.json."; exit 1 ;;
              broken) echo "Program.cs(1,1): error CS1002: ; expected"; exit 1 ;;
              nativefails) [ "$1" = publish ] && { echo "ld: cannot find -lz"; exit 1; } ;;
            esac
            # Like dotnet: the program lands in the -o folder.
            o=""; prev=""
            for a in "$@"; do [ "$prev" = "-o" ] && o="$a"; prev="$a"; done
            if [ -n "$o" ]; then mkdir -p "$o"; printf '#!/bin/sh\necho "ran $*"\n' > "$o/zwarm"; chmod +x "$o/zwarm"; fi
            exit 0
            """, DateTime.UtcNow, executable: true);
    }

    private string DotnetLog => Path.Combine(_repo, "dotnet.log");

    private void Write(string rel, string text, DateTime mtime, bool executable = false)
    {
        var path = Path.Combine(_repo, rel);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.Replace("\r", ""));
        if (executable && (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
            File.SetUnixFileMode(
                path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        File.SetLastWriteTimeUtc(path, mtime);
    }

    private async Task<CliResult> RunAsync(string mode = "ok", string native = "0")
    {
        var env = new Dictionary<string, string?>
        {
            // 0: the framework-dependent build whatever this machine has; 1: the NativeAOT publish, toolchain or not.
            ["ZWARM_NATIVE"] = native,
            ["PATH"] = Path.Combine(_repo, "bin") + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["FAKE_DOTNET_LOG"] = DotnetLog,
            ["FAKE_DOTNET_MODE"] = mode,
        };
        await using var p = CliProcess.Start(
            _repo, ["--version"], env: env, file: Path.Combine(_repo, "zwarm"), ct: TestContext.Current.CancellationToken);
        return await p.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 60_000)]
    public async Task Restore_test_and_pack_output_under_obj_and_bin_does_not_trigger_a_build()
    {
        Write("src/Zwarm.Cli/obj/Zwarm.Cli.csproj.nuget.g.props", "<Project/>", DateTime.UtcNow);
        Write("src/Zwarm.Cli/obj/Debug/net10.0/Zwarm.Cli.AssemblyInfo.cs", "// generated", DateTime.UtcNow);
        Write("src/Zwarm.Cli/bin/Release/net10.0/zwarm.deps.json", "{}", DateTime.UtcNow);

        var r = await RunAsync();

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Be("ran --version\n");
        File.Exists(DotnetLog).Should().BeFalse("nothing a restore, test or pack writes is a source");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_changed_source_triggers_a_build()
    {
        Write("src/Zwarm.Cli/Program.cs", "// changed", DateTime.UtcNow);

        var r = await RunAsync();

        r.ExitCode.Should().Be(0, r.ToString());
        File.ReadAllText(DotnetLog).Should().StartWith("build ");
        r.Stdout.Should().Be("ran --version\n");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_build_that_needs_the_network_says_so_in_one_line()
    {
        Write("src/Zwarm.Cli/Program.cs", "// changed", DateTime.UtcNow);

        var r = await RunAsync("offline");

        r.ExitCode.Should().NotBe(0);
        r.Stdout.Should().BeEmpty();
        var lines = r.ErrLines.Where(l => !l.StartsWith("zwarm: building", StringComparison.Ordinal)).ToList();
        lines.Should().ContainSingle().Which.Should().Contain("network").And.Contain("NU1301");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_failing_build_shows_its_log()
    {
        Write("src/Zwarm.Cli/Program.cs", "// changed", DateTime.UtcNow);

        var r = await RunAsync("broken");

        r.ExitCode.Should().NotBe(0);
        r.Stderr.Should().Contain("error CS1002").And.Contain("zwarm: build failed");
    }

    [Fact(Timeout = 60_000)]
    public async Task With_the_native_toolchain_the_build_is_a_NativeAOT_publish_that_replaces_the_old_build_whole()
    {
        Write(".build/cli/zwarm.dll", "old framework-dependent build", _past.AddMinutes(30));
        Write("src/Zwarm.Cli/Program.cs", "// changed", DateTime.UtcNow);

        var r = await RunAsync(native: "1");

        r.ExitCode.Should().Be(0, r.ToString());
        var call = File.ReadAllLines(DotnetLog).Should().ContainSingle().Subject;
        // NativeAOT is the project's own setting (PublishAot in Zwarm.Cli.csproj), not a global property: a global one would
        // reach the libraries too and make `dotnet pack` recompile them and the whole NativeAOT binary after this build.
        call.Should().StartWith("publish ")
            .And.Contain("-r linux-").And.Contain("-p:CppCompilerAndLinker=").And.NotContain("PublishAot");
        r.Stdout.Should().Be("ran --version\n");
        r.Stderr.Should().Contain("zwarm: building the native binary");
        File.Exists(Path.Combine(_repo, ".build", "cli", "zwarm.dll")).Should()
            .BeFalse("the native build replaces the folder, no stale dll beside it");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_failed_native_build_falls_back_to_the_framework_dependent_one_with_a_one_line_note()
    {
        Write("src/Zwarm.Cli/Program.cs", "// changed", DateTime.UtcNow);

        var r = await RunAsync("nativefails", native: "1");

        r.ExitCode.Should().Be(0, r.ToString());
        File.ReadAllLines(DotnetLog).Select(l => l.Split(' ')[0]).Should().Equal("publish", "build");
        r.ErrLines.Where(l => !l.StartsWith("zwarm: building", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should()
            .Be("zwarm: the native build failed (see .build/native.log): building the framework-dependent zwarm, slower to start");
        File.ReadAllText(Path.Combine(_repo, ".build", "native.log")).Should().Contain("cannot find -lz");
        r.Stdout.Should().Be("ran --version\n");
    }

    public void Dispose()
    {
        try { Directory.Delete(_repo, recursive: true); } catch (IOException) { }
    }
}
