using System.Globalization;
using System.Text.RegularExpressions;
using Tomlyn.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Zwarm.Core.Config;

/// <summary>
/// A YAML file read with YamlDotNet's representation model (no reflection, so NativeAOT-safe). Scalars are typed as
/// Python zwarm's PyYAML (YAML 1.1) types them: quoted → string; plain null/~, true/false/yes/no/on/off, integers, floats.
/// Mappings and sequences become Tomlyn's <see cref="TomlTable"/>/<see cref="TomlArray"/>/<see cref="TomlTableArray"/>,
/// so a YAML config is checked by the same rules as config.toml.
/// </summary>
public static partial class YamlFile
{
    /// <summary>Parses <paramref name="text"/>; the root must be a mapping (an empty file is an empty one).</summary>
    public static YamlMappingNode ParseMapping(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            var msg = (ex.InnerException?.Message ?? ex.Message).Split('\n')[0].Trim();
            throw new ZwarmException($"{source}:{ex.Start.Line}: invalid YAML: {msg}", 1, ex);
        }
        catch (ArgumentException ex)
        {
            // Duplicate mapping keys surface as a dictionary error.
            throw new ZwarmException($"{source}: invalid YAML: {ex.Message.Split('\n')[0].Trim()}", 1, ex);
        }
        if (stream.Documents.Count == 0) return new YamlMappingNode();
        return stream.Documents[0].RootNode switch
        {
            YamlMappingNode m => m,
            YamlScalarNode { Value: null or "" } or YamlScalarNode { Value: "~" } => new YamlMappingNode(),
            var other => throw new ZwarmException(
                $"{source}:{other.Start.Line}: expected a mapping of keys (key: value), got a {Kind(other)}"),
        };
    }

    /// <summary>The value of a scalar, typed the way PyYAML types it (null for null/~/empty).</summary>
    public static object? Scalar(YamlScalarNode node)
    {
        var v = node.Value ?? "";
        if (node.Style is not ScalarStyle.Plain and not ScalarStyle.Any) return v;
        if (v is "" or "~" or "null" or "Null" or "NULL") return null;
        if (v is "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON") return true;
        if (v is "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF") return false;
        if (IntPattern().IsMatch(v)
            && long.TryParse(
                v.Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            return l;
        if (HexPattern().IsMatch(v)) return Convert.ToInt64(v[2..], 16);
        if (FloatPattern().IsMatch(v)
            && double.TryParse(v.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            return d;
        return v;
    }

    /// <summary>
    /// A node as a TOML-model value: scalar, <see cref="TomlTable"/>, <see cref="TomlArray"/>, or <see cref="TomlTableArray"/> for a list
    /// of mappings.
    /// </summary>
    public static object? ToValue(YamlNode node) => node switch
    {
        YamlScalarNode s => Scalar(s),
        YamlMappingNode m => ToTable(m),
        YamlSequenceNode q when q.Children.Count > 0 && q.Children.All(c => c is YamlMappingNode) => ToTableArray(q),
        YamlSequenceNode q => ToArray(q),
        _ => null,
    };

    /// <summary>1-based line where <paramref name="node"/> starts.</summary>
    public static long Line(YamlNode node) => node.Start.Line;

    /// <summary>"a mapping", "a list", "a value", for messages.</summary>
    public static string Kind(YamlNode node) => node switch
    {
        YamlMappingNode => "mapping",
        YamlSequenceNode => "list",
        _ => "value",
    };

    private static TomlTable ToTable(YamlMappingNode m)
    {
        var t = new TomlTable();
        foreach (var (k, v) in m.Children)
            if (ToValue(v) is { } value) t[KeyOf(k)] = value;
        return t;
    }

    private static TomlTableArray ToTableArray(YamlSequenceNode q)
    {
        var a = new TomlTableArray();
        foreach (var c in q.Children) a.Add(ToTable((YamlMappingNode)c));
        return a;
    }

    private static TomlArray ToArray(YamlSequenceNode q)
    {
        var a = new TomlArray();
        foreach (var c in q.Children) a.Add(ToValue(c));
        return a;
    }

    /// <summary>The text of a mapping key.</summary>
    public static string KeyOf(YamlNode key) => key is YamlScalarNode s ? s.Value ?? "" : key.ToString();

    [GeneratedRegex(@"^[-+]?(0|[1-9][0-9_]*)$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^0x[0-9a-fA-F]{1,15}$")]
    private static partial Regex HexPattern();

    [GeneratedRegex(@"^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?$|^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$")]
    private static partial Regex FloatPattern();
}
