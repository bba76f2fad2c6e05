namespace Zwarm.Cli.Tests.Infra;

/// <summary>Where the built programs are: the real zwarm executable and the fake agent, same configuration as the tests.</summary>
internal static class Paths
{
    /// <summary>The repository root (holds Zwarm.slnx).</summary>
    public static string RepoRoot { get; } = FindUp("Zwarm.slnx") ?? throw new InvalidOperationException("repo root (Zwarm.slnx) not found above " + AppContext.BaseDirectory);

    /// <summary>Captured agent output fixtures (tests/fixtures/agents in the repository).</summary>
    public static string Fixtures { get; } = Path.Combine(RepoRoot, "tests", "fixtures", "agents");

    private static string Configuration => AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>src/Zwarm.Cli/bin/&lt;config&gt;/net10.0/zwarm.</summary>
    public static string Zwarm { get; } = Built(Path.Combine("src", "Zwarm.Cli"), "zwarm");

    /// <summary>tests/Zwarm.FakeAgent/bin/&lt;config&gt;/net10.0/Zwarm.FakeAgent.</summary>
    public static string FakeAgent { get; } = Built(Path.Combine("tests", "Zwarm.FakeAgent"), "Zwarm.FakeAgent");

    private static string Built(string project, string name)
    {
        var path = Path.Combine(RepoRoot, project, "bin", Configuration, "net10.0", name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"not built: {path}");
    }

    private static string? FindUp(string marker)
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, marker))) return d.FullName;
        return null;
    }
}
