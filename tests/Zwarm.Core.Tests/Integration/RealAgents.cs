namespace Zwarm.Core.Tests.Integration;

/// <summary>
/// Every test that starts a real agent CLI. They change the process environment (HOME, keys, base URLs) that the
/// agents inherit, so they run one at a time, after the parallel collections.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealAgentsCollection
{
    public const string Name = "real-agents";
}

/// <summary>The preconditions of a real-agent test: a loopback-only network and the installed CLI.</summary>
internal static class RealAgents
{
    /// <summary>Fails unless the only network interface is <c>lo</c> (a namespace made by ./test.sh).</summary>
    public static void RequireLoopbackOnly()
    {
        var interfaces = Directory.Exists("/sys/class/net")
            ? Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()
            : [];
        if (interfaces is not ["lo"])
            Assert.Fail("run the tests through ./test.sh: real agent CLIs must run in a loopback-only network namespace "
                        + $"(network interfaces here: {(interfaces.Count == 0 ? "none visible" : string.Join(", ", interfaces))})");
    }

    /// <summary>The CLI from the repository's node_modules; missing: a failure in CI, a skip elsewhere.</summary>
    public static string RequireCli(string name)
    {
        var path = Path.Combine(TestEnv.RepoRoot, "node_modules", ".bin", name);
        if (File.Exists(path)) return path;
        var reason = $"{name} is not installed at {path} (run `npm ci --no-audit --no-fund` at the repository root)";
        if (IsCi) Assert.Fail(reason);
        Assert.Skip(reason);
        return path;
    }

    /// <summary>CI set to anything: a missing tool is a failure, not a skip.</summary>
    private static bool IsCi => Environment.GetEnvironmentVariable("CI") is { Length: > 0 };
}
