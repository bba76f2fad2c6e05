using System.Globalization;
using Tomlyn.Model;
using Zwarm.Core.Events;

namespace Zwarm.Core.Config;

/// <summary>What a hook does.</summary>
public enum HookKind
{
    /// <summary>Runs a shell command with the event in its environment and on stdin.</summary>
    Run,
    /// <summary>POSTs the event as JSON to a URL.</summary>
    Url,
    /// <summary>Shows a desktop notification.</summary>
    Notify,
}

/// <summary>One [[hooks]] entry: the events it fires on and one action (a shell command, an HTTP POST, a desktop notification).</summary>
public sealed record HookConfig(int Index, IReadOnlyList<string> On, HookKind Kind, string? Run, string? Url, TimeSpan Timeout)
{
    private static readonly string[] Keys = ["on", "run", "url", "notify", "timeout", "name"];

    /// <summary>A name for logs: "hook #N (run)".</summary>
    public string Label => $"hook #{Index} ({Kind.ToString().ToLowerInvariant()})";

    /// <summary>True when the hook fires on <paramref name="event"/>.</summary>
    public bool Matches(string @event) => On.Contains(@event, StringComparer.Ordinal);

    /// <summary>Checks every entry; a bad one is a clear error naming its position and key.</summary>
    internal static void Validate(TomlTableArray hooks, string where)
    {
        var i = 0;
        foreach (var t in hooks)
        {
            i++;
            var at = $"{where}: [[hooks]] #{i}";
            foreach (var key in t.Keys)
                if (!Keys.Contains(key))
                    throw new ZwarmException($"{at}: unknown key '{key}' (expected one of {string.Join(", ", Keys)})");
            var actions = new[] { "run", "url", "notify" }.Where(t.ContainsKey).ToList();
            if (actions.Count != 1)
                throw new ZwarmException($"{at}: give exactly one of run, url or notify");
            if (t.TryGetValue("run", out var run) && run is not string { Length: > 0 })
                throw new ZwarmException($"{at}: run must be a shell command (a string)");
            if (t.TryGetValue("url", out var url)
                && (url is not string u || !Uri.TryCreate(u, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
                throw new ZwarmException($"{at}: url must be an http:// or https:// address");
            if (t.TryGetValue("notify", out var notify) && notify is not true)
                throw new ZwarmException($"{at}: notify must be true (remove the entry to turn it off)");
            if (t.TryGetValue("timeout", out var timeout)
                && (timeout is not (long or double) || Convert.ToDouble(timeout, CultureInfo.InvariantCulture) <= 0))
                throw new ZwarmException($"{at}: timeout must be a positive number of seconds");
            if (t.TryGetValue("on", out var on))
            {
                if (on is not TomlArray arr || arr.Any(x => x is not string))
                    throw new ZwarmException($"{at}: on must be a list of event names, e.g. [\"completed\", \"failed\"]");
                foreach (var name in arr.Cast<string>())
                    if (!EventNames.All.Contains(name))
                        throw new ZwarmException(
                            $"{at}: unknown event '{name}' in on (expected some of {string.Join(", ", EventNames.All)})");
            }
        }
    }

    internal static List<HookConfig> Read(TomlTableArray hooks)
    {
        var list = new List<HookConfig>();
        var i = 0;
        foreach (var t in hooks)
        {
            i++;
            var on = t.TryGetValue("on", out var o) && o is TomlArray arr ? arr.Cast<string>().ToList() : [.. EventNames.Finished];
            var kind = t.ContainsKey("run") ? HookKind.Run : t.ContainsKey("url") ? HookKind.Url : HookKind.Notify;
            var seconds = t.TryGetValue("timeout", out var s)
                ? Convert.ToDouble(s, CultureInfo.InvariantCulture)
                : kind == HookKind.Run ? 30 : 10;
            list.Add(new HookConfig(i, on, kind,
                t.TryGetValue("run", out var r) ? r as string : null, t.TryGetValue("url", out var u) ? u as string : null,
                TimeSpan.FromSeconds(seconds)));
        }
        return list;
    }
}
