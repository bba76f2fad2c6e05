using YamlDotNet.RepresentationModel;

namespace Zwarm.Core.Config;

/// <summary>
/// A --config file: TOML, or YAML (.yaml/.yml, Python zwarm's experiment configs) with the same keys as config.toml and
/// <c>extends: other.yaml</c> (relative to the file; the file's own keys win; cycles are refused).
/// </summary>
public static class ExperimentConfig
{
    /// <summary>True for .yaml and .yml.</summary>
    public static bool IsYaml(string path) => Path.GetExtension(path).ToLowerInvariant() is ".yaml" or ".yml";

    /// <summary>
    /// Every key of the file (after the files it extends) as a dotted path with its value (null = back to the default) and "file:line".
    /// </summary>
    public static async Task<IReadOnlyList<(string Key, object? Value, string Where)>> ReadAsync(
        string path, CancellationToken ct = default)
    {
        var entries = new List<(string, object?, string)>();
        await ReadAsync(path, path, [], entries, ct);
        return entries;
    }

    private static async Task ReadAsync(
        string path, string shown, List<string> chain, List<(string, object?, string)> entries, CancellationToken ct)
    {
        var full = Path.GetFullPath(path);
        if (chain.Contains(full, StringComparer.Ordinal))
            throw new ZwarmException($"{shown}: extends cycle: {string.Join(" → ", chain.Append(full).Select(Path.GetFileName))}");
        if (!IsYaml(full))
        {
            foreach (var (k, v, w) in (await TomlDocument.LoadAsync(full, ct)).Flatten()) entries.Add((k, v, w));
            return;
        }
        var root = YamlFile.ParseMapping(await File.ReadAllTextAsync(full, ct), shown);
        var extends = root.Children.FirstOrDefault(kv => YamlFile.KeyOf(kv.Key) == "extends");
        if (extends.Key is not null)
        {
            if (extends.Value is not YamlScalarNode { Value: { Length: > 0 } parent })
                throw new ZwarmException($"{shown}:{YamlFile.Line(extends.Key)}: extends: expected a file name");
            var parentPath = Path.Combine(Path.GetDirectoryName(full)!, parent);
            var parentShown = Path.Combine(Path.GetDirectoryName(shown) ?? "", parent);
            if (!File.Exists(parentPath))
                throw new ZwarmException($"{shown}:{YamlFile.Line(extends.Key)}: extends: file not found: {parentShown}");
            await ReadAsync(parentPath, parentShown, [.. chain, full], entries, ct);
        }
        Flatten(root, "", shown, entries);
    }

    private static void Flatten(YamlMappingNode map, string prefix, string shown, List<(string, object?, string)> entries)
    {
        foreach (var (k, v) in map.Children)
        {
            var key = prefix + YamlFile.KeyOf(k);
            if (prefix.Length == 0 && key == "extends") continue;
            var where = $"{shown}:{YamlFile.Line(k)}";
            // Sub-tables are walked key by key (as TOML tables are), except where the key itself holds a table (pricing entries stay leaves
            // below).
            if (v is YamlMappingNode sub && ConfigSchema.Find(key) is not { Kind: ConfigKind.TableList })
                Flatten(sub, key + ".", shown, entries);
            else entries.Add((key, YamlFile.ToValue(v), where));
        }
    }
}
