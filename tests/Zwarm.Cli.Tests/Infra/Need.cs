namespace Zwarm.Cli.Tests.Infra;

/// <summary>A tool a test needs: missing is a failure when CI is set to anything, a visible skip elsewhere.</summary>
internal static class Need
{
    /// <summary>Fails (CI) or skips (locally) unless <paramref name="available"/>.</summary>
    public static void Tool(bool available, string reason)
    {
        if (available) return;
        if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 }) Assert.Fail(reason);
        Assert.Skip(reason);
    }
}
