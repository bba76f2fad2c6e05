using System.Text.Json;

namespace Zwarm.Core.Sessions;

/// <summary>A leftover of an interrupted command in the sessions folder, and what it is.</summary>
public sealed record Debris(string Path, string What);

/// <summary>
/// The .zwarm/sessions store, compatible with Python zwarm 3.7+. Writes are atomic and serialised per
/// session by a lock file, so any number of zwarm processes can share it.
/// </summary>
public sealed class FileSessionStore : ISessionStore
{
    private const string MetaFile = StoreLayout.MetaFileName;

    /// <summary>How long a writer waits for a session's lock.</summary>
    public static TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Opens the store under <paramref name="zwarmDir"/> (the .zwarm folder).</summary>
    public FileSessionStore(string zwarmDir)
    {
        Layout = new StoreLayout(zwarmDir);
    }

    /// <summary>Every path of the .zwarm folder.</summary>
    public StoreLayout Layout { get; }

    /// <inheritdoc />
    public string Root => Layout.Root;

    /// <summary>The sessions folder.</summary>
    public string SessionsDir => Layout.SessionsDir;

    /// <inheritdoc />
    public string SessionDir(string id) => Layout.SessionDir(id);

    /// <inheritdoc />
    public string TurnFile(string id, int turn) => Layout.TurnFile(id, turn);

    private string MetaPath(string id) => Layout.MetaFile(id);

