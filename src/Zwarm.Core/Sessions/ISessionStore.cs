namespace Zwarm.Core.Sessions;

/// <summary>The sessions folder: the ground truth every interface reads and writes.</summary>
public interface ISessionStore
{
    /// <summary>The .zwarm folder.</summary>
    string Root { get; }

    /// <summary>The folder of one session.</summary>
    string SessionDir(string id);

    /// <summary>The raw output file of one turn.</summary>
    string TurnFile(string id, int turn);

    /// <summary>Every session folder, newest first; unreadable ones are reported, not thrown.</summary>
    Task<IReadOnlyList<SessionEntry>> ListAsync(CancellationToken ct = default);

    /// <summary>Resolves a full id or unique prefix to a full id; throws a clear error otherwise.</summary>
    string Resolve(string idOrPrefix);

    /// <summary>Reads one session by full id or unique prefix.</summary>
    Task<SessionMeta> GetAsync(string idOrPrefix, CancellationToken ct = default);

    /// <summary>Creates a new session folder with its meta.json.</summary>
    Task CreateAsync(SessionMeta meta, CancellationToken ct = default);

    /// <summary>Read-modify-write under the session's lock; <paramref name="mutate"/> returns false to skip the write.</summary>
    Task<SessionMeta> UpdateAsync(string id, Func<SessionMeta, bool> mutate, CancellationToken ct = default);

    /// <summary>
    /// <see cref="UpdateAsync(string, Func{SessionMeta, bool}, CancellationToken)"/>, then <paramref name="written"/> runs
    /// with the new state while the lock is still held (what must be visible by the time a reader that waited for the
    /// lock looks: the event saying how a turn ended).
    /// </summary>
    Task<SessionMeta> UpdateAsync(string id, Func<SessionMeta, bool> mutate, Action<SessionMeta> written, CancellationToken ct = default);

    /// <summary>Waits until no writer holds the session: whatever a writer did under its lock is done.</summary>
    Task SettledAsync(string id, CancellationToken ct = default);

    /// <summary>Removes a session folder.</summary>
    Task DeleteAsync(string id, CancellationToken ct = default);
}
