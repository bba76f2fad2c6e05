namespace Zwarm.TestSupport;

/// <summary>Where the repository is and where its built programs are, in the configuration of the running tests.</summary>
public static class Repo
{
    /// <summary>The repository root (holds Zwarm.slnx).</summary>
    public static string Root { get; } = FindUp("Zwarm.slnx")
        ?? throw new InvalidOperationException("repo root (Zwarm.slnx) not found above " + AppContext.BaseDirectory);

    /// <summary>Captured agent output fixtures: tests/fixtures/agents.</summary>
    public static string Fixtures { get; } = Path.Combine(Root, "tests", "fixtures", "agents");

    /// <summary>A file under the fixtures, e.g. <c>Fixture("codex", "02_tool_shell.jsonl")</c>.</summary>
    public static string Fixture(params string[] parts) => Path.Combine([Fixtures, .. parts]);

    /// <summary>Debug or Release: the configuration these tests were built in.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>
    /// The zwarm program the process-level specs run: <c>$ZWARM_TEST_BINARY</c> when set (test.sh sets it to the binary
    /// users get, the NativeAOT build ./zwarm makes when the toolchain is there), else <see cref="FrameworkDependentZwarm"/>.
    /// </summary>
    public static string Zwarm => Environment.GetEnvironmentVariable("ZWARM_TEST_BINARY") is { Length: > 0 } bin
        ? File.Exists(bin) ? bin : throw new FileNotFoundException($"ZWARM_TEST_BINARY names no file: {bin}")
        : FrameworkDependentZwarm;

    /// <summary>True when the specs run a NativeAOT zwarm (no zwarm.dll next to it).</summary>
    public static bool ZwarmIsNative => !File.Exists(Path.Combine(Path.GetDirectoryName(Zwarm)!, "zwarm.dll"));

    /// <summary>src/Zwarm.Cli/bin/&lt;config&gt;/net10.0/zwarm: the framework-dependent build (apphost next to zwarm.dll).</summary>
    public static string FrameworkDependentZwarm => Built(Path.Combine("src", "Zwarm.Cli"), "zwarm");

    /// <summary>tests/Zwarm.FakeAgent/bin/&lt;config&gt;/net10.0/Zwarm.FakeAgent: the scriptable codex stand-in.</summary>
    public static string FakeAgent => Built(Path.Combine("tests", "Zwarm.FakeAgent"), "Zwarm.FakeAgent");

    /// <summary>node_modules/.bin/<paramref name="name"/> (may not exist; see <see cref="RealAgents.RequireCli"/>).</summary>
    public static string NodeBin(string name) => Path.Combine(Root, "node_modules", ".bin", name);

    /// <summary>The apphost <paramref name="name"/> built from <paramref name="project"/> (a folder under the root).</summary>
    public static string Built(string project, string name)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"not built: {path}");
    }

    /// <summary>The nearest folder at or above the test binaries that holds <paramref name="marker"/>.</summary>
    public static string? FindUp(string marker)
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, marker))) return d.FullName;
        return null;
    }
}