    /// <summary>A session read synchronously (e.g. inside a key loop); null when it is missing or unreadable.</summary>
    public SessionMeta? TryReadNow(string id)
    {
        try
        {
            return SessionJson.Deserialize(File.ReadAllBytes(MetaPath(id)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Full ids of every session folder (no meta.json read).</summary>
    public IEnumerable<string> EnumerateIds()
    {
        if (!Directory.Exists(SessionsDir)) yield break;
        foreach (var dir in Directory.EnumerateDirectories(SessionsDir))
        {
            var name = Path.GetFileName(dir);
            if (SessionIds.IsFull(name)) yield return name;
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SessionEntry>> ListAsync(CancellationToken ct = default) => ListAsync(summaries: false, ct);

    /// <summary>Every session folder, newest first; with <paramref name="summaries"/> only the fields a listing needs are read.</summary>
    public Task<IReadOnlyList<SessionEntry>> ListAsync(bool summaries, CancellationToken ct = default)
    {
        var ids = EnumerateIds().ToArray();
        var entries = new SessionEntry[ids.Length];
        // Page-cache reads are CPU work: synchronous reads into one reused buffer per worker, nothing kept but the entry.
        Parallel.For(0, ids.Length,
            new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount) },
            () => new byte[1 << 14],
            (i, _, buffer) =>
            {
                entries[i] = TryRead(ids[i], summaries, ref buffer);
                return buffer;
            },
            _ => { });
        Array.Sort(entries, (a, b) =>
            (b.Meta?.CreatedAt ?? DateTimeOffset.MinValue).CompareTo(a.Meta?.CreatedAt ?? DateTimeOffset.MinValue) is var c && c != 0
                ? c : string.CompareOrdinal(a.Id, b.Id));
        return Task.FromResult<IReadOnlyList<SessionEntry>>(entries);
    }

    // One session's meta.json read into buffer (grown when too small) and parsed, without throwing for a bad one.
    private SessionEntry TryRead(string id, bool summary, ref byte[] buffer)
    {
        try
        {
            using var handle = File.OpenHandle(MetaPath(id), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var length = 0;
            while (true)
            {
                if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                var read = RandomAccess.Read(handle, buffer.AsSpan(length), length);
                if (read == 0) break;
                length += read;
            }
            var bytes = buffer.AsSpan(0, length);
            var meta = summary ? SessionJson.DeserializeSummary(bytes) : SessionJson.Deserialize(bytes);
            if (string.IsNullOrEmpty(meta.Id)) meta.Id = id;
            return new SessionEntry(id, meta, null);
        }
        catch (Exception ex) when (Problem(ex) is { } problem)
        {
            return new SessionEntry(id, null, problem);
        }
    }

    private static string? Problem(Exception ex) => ex switch
    {
        FileNotFoundException => "meta.json is missing",
        JsonException => $"meta.json is corrupt ({FirstLine(ex.Message)})",
        IOException or UnauthorizedAccessException => $"meta.json cannot be read ({FirstLine(ex.Message)})",
        _ => null,
    };

    /// <summary>Reads one session folder without throwing for a bad meta.json.</summary>
    public Task<SessionEntry> TryReadAsync(string id, CancellationToken ct = default) => TryReadAsync(id, summary: false, ct);

    private async Task<SessionEntry> TryReadAsync(string id, bool summary, CancellationToken ct)
    {
        try
        {
            var bytes = await File.ReadAllBytesAsync(MetaPath(id), ct);
            var meta = summary ? SessionJson.DeserializeSummary(bytes) : SessionJson.Deserialize(bytes);
            if (string.IsNullOrEmpty(meta.Id)) meta.Id = id;
            return new SessionEntry(id, meta, null);
        }
        catch (Exception ex) when (Problem(ex) is { } problem)
        {
            return new SessionEntry(id, null, problem);
        }
    }

    /// <inheritdoc />
    public string Resolve(string idOrPrefix)
    {
        var prefix = SessionIds.Validate(idOrPrefix);
        if (SessionIds.IsFull(prefix))
        {
            if (Directory.Exists(Path.Combine(SessionsDir, prefix))) return prefix;
            throw new ZwarmException($"no session with id {prefix}");
        }
        var matches = EnumerateIds()
            .Where(id => id.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Take(6)
            .ToList();
        return matches.Count switch
        {
            0 => throw new ZwarmException($"no session matches '{prefix}'"),
            1 => matches[0],
            _ => throw new ZwarmException(
                $"ambiguous session id '{prefix}': matches {string.Join(", ", matches.Take(5).Select(m => m[..Math.Min(13, m.Length)]))}" +
                $"{(matches.Count > 5 ? ", …" : "")}"),
        };
    }

    /// <inheritdoc />
    public async Task<SessionMeta> GetAsync(string idOrPrefix, CancellationToken ct = default)
    {
        var id = Resolve(idOrPrefix);
        var entry = await TryReadAsync(id, ct);
        return entry.Meta ?? throw new ZwarmException($"session {id[..8]} is unreadable: {entry.Problem}");
    }

    /// <inheritdoc />
    public async Task CreateAsync(SessionMeta meta, CancellationToken ct = default)
    {
        var dir = SessionDir(meta.Id);
        try
        {
            Directory.CreateDirectory(Layout.TurnsDir(meta.Id));
            await using var held = await FileLock.AcquireAsync(Layout.LockFile(meta.Id), LockTimeout, ct);
            if (File.Exists(MetaPath(meta.Id))) throw new ZwarmException($"session {meta.Id} already exists");
            await AtomicFile.WriteAsync(MetaPath(meta.Id), SessionJson.Serialize(meta), ct);
        }
        catch (Exception ex) when (ex is not ZwarmException && StoreWriteException.Describe(ex) is { } why)
        {
            TryDeleteDir(dir); // no session folder without meta.json left behind
            throw new StoreWriteException($"{why}: cannot create a session in {SessionsDir}", ex);
        }
    }

    /// <inheritdoc />
    public Task<SessionMeta> UpdateAsync(string id, Func<SessionMeta, bool> mutate, CancellationToken ct = default)
        => UpdateAsync(id, mutate, static _ => { }, ct);

    /// <inheritdoc />
    public async Task SettledAsync(string id, CancellationToken ct = default)
    {
        if (!Directory.Exists(SessionDir(id))) return;
        await using var held = await FileLock.AcquireAsync(Layout.LockFile(id), LockTimeout, ct);
    }

    /// <inheritdoc />
    public async Task<SessionMeta> UpdateAsync(
        string id, Func<SessionMeta, bool> mutate, Action<SessionMeta> written, CancellationToken ct = default)
    {
        var dir = SessionDir(id);
        if (!Directory.Exists(dir)) throw new ZwarmException($"no session with id {id}");
        await using var held = await FileLock.AcquireAsync(Layout.LockFile(id), LockTimeout, ct);
        var entry = await TryReadAsync(id, ct);
        var meta = entry.Meta ?? throw new ZwarmException($"session {id[..8]} is unreadable: {entry.Problem}; not changing it");
        if (mutate(meta))
        {
            var bytes = SessionJson.Serialize(meta);
            try
            {
                await AtomicFile.WriteAsync(MetaPath(id), bytes, ct);
            }
            catch (Exception ex) when (StoreWriteException.IsFull(ex))
            {
                // A full disk has no room for a temp file, but meta.json's own blocks take the new state (kill, rm).
                try { AtomicFile.OverwriteInPlace(MetaPath(id), bytes); }
                catch (Exception again) when (StoreWriteException.Describe(again) is { } why)
                {
                    throw new StoreWriteException($"{why}: cannot update session {id[..8]}", again);
                }
            }
            catch (Exception ex) when (StoreWriteException.Describe(ex) is { } why)
            {
                throw new StoreWriteException($"{why}: cannot update session {id[..8]}", ex);
            }
            written(meta);
        }
        return meta;
    }

    /// <inheritdoc />
    public Task DeleteAsync(string id, CancellationToken ct = default)
    {
        var dir = SessionDir(id);
        if (!Directory.Exists(dir)) return Task.CompletedTask;
        // Rename first so a concurrent reader never sees a half-deleted session.
        var trash = Path.Combine(SessionsDir, $".deleting-{id}-{Guid.NewGuid():N}");
        try
        {
            Directory.Move(dir, trash);
            Directory.Delete(trash, recursive: true);
        }
        catch (Exception ex) when (StoreWriteException.Describe(ex) is { } why)
        {
            throw new StoreWriteException($"{why}: cannot remove session {id[..8]}", ex);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Leftovers of interrupted commands untouched for <paramref name="minAge"/>: session folders without meta.json (a
    /// spawn killed before writing it), <c>.deleting-*</c> folders (an rm killed mid-delete) and temp files of writes
    /// killed before their rename. <paramref name="inUse"/> protects a folder whose id still has live processes.
    /// </summary>
    public IReadOnlyList<Debris> FindDebris(TimeSpan minAge, Func<string, bool>? inUse = null)
    {
        var list = new List<Debris>();
        if (!Directory.Exists(SessionsDir)) return list;
        var cutoff = DateTime.UtcNow - minAge;
        try
        {
            foreach (var dir in Directory.EnumerateDirectories(SessionsDir))
            {
                var name = Path.GetFileName(dir);
                if (name.StartsWith(".deleting-", StringComparison.Ordinal))
                {
                    if (LastTouchedUtc(dir) < cutoff) list.Add(new Debris(dir, "left by an interrupted rm"));
                }
                else if (SessionIds.IsFull(name) && !File.Exists(Path.Combine(dir, MetaFile)))
                {
                    if (LastTouchedUtc(dir) < cutoff && inUse?.Invoke(name) != true)
                        list.Add(new Debris(dir, "session folder without meta.json"));
                }
                else if (SessionIds.IsFull(name))
                {
                    foreach (var f in Directory.EnumerateFiles(dir, $".{MetaFile}.*.tmp"))
                        if (File.GetLastWriteTimeUtc(f) < cutoff) list.Add(new Debris(f, "temp file of an interrupted write"));
                }
            }
        }
        catch (DirectoryNotFoundException) { }
        return list;
    }

    /// <summary>Removes one leftover (gone already is fine).</summary>
    public static void RemoveDebris(Debris debris)
    {
        try
        {
            if (Directory.Exists(debris.Path)) Directory.Delete(debris.Path, recursive: true);
            else File.Delete(debris.Path);
        }
        catch (DirectoryNotFoundException) { }
    }

    private static void TryDeleteDir(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }

    private static DateTime LastTouchedUtc(string dir)
    {
        var latest = Directory.GetLastWriteTimeUtc(dir);
        foreach (var e in Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories))
        {
            var t = File.GetLastWriteTimeUtc(e);
            if (t > latest) latest = t;
        }
        return latest;
    }

    private static string FirstLine(string s)
    {
        var i = s.IndexOf('\n');
        return (i < 0 ? s : s[..i]).Trim();
    }
}
