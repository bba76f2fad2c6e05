namespace Zwarm.Core.Tests;

/// <summary>
/// Short names for Zwarm.TestSupport's <see cref="Repo"/> and <see cref="TempDir"/>, kept for specs written against them.
/// </summary>
internal static class TestEnv
{
    /// <summary><see cref="Repo.Root"/>.</summary>
    public static string RepoRoot => Repo.Root;

    /// <summary><see cref="Repo.FakeAgent"/>.</summary>
    public static string FakeAgent => Repo.FakeAgent;

    /// <summary>A fresh temp folder, deleted when disposed.</summary>
    public static TempDir Temp() => new();
}
