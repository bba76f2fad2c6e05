namespace Zwarm.Cli.Tests.Infra;

/// <summary>Short names for <see cref="Repo"/> (Zwarm.TestSupport), kept for specs written against them.</summary>
internal static class Paths
{
    /// <summary><see cref="Repo.Root"/>.</summary>
    public static string RepoRoot => Repo.Root;

    /// <summary><see cref="Repo.Fixtures"/>.</summary>
    public static string Fixtures => Repo.Fixtures;

    /// <summary><see cref="Repo.Zwarm"/>.</summary>
    public static string Zwarm => Repo.Zwarm;

    /// <summary><see cref="Repo.FakeAgent"/>.</summary>
    public static string FakeAgent => Repo.FakeAgent;
}
