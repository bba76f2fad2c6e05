using System.Text.RegularExpressions;

namespace Zwarm.Core.Sessions;

/// <summary>Validation of session ids given by users: a uuid or a hex prefix of one, never a path.</summary>
public static partial class SessionIds
{
    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex FullRegex();

    [GeneratedRegex("^[0-9a-f][0-9a-f-]{0,35}$")]
    private static partial Regex PrefixRegex();

    /// <summary>True for a complete lower-case uuid.</summary>
    public static bool IsFull(string id) => FullRegex().IsMatch(id);

    /// <summary>Normalises and checks user input; throws a usage error for anything that is not a uuid or hex prefix.</summary>
    public static string Validate(string? input)
    {
        var id = (input ?? "").Trim().ToLowerInvariant();
        if (id.Length == 0 || !PrefixRegex().IsMatch(id))
            throw new ZwarmException($"invalid session id '{input}': expected a uuid or a hex prefix of one", ExitCodes.Usage);
        return id;
    }

    /// <summary>A new random (v4) session id.</summary>
    public static string New() => Guid.NewGuid().ToString("D");
}
