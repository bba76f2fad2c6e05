using System.Globalization;

namespace Zwarm.Core.Lifecycle;

/// <summary>
/// How deep sessions nest. Every agent zwarm starts gets <c>ZWARM_DEPTH</c> (its session's nesting + 1); a zwarm that
/// runs inside that agent (the agent calling zwarm, or a zwarm mcp server it started) starts sessions at that nesting,
/// and refuses beyond executor.max_depth — so an agent that delegates to itself cannot start sessions without end.
/// </summary>
public static class SessionNesting
{
    /// <summary>The variable in an agent's environment.</summary>
    public const string Variable = "ZWARM_DEPTH";

    /// <summary>
    /// The nesting of a session this process would start: its <c>ZWARM_DEPTH</c>; 1 inside a session's agent whose zwarm
    /// did not set it (only <c>ZWARM_SESSION_ID</c>); else 0.
    /// </summary>
    public static int OfThisProcess() => Parse(
        Environment.GetEnvironmentVariable(Variable), Environment.GetEnvironmentVariable("ZWARM_SESSION_ID") is { Length: > 0 });

    /// <summary><see cref="OfThisProcess"/> from the two variables' values.</summary>
    public static int Parse(string? depth, bool insideSession) =>
        int.TryParse(depth, NumberStyles.None, CultureInfo.InvariantCulture, out var d) && d is >= 0 and < 1000 ? d
        : insideSession ? 1 : 0;

    /// <summary>
    /// Refuses a new session at <paramref name="nesting"/> when executor.max_depth (<paramref name="maxDepth"/>, 0 = none)
    /// is reached.
    /// </summary>
    public static void Check(int nesting, int maxDepth)
    {
        if (maxDepth > 0 && nesting >= maxDepth)
            throw new ZwarmException(
                $"refused: this zwarm runs inside a session's agent, {nesting} level(s) deep, and executor.max_depth is {maxDepth}; " +
                "a session started here would nest deeper (raise executor.max_depth to allow it)");
    }

    /// <summary>The agent's environment with its depth set.</summary>
    public static IReadOnlyDictionary<string, string?> WithDepth(IReadOnlyDictionary<string, string?> env, int sessionNesting) =>
        new Dictionary<string, string?>(env) { [Variable] = (sessionNesting + 1).ToString(CultureInfo.InvariantCulture) };
}
