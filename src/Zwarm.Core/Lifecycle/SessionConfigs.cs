using Zwarm.Core.Config;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Lifecycle;

/// <summary>
/// Which configuration a session runs under: the --config/--set layers recorded when its turn was queued, loaded again
/// (and cached) by whichever zwarm process starts or finalises that turn.
/// </summary>
internal sealed class SessionConfigs(FileSessionStore store, ZwarmConfig config)
{
    private readonly Dictionary<string, ZwarmConfig> _sessionConfigs = new(StringComparer.Ordinal);

    /// <summary>The layers of this manager's configuration, recorded on a session when a turn is queued.</summary>
    public SessionSettings Current() => new() { ConfigFile = config.OverrideFile, Set = [.. config.OverrideSets] };

    /// <summary>Sessions with the same key run under the same configuration (and share its limits).</summary>
    public static string Key(SessionSettings? s) => s is null ? "" : (s.ConfigFile ?? "") + "\n" + string.Join("\n", s.Set);

    /// <summary>
    /// The configuration a session's turn was started with: this manager's base layers plus the --config/--set the
    /// session recorded. A session without a record (older, or Python zwarm's) gets this manager's.
    /// </summary>
    public async Task<ZwarmConfig> ForAsync(SessionMeta meta, CancellationToken ct)
    {
        var s = meta.Settings;
        if (s is null || s.SameAs(config.OverrideFile, config.OverrideSets)) return config;
        var key = Key(s);
        lock (_sessionConfigs)
            if (_sessionConfigs.TryGetValue(key, out var cached)) return cached;
        ZwarmConfig loaded;
        try
        {
            loaded = await ConfigLoader.LoadAsync(store.Root, s.ConfigFile is { } f && File.Exists(f) ? f : null, s.Set, null, ct);
        }
        catch (ZwarmException)
        {
            loaded = config; // the recorded layers no longer load (file edited): the current settings are the best left
        }
        lock (_sessionConfigs) _sessionConfigs[key] = loaded;
        return loaded;
    }
}
