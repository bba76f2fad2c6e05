using System.Globalization;
using Tomlyn;
using Tomlyn.Helpers;
using Tomlyn.Model;
using Zwarm.Core.Config;

namespace Zwarm.Core.Agents.Codex;

/// <summary>.zwarm/codex.toml turned into codex's own <c>-c key=value</c> overrides.</summary>
internal static class CodexToml
{
    /// <summary>The overrides (without the "-c") and zwarm's own full_danger switch.</summary>
    internal sealed record Settings(IReadOnlyList<string> Overrides, bool FullDanger);

    /// <summary>Every key except model and full_danger, sections flattened to dotted keys, values in TOML syntax.</summary>
    public static Settings Read(TomlDocument doc)
    {
        var overrides = new List<string>();
        var fullDanger = false;
        foreach (var (key, value) in doc.Table)
        {
            switch (key)
            {
                case "model":
                    if (value is not string) throw BadValue(doc, doc.Table, key, key, "a string", value);
                    break;
                case "full_danger":
                    fullDanger = value is bool b ? b : throw BadValue(doc, doc.Table, key, key, "true or false", value);
                    break;
                default:
                    Add(overrides, doc, doc.Table, "", key, value);
                    break;
            }
        }
        return new Settings(overrides, fullDanger);
    }

    private static void Add(List<string> overrides, TomlDocument doc, TomlTable table, string prefix, string key, object value)
    {
        // codex splits an override at the first '=' and its key at every '.', with no quoting.
        if (key.Length == 0 || key.Contains('.') || key.Contains('=') || key.Trim() != key)
            throw new ZwarmException(
                $"{doc.Where(table, key)}: key '{prefix}{key}' cannot be passed to codex as -c key=value " +
                "(no '.', '=' or surrounding spaces in a key)");
        if (value is TomlTable { Kind: ObjectKind.Table } section)
        {
            // An empty [section] adds nothing: "-c section={}" would wipe that section of the user's own codex config.
            foreach (var (k, v) in section) Add(overrides, doc, section, prefix + key + ".", k, v);
            return;
        }
        var rendered = TryRender(value) ?? throw BadValue(doc, table, key, prefix + key, "a TOML value", value);
        overrides.Add($"{prefix}{key}={rendered}");
    }

    /// <summary>A value in TOML syntax, as codex parses the right-hand side of an override.</summary>
    public static string Render(object value)
        => TryRender(value) ?? throw new ArgumentException($"not a TOML value: {value.GetType().Name}", nameof(value));

    private static string? TryRender(object? value)
    {
        switch (value)
        {
            case string s: return TomlFormatHelper.ToString(s, TomlPropertyDisplayKind.Default);
            case bool b: return b ? "true" : "false";
            case long or int or short or sbyte or byte or ushort or uint: return Convert.ToString(value, CultureInfo.InvariantCulture);
            case double d: return TomlFormatHelper.ToString(d);
            case float f: return TomlFormatHelper.ToString(f);
            case TomlDateTime dt: return TomlFormatHelper.ToString(dt);
            case TomlTableArray tables: return Join("[", tables.Select(TryRender), "]");
            case TomlArray array: return Join("[", array.Select(TryRender), "]");
            case TomlTable table: return Join("{", table.Select(kv => TryRender(kv.Value) is { } v ? $"{Key(kv.Key)} = {v}" : null), "}");
            default: return null;
        }
    }

    private static string? Join(string open, IEnumerable<string?> parts, string close)
    {
        var list = parts.ToList();
        return list.Contains(null) ? null : open + string.Join(", ", list) + close;
    }

    private static string Key(string key)
        => key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            ? key
            : TomlFormatHelper.ToString(key, TomlPropertyDisplayKind.Default);

    private static ZwarmException BadValue(TomlDocument doc, TomlTable table, string key, string fullKey, string expected, object? value)
    {
        var shown = value switch
        {
            string s => $"\"{s}\"",
            bool b => b ? "true" : "false",
            TomlTable => "a table",
            TomlArray or TomlTableArray => "an array",
            null => "nothing",
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        };
        return new ZwarmException($"{doc.Where(table, key)}: bad value for '{fullKey}': expected {expected}, got {shown}");
    }
}
