namespace Zwarm.Core.Sessions;

/// <summary>Which sessions a person should look at (zwarm status): the rule lives here, once.</summary>
public static class Attention
{
    /// <summary>Why <paramref name="m"/> needs a look, or null: it failed, or it completed with an error.</summary>
    public static string? Reason(SessionMeta m) => m.Status switch
    {
        SessionStatus.Failed => m.Error is { Length: > 0 } e ? e : "failed",
        SessionStatus.Completed when m.Error is { Length: > 0 } e => e,
        _ => null,
    };
}
