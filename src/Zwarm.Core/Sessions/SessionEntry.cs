namespace Zwarm.Core.Sessions;

/// <summary>A session folder as found by a listing: either a readable session or the reason it is not.</summary>
public sealed record SessionEntry(string Id, SessionMeta? Meta, string? Problem)
{
    /// <summary>True when meta.json could be read.</summary>
    public bool IsReadable => Meta is not null;
}
