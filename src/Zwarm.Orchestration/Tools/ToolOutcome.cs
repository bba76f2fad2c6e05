using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Zwarm.Orchestration.Tools;

/// <summary>What a tool returns: the JSON the model reads, and a short line for the person watching.</summary>
internal sealed record ToolOutcome(bool Success, JsonObject Json, string Short)
{
    /// <summary>The JSON text sent back to the model.</summary>
    public string Text => Json.ToJsonString(Compact);

    /// <summary>success: true plus the given fields.</summary>
    public static ToolOutcome Ok(JsonObject fields, string shortText)
    {
        var o = new JsonObject { ["success"] = true };
        foreach (var (k, v) in fields) o[k] = v?.DeepClone();
        return new ToolOutcome(true, o, shortText);
    }

    /// <summary>success: false with what went wrong and what to do instead.</summary>
    public static ToolOutcome Fail(string error, string hint) =>
        new(false, new JsonObject { ["success"] = false, ["error"] = error, ["hint"] = hint }, $"✗ {error}");

    private static readonly JsonSerializerOptions Compact = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary>How far a long tool call (wait_for_sessions) has come: a growing number, its end, and a line for people.</summary>
internal sealed record ToolProgress(double Progress, double? Total, string Message);

/// <summary>A tool's refusal: becomes a success:false result with a hint, never an exception to the loop.</summary>
internal sealed class ToolFailure(string error, string hint) : Exception(error)
{
    /// <summary>What to do instead.</summary>
    public string Hint { get; } = hint;
}

/// <summary>Typed, forgiving access to a tool call's arguments ("5" is a number, "true" a boolean).</summary>
internal sealed class ToolArgs(string tool, IDictionary<string, object?>? args)
{
    private readonly IDictionary<string, object?> _args = args ?? new Dictionary<string, object?>();

    /// <summary>
    /// The value for a tool method's parameter, by its name and type; a missing required one is a <see cref="ToolFailure"/>.
    /// </summary>
    public object? Bind(System.Reflection.ParameterInfo p)
    {
        var name = p.Name!;
        var required = !p.IsOptional;
        var fallback = p.HasDefaultValue ? p.DefaultValue : null;
        var type = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
        if (type == typeof(string)) return String(name, required) ?? fallback;
        if (type == typeof(bool)) return Bool(name, fallback is true);
        if (type == typeof(IReadOnlyList<string>)) return Strings(name);
        if (type == typeof(double))
            return Number(name) ?? (required ? throw Missing(name) : fallback);
        throw new NotSupportedException($"tool {tool}: parameter {name} of type {p.ParameterType.Name} cannot be bound");
    }

    private ToolFailure Missing(string name) => new($"missing argument '{name}'", $"call {ToolCatalog.Signature(tool)}");

    /// <summary>A string argument; a missing required one is a <see cref="ToolFailure"/>.</summary>
    public string? String(string name, bool required = false)
    {
        var value = _args.TryGetValue(name, out var v) ? v switch
        {
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
            JsonElement e => e.GetRawText(),
            null => null,
            _ => Convert.ToString(v, CultureInfo.InvariantCulture),
        } : null;
        if (string.IsNullOrWhiteSpace(value)) value = null;
        if (value is null && required)
            throw new ToolFailure($"missing argument '{name}'", $"call {ToolCatalog.Signature(tool)}");
        return value;
    }

    /// <summary>A number argument, or null.</summary>
    public double? Number(string name)
    {
        if (!_args.TryGetValue(name, out var v) || v is null) return null;
        return v switch
        {
            JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
            JsonElement { ValueKind: JsonValueKind.String } e
                when double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            JsonElement { ValueKind: JsonValueKind.Null } => null,
            IConvertible c => c.ToDouble(CultureInfo.InvariantCulture),
            _ => throw new ToolFailure($"argument '{name}' must be a number", $"call {ToolCatalog.Signature(tool)}"),
        };
    }

    /// <summary>A list of strings: a JSON array, or one string (commas or spaces between items); empty when missing.</summary>
    public IReadOnlyList<string> Strings(string name)
    {
        if (!_args.TryGetValue(name, out var v) || v is null) return [];
        IEnumerable<string?> items = v switch
        {
            JsonElement { ValueKind: JsonValueKind.Array } e
                => e.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString() : x.GetRawText()),
            JsonElement { ValueKind: JsonValueKind.String } e
                => (e.GetString() ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries),
            JsonElement { ValueKind: JsonValueKind.Null } => [],
            string text => text.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries),
            IEnumerable<string> list => list,
            _ => throw new ToolFailure($"argument '{name}' must be a list of strings", $"call {ToolCatalog.Signature(tool)}"),
        };
        return [.. items.Select(x => x?.Trim()).Where(x => !string.IsNullOrEmpty(x)).Select(x => x!)];
    }

    /// <summary>A boolean argument, or the default.</summary>
    public bool Bool(string name, bool fallback = false)
    {
        if (!_args.TryGetValue(name, out var v) || v is null) return fallback;
        return v switch
        {
            JsonElement { ValueKind: JsonValueKind.True } => true,
            JsonElement { ValueKind: JsonValueKind.False } => false,
            JsonElement { ValueKind: JsonValueKind.String } e when bool.TryParse(e.GetString(), out var b) => b,
            JsonElement { ValueKind: JsonValueKind.Null } => fallback,
            bool b => b,
            _ => throw new ToolFailure($"argument '{name}' must be true or false", $"call {ToolCatalog.Signature(tool)}"),
        };
    }
}
