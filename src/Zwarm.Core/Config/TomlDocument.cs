using Tomlyn;
using Tomlyn.Model;
using Tomlyn.Serialization;

namespace Zwarm.Core.Config;

/// <summary>A parsed TOML file that remembers where each key came from, for error messages.</summary>
public sealed class TomlDocument
{
    private readonly TomlMetadataStore _store;

    private TomlDocument(string source, TomlTable table, TomlMetadataStore store)
    {
        Source = source;
        Table = table;
        _store = store;
    }

    /// <summary>The file name shown in errors.</summary>
    public string Source { get; }

    /// <summary>The root table.</summary>
    public TomlTable Table { get; }

    /// <summary>An empty document (for a missing file).</summary>
    public static TomlDocument Empty(string source) => new(source, new TomlTable(), new TomlMetadataStore());

    /// <summary>Parses TOML text; a syntax error becomes a <see cref="ZwarmException"/> naming file and line.</summary>
    public static TomlDocument Parse(string text, string source)
    {
        var store = new TomlMetadataStore();
        try
        {
            // The source-generated context reads into the model (TomlTable) without reflection: trim/AOT-safe.
            var table = TomlSerializer.Deserialize(text, new TomlModelContext(new TomlSerializerOptions
            {
                SourceName = source,
                MetadataStore = store,
                // TOML forbids defining a table or key twice; the last one silently winning hides a mistake.
                DuplicateKeyHandling = TomlDuplicateKeyHandling.Error,
            }).TomlTable) ?? new TomlTable();
            TomlDuplicates.Check(text, source);
            return new TomlDocument(source, table, store);
        }
        catch (TomlException ex)
        {
            var msg = ex.Message;
            var idx = msg.IndexOf(": error : ", StringComparison.Ordinal);
            if (idx >= 0) msg = msg[(idx + 10)..];
            msg = msg.Split('\n')[0].Trim();
            throw new ZwarmException($"{source}:{ex.Line}: invalid TOML: {msg}", 1, ex);
        }
    }

    /// <summary>Reads a TOML file; a missing file is an empty document.</summary>
    public static async Task<TomlDocument> LoadAsync(string path, CancellationToken ct = default)
    {
        var name = Path.GetFileName(path);
        if (!File.Exists(path)) return Empty(name);
        return Parse(await File.ReadAllTextAsync(path, ct), path);
    }

    /// <summary>1-based line of <paramref name="key"/> in <paramref name="table"/>, or null.</summary>
    public int? LineOf(TomlTable table, string key)
        => _store.TryGetProperties(table, out var md) && md is not null && md.TryGetProperty(key, out var pm) && pm?.Span is { } span
            ? span.Start.Line + 1
            : null;

    /// <summary>"file:line" for a key, for error messages.</summary>
    public string Where(TomlTable table, string key) => LineOf(table, key) is { } line ? $"{Source}:{line}" : Source;

    /// <summary>Every leaf key as a dotted path with its value and location; arrays of tables stay whole.</summary>
    public IEnumerable<(string Key, object Value, string Where)> Flatten()
    {
        var stack = new Stack<(TomlTable Table, string Prefix)>();
        stack.Push((Table, ""));
        var result = new List<(string, object, string)>();
        while (stack.Count > 0)
        {
            var (table, prefix) = stack.Pop();
            foreach (var (k, v) in table)
            {
                var key = prefix + k;
                if (v is TomlTable sub) stack.Push((sub, key + "."));
                else result.Add((key, v, Where(table, k)));
            }
        }
        return result;
    }
}

/// <summary>Source-generated TOML type info for the document model: no reflection, so NativeAOT-safe.</summary>
[TomlSerializable(typeof(TomlTable))]
internal sealed partial class TomlModelContext : TomlSerializerContext
{
    /// <summary>A context carrying per-read options (source name, metadata store).</summary>
    public TomlModelContext(TomlSerializerOptions options) : this(options, _generated: true) { }
}
