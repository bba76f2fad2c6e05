namespace Zwarm.TestSupport;

/// <summary>The preconditions of a test that starts a real agent CLI: a loopback-only network and the installed CLI.</summary>
public static class RealAgents
{
    /// <summary>
    /// codex settings (codex.toml) that point the real codex at our scripted model server on <paramref name="baseUrl"/>:
    /// provider "mock" (key from MOCK_KEY), no retries, analytics and plugins off (nothing else goes on the network).
    /// </summary>
    public static string CodexMockProvider(string baseUrl) => $"""
        model_provider = "mock"

        [model_providers.mock]
        name = "mock"
        base_url = "{baseUrl}"
        wire_api = "responses"
        env_key = "MOCK_KEY"
        supports_websockets = false
        request_max_retries = 0
        stream_max_retries = 0

        [analytics]
        enabled = false

        [features]
        plugins = false
        """;

    /// <summary>Fails unless the only network interface is <c>lo</c> (a namespace made by ./test.sh).</summary>
    public static void RequireLoopbackOnly()
    {
        var interfaces = Directory.Exists("/sys/class/net")
            ? Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()
            : [];
        if (interfaces is not ["lo"])
            Assert.Fail("run the tests through ./test.sh: real agent CLIs must run in a loopback-only network namespace "
                        + $"(network interfaces here: {(interfaces.Count == 0 ? "none visible" : string.Join(", ", interfaces))}); or: "
                        + "unshare -nm bash -c 'mount -t sysfs none /sys; ip link set lo up; "
                        + "exec dotnet test --project tests/X --no-build'");
    }

    /// <summary>The CLI from the repository's node_modules; missing: a failure in CI, a skip elsewhere.</summary>
    public static string RequireCli(string name)
    {
        var path = Repo.NodeBin(name);
        Need.Tool(File.Exists(path), $"{name} is not installed at {path} (run `npm ci --no-audit --no-fund` at the repository root)");
        return path;
    }
}
