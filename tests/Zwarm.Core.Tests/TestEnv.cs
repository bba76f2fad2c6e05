namespace Zwarm.Core.Tests;

/// <summary>Paths and temp folders for tests.</summary>
internal static class TestEnv
{
    /// <summary>The repository root (holds Zwarm.slnx).</summary>
    public static string RepoRoot { get; } = FindUp("Zwarm.slnx") ?? throw new InvalidOperationException("repo root not found");

    /// <summary>The built fake agent executable (apphost), same configuration as the tests.</summary>
    public static string FakeAgent
    {
        get
        {
            var config = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            var path = Path.Combine(RepoRoot, "tests", "Zwarm.FakeAgent", "bin", config, "net10.0", "Zwarm.FakeAgent");
            return File.Exists(path) ? path : throw new FileNotFoundException($"fake agent not built: {path}");
        }
    }

    /// <summary>A fresh temp folder, deleted when disposed.</summary>
    public static TempDir Temp() => new();

    private static string? FindUp(string marker)
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, marker))) return d.FullName;
        return null;
    }
}

/// <summary>A temp folder that deletes itself.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "zwarm-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Zwarm => System.IO.Path.Combine(Path, ".zwarm");

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
