namespace Zwarm.TestSupport;

/// <summary>A tool a test needs: missing is a failure when CI is set to anything, a visible skip elsewhere.</summary>
public static class Need
{
    /// <summary>True when the CI variable is set to anything.</summary>
    public static bool IsCi => Environment.GetEnvironmentVariable("CI") is { Length: > 0 };

    /// <summary>Fails (CI) or skips (locally) with <paramref name="reason"/> unless <paramref name="available"/>.</summary>
    public static void Tool(bool available, string reason)
    {
        if (available) return;
        if (IsCi) Assert.Fail(reason);
        Assert.Skip(reason);
    }

    /// <summary>True when <paramref name="name"/> is an executable file in a folder of PATH.</summary>
    public static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Any(d => File.Exists(Path.Combine(d, name)));
}
